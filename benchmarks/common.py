"""Shared by the benchmark scripts (run as `python benchmarks/<script>.py`, so this folder is on sys.path).

One harness for all of them: the command line's site options, the site connection and its teardown,
per-request cache resets, timing and medians, markdown tables, the aims (met or not), the results files and
profiles (profiles stay local: .gitignore), fixtures (users, Case Types, Cases), bulk inserts built from a
DocType's own columns, and query plans. Frappe is imported inside the functions that need it, so engine-only
runs (plain Python, no Frappe) can import this module too.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def app_version() -> str:
	"""The app's commit, with "+changes" when its code has uncommitted edits ("?" without git)."""
	git = ["git", "-C", str(REPO)]
	try:
		head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout
		dirty = subprocess.run(
			[*git, "status", "--porcelain", "--", "legist_routing"], capture_output=True, text=True
		).stdout
	except OSError:
		return "?"
	return (head.strip() or "?") + ("+changes" if dirty.strip() else "")


def log(msg: str) -> None:
	print(f"[bench] {msg}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def site_rules_off(prefix: str) -> Iterator[list[str]]:
	"""The site's own enabled Routing Rules (the app ships the guide's recipes enabled) switched off for the
	run, so that only the benchmark's rules (named ``prefix``...) route, and on again at the end, whatever
	happens. Yields their names."""
	import frappe

	from legist_routing.services import rules

	names = frappe.get_all(
		"Routing Rule", filters={"enabled": 1, "name": ["not like", f"{prefix}%"]}, pluck="name"
	)

	def enable(flag: int) -> None:
		frappe.db.rollback()
		frappe.db.sql(
			"update `tabRouting Rule` set enabled = %(f)s where name in %(n)s", {"f": flag, "n": names}
		)
		frappe.db.commit()
		rules.bump()

	if names:
		log(
			f"the site's {len(names)} enabled Routing Rules are off for the run, on again at the end: {names[:5]}…"
		)
		enable(0)
	try:
		yield names
	finally:
		if names:
			enable(1)


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
	for i in range(0, len(items), size):
		yield items[i : i + size]


def arg_parser(doc: str, site: bool = True) -> argparse.ArgumentParser:
	"""The script's parser, described by its docstring's first line, with ``--sites-path`` and (unless the
	script declares it itself) a required ``--site``."""
	parser = argparse.ArgumentParser(description=doc.split("\n")[0])
	if site:
		parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".", help="the bench's sites folder (default: the cwd)")
	return parser


# ------------------------------------------------------------------------------ the site
@contextlib.contextmanager
def site(name: str, sites_path: str = ".", lock: str | None = None, production: bool = False):
	"""Connect to ``name`` as Administrator; refuse a site without the app, and (with ``lock``) a second
	run of the same benchmark on the same site (a MariaDB named lock, released when the connection ends).
	``production`` turns the development bench's developer_mode off for this process (it adds per-query
	bookkeeping a production site does not have). At the end: rollback, and the connection closed."""
	import frappe

	sites_path = os.path.abspath(sites_path)
	os.chdir(sites_path)
	frappe.init(site=name, sites_path=sites_path)
	frappe.connect()
	try:
		if production:
			frappe.local.conf.developer_mode = 0
		frappe.set_user("Administrator")
		if "legist_routing" not in frappe.get_installed_apps():
			sys.exit(f"legist_routing is not installed on {name}")
		if lock and not frappe.db.sql("select get_lock(%s, 0)", lock)[0][0]:
			sys.exit(f"another run of this benchmark is using {name} (lock {lock})")
		yield frappe
	finally:
		with contextlib.suppress(Exception):
			frappe.db.rollback()
		frappe.destroy()


def new_request(user: str | None = None) -> None:
	"""What Frappe does at the start of each web request or job: drop the request-level caches
	(``frappe.local.cache``, the request cache, role permissions, user permissions, valid columns,
	new-doc templates), and with ``user`` log that user in. Redis stays warm, as in production."""
	import frappe

	if user is not None:
		frappe.set_user(user)  # also resets local.cache, role_permissions and user_perms
	frappe.local.cache = {}
	frappe.local.request_cache = defaultdict(dict)
	frappe.local.role_permissions = {}
	frappe.local.user_perms = None
	frappe.local.valid_columns = {}
	frappe.local.new_doc_templates = {}
	frappe.local.message_log = []


# ------------------------------------------------------------------------------ timing
def timed(fn: Callable[[], object]) -> tuple[float, object]:
	"""(wall seconds, result) of one call."""
	t0 = time.perf_counter()
	out = fn()
	return time.perf_counter() - t0, out


def timed_cpu(fn: Callable[[], object]) -> tuple[float, float, object]:
	"""(wall seconds, this process's CPU seconds, result) of one call; the CPU time leaves out the time
	spent waiting for MariaDB and Redis."""
	t0, c0 = time.perf_counter(), time.process_time()
	out = fn()
	return time.perf_counter() - t0, time.process_time() - c0, out


def sample(fn: Callable[[], object], n: int, warm: int = 0) -> list[float]:
	"""Wall seconds of ``n`` single calls, after ``warm`` unmeasured ones."""
	for _ in range(warm):
		fn()
	return [timed(fn)[0] for _ in range(n)]


def percentile(samples: Sequence[float], p: float) -> float:
	ordered = sorted(samples)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(samples: Iterable[float]) -> float:
	return statistics.median(list(samples))


class Samples:
	"""Mixed into a script's result rows (dataclasses with a ``samples`` list of seconds)."""

	samples: list[float]

	@property
	def median(self) -> float:
		return median(self.samples)

	@property
	def p90(self) -> float:
		return percentile(self.samples, 90)


# ------------------------------------------------------------------------------ report
def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> str:
	"""A markdown table; the columns whose indexes are in ``right`` are right-aligned."""
	lines = [
		"| " + " | ".join(headers) + " |",
		"|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|",
	]
	lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
	return "\n".join(lines)


def aims_report(aims: Sequence[tuple[bool | None, str]]) -> str:
	"""Each aim as ``(met, text)``: met, NOT met, or not measured (None) in this run."""
	met = sum(1 for ok, _text in aims if ok)
	lines = [f"Aims ({met} of {len(aims)} met):", ""]
	lines += [
		f"- {'met' if ok else 'NOT met' if ok is not None else 'not measured'}: {text}" for ok, text in aims
	]
	return "\n".join(lines)


def context_lines(load_at_start: float | None = None, app_at_start: str | None = None) -> list[str]:
	"""Machine, Python, Frappe, MariaDB, site and app version, for a results file's context section
	(Frappe, MariaDB and site only while connected; with ``app_at_start``, a warning when the app's code
	changed during the run)."""
	import platform

	load = f"load average {os.getloadavg()[0]:.2f}" + (
		f" ({load_at_start:.2f} at the start)" if load_at_start is not None else ""
	)
	app = app_version()
	if app_at_start and app != app_at_start:
		app = f"{app_at_start} at the start, {app} at the end: the code changed during the run"
	parts = [f"{os.cpu_count()} CPUs", load, f"Python {platform.python_version()}"]
	frappe = sys.modules.get("frappe")
	if frappe is not None and getattr(frappe.local, "db", None) is not None:
		parts += [f"Frappe {frappe.__version__}", f"MariaDB {frappe.db.sql('select version()')[0][0]}"]
		parts += [f"app at {app}", f"site {frappe.local.site}"]
	else:
		parts.append(f"app at {app}")
	return ["- " + "; ".join(parts)]


def write_result(name: str, report: str) -> Path:
	RESULTS.mkdir(parents=True, exist_ok=True)
	path = RESULTS / name
	path.write_text(report.rstrip("\n") + "\n")
	return path


def publish(name: str, report: str, started: float) -> Path:
	"""Write the report to ``results/<name>``, print it, and say where it went and how long the run took."""
	path = write_result(name, report)
	print(report)
	print(f"\n(written to {path}; run took {time.time() - started:.0f} s)")
	return path


def profile(fn: Callable[[], object]) -> tuple[pstats.Stats, str]:
	"""cProfile of ``fn()``: the stats and their text (the 45 costliest calls by cumulative time, the 25 by
	own time)."""
	profiler = cProfile.Profile()
	profiler.enable()
	try:
		fn()
	finally:
		profiler.disable()
	out = io.StringIO()
	stats = pstats.Stats(profiler, stream=out)
	stats.sort_stats("cumulative").print_stats(45)
	stats.sort_stats("tottime").print_stats(25)
	return stats, out.getvalue()


def write_profile(key: str, text: str) -> Path:
	"""``results/profile_<key>.txt``: each run writes its own; .gitignore keeps profiles out of the repo."""
	return write_result(f"profile_{key}.txt", text)


# ------------------------------------------------------------------------------ fixtures
def ensure_user(email: str, first_name: str, roles: Sequence[str], enabled: bool = True) -> bool:
	"""A desk user with ``roles``, enabled or not, through Frappe's own User document (few users; True
	when created)."""
	import frappe

	if frappe.db.exists("User", email):
		have = set(frappe.get_roles(email))
		if set(roles) - have:
			user = frappe.get_doc("User", email)
			user.add_roles(*(set(roles) - have))
		if frappe.db.get_value("User", email, "enabled") != int(enabled):
			frappe.db.set_value("User", email, "enabled", int(enabled))
		return False
	# Frappe refuses more than 60 new users an hour per site; benchmark users are not sign-ups.
	frappe.local.conf.throttle_user_limit = max(frappe.local.conf.get("throttle_user_limit") or 60, 10_000)
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first_name,
			"enabled": int(enabled),
			"send_welcome_email": 0,
			"roles": [{"role": r} for r in roles],
		}
	).insert(ignore_permissions=True)
	return True


def ensure_case_type(name: str, practice_group: str = "Other") -> None:
	import frappe

	if not frappe.db.exists("Case Type", name):
		frappe.get_doc(
			{"doctype": "Case Type", "case_type_name": name, "practice_group": practice_group}
		).insert(ignore_permissions=True)


def ensure_cases(case_type: str, count: int, values: Callable[[int], dict]) -> list[str]:
	"""At least ``count`` Cases of ``case_type``, the missing ones inserted as documents from
	``values(k)`` (k counts from 0); returns their names, oldest name first."""
	import frappe

	cases = frappe.get_all("Case", filters={"case_type": case_type}, pluck="name", order_by="name asc")
	for k in range(len(cases), count):
		doc = frappe.get_doc({"doctype": "Case", "case_type": case_type, **values(k)})
		cases.append(doc.insert(ignore_permissions=True).name)
	frappe.db.commit()
	return cases


def delete_cases(case_type: str) -> int:
	"""Delete the Cases of ``case_type`` and every record their creation and routing produced (Case Tasks,
	ToDos, Routing Logs, Notification Logs and their error logs, comments, versions, queued e-mails);
	returns how many Cases."""
	import frappe

	cases = frappe.get_all("Case", filters={"case_type": case_type}, pluck="name")
	for chunk in chunks(cases, 500):
		tasks = frappe.get_all("Case Task", filters={"case": ["in", chunk]}, pluck="name")
		refs = chunk + tasks
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": ["in", ["Case", "Case Task"]], "reference_name": ["in", refs]},
			pluck="name",
		)
		params = {"cases": tuple(chunk), "tasks": tuple(tasks) or ("",), "all": tuple(refs + todos)}
		for sql in (
			"delete from `tabCase Task Checklist Item` where parent in %(tasks)s",
			"delete from `tabCase Task` where name in %(tasks)s",
			"delete from `tabToDo` where name in %(all)s",
			"delete from `tabRouting Log` where `case` in %(cases)s",
			"delete from `tabError Log` where reference_doctype = 'Notification Log' and reference_name in "
			"(select name from `tabNotification Log` where document_name in %(all)s)",
			"delete from `tabNotification Log` where document_name in %(all)s",
			"delete from `tabComment` where reference_name in %(all)s",
			"delete from `tabVersion` where docname in %(all)s",
			"delete from `tabEmail Queue` where reference_name in %(all)s",
			"delete from `tabCase` where name in %(cases)s",
		):
			frappe.db.sql(sql, params)
	frappe.db.commit()
	return len(cases)


def doc_columns(doctype: str) -> tuple[list[str], dict]:
	"""The columns the DocType stores (``frappe.get_meta(doctype)``: its standard fields and every field
	with a value, virtual ones left out) and what a new document of it holds in each (its defaults, as
	``insert`` would write them: Select fields their first option, Check and Int fields 0). Stops with a
	hint to migrate when the table lacks a column the DocType has."""
	import frappe

	meta = frappe.get_meta(doctype)
	columns = [
		c
		for c in meta.get_valid_columns()
		if c != "doctype" and not getattr(meta.get_field(c), "is_virtual", False)
	]
	missing = [c for c in columns if c not in set(frappe.db.get_table_columns(doctype))]
	if missing:
		raise SystemExit(
			f"`tab{doctype}` has no column {', '.join(missing)}: the DocType has it, migrate the site"
		)
	template = frappe.new_doc(doctype).get_valid_dict(ignore_virtual=True)
	now = frappe.utils.now_datetime().replace(microsecond=0)
	template.update(creation=now, modified=now, owner="Administrator", modified_by="Administrator")
	return columns, template


def bulk_insert(doctype: str, rows: Sequence[dict], chunk: int = 2000, ignore: bool = False) -> int:
	"""Multi-row INSERTs of ``rows`` (dicts keyed by fieldname) into ``tab<doctype>``, in every column the
	DocType stores (``doc_columns``): what a row leaves out gets a new document's default, and the standard
	columns now, Administrator, docstatus 0. A row's key the table has no column for stops the run. No
	controller, hook or validation runs: the caller gives every mandatory value (the name included).
	``ignore``: INSERT IGNORE (rows whose name exists are skipped). Commits after each chunk; returns the
	rows sent."""
	import frappe

	if not rows:
		return 0
	columns, template = doc_columns(doctype)
	extra = [k for k in rows[0] if k not in columns]  # e.g. _comments: a table column, not a field
	unknown = [k for k in extra if k not in frappe.db.get_table_columns(doctype)]
	if unknown:
		raise SystemExit(f"`tab{doctype}` has no column {', '.join(unknown)}")
	columns += extra
	names = ", ".join(f"`{c}`" for c in columns)
	row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
	verb = "insert ignore" if ignore else "insert"
	written = 0
	for part in chunks(rows, chunk):
		values = [row.get(c, template.get(c)) for row in part for c in columns]
		frappe.db.sql(
			f"{verb} into `tab{doctype}` ({names}) values " + ", ".join([row_sql] * len(part)), values
		)
		frappe.db.commit()
		written += len(part)
	return written


# ------------------------------------------------------------------------------ query plans
def explain(sql: str, values=None) -> list[dict]:
	import frappe

	return frappe.db.sql("explain " + sql, *([values] if values is not None else []), as_dict=True)


def analyze(sql: str, values=None) -> list[dict]:
	"""MariaDB's ``ANALYZE`` (runs the statement): the plan with the rows each step really read (r_rows)."""
	import frappe

	return frappe.db.sql("analyze " + sql, *([values] if values is not None else []), as_dict=True)


def plan_line(plan: list[dict]) -> str:
	"""EXPLAIN in one line: each step's table, access type, key and estimated rows."""
	return "; ".join(
		f"{p.get('table')}: type={p.get('type')} key={p.get('key')} rows={p.get('rows')}" for p in plan
	)


def server_time(sql: str, values=None, n: int = 10) -> dict:
	"""Medians over ``n`` runs of what MariaDB's ``ANALYZE FORMAT=JSON`` reports: the optimizer's and the
	execution's milliseconds (server side: no network, no Python) and the InnoDB pages accessed."""
	import json

	import frappe

	opt, run, pages = [], [], []
	for _ in range(n):
		raw = frappe.db.sql("analyze format=json " + sql, *([values] if values is not None else []))[0][0]
		out = json.loads(raw)
		block = out["query_block"]
		if "r_total_time_ms" in block:
			run.append(block["r_total_time_ms"])
		else:  # a UNION: the sum of its parts
			specs = block.get("union_result", {}).get("query_specifications", [])
			run.append(sum(s["query_block"].get("r_total_time_ms", 0) for s in specs))
		opt.append(out.get("query_optimization", {}).get("r_total_time_ms", 0.0))
		pages.append(sum(int(m) for m in re.findall(r'"pages_accessed": (\d+)', raw)))
	return {"optimize_ms": median(opt), "execute_ms": median(run), "pages": int(median(pages))}


PLAN_KEYS = ("id", "select_type", "table", "type", "possible_keys", "key", "key_len", "ref", "rows", "Extra")


def plan_table(plan: list[dict]) -> str:
	"""EXPLAIN (or ANALYZE: then with r_rows and r_filtered) as a markdown table."""
	keys = list(PLAN_KEYS)
	if plan and "r_rows" in plan[0]:
		keys[-1:-1] = ["r_rows", "filtered", "r_filtered"]
	return md_table(keys, ([_short(p.get(k)) for k in keys] for p in plan))


def table_scans(plan: list[dict], table: str | None = None) -> list[dict]:
	"""The plan's steps that read ``table`` (any table when None) without an index (``type = ALL``), leaving
	out the server's own temporary results (``<union...>``). A full index scan (``type = index``) is only
	whole when no LIMIT stops it: judge that one by the rows really read."""
	return [
		p
		for p in plan
		if p.get("type") == "ALL"
		and not str(p.get("table") or "").startswith("<")  # <union1,2>, <derived2>: the server's own temp
		and (table is None or p.get("table") == table)
	]


def statements(fn: Callable[[], object]) -> list[tuple[str, object]]:
	"""The SQL statements (with their values) ``fn()`` sends through ``frappe.db.sql``."""
	import frappe

	seen: list[tuple[str, object]] = []
	original = frappe.db.sql

	def spy(query, *args, **kwargs):
		seen.append((query, args[0] if args else kwargs.get("values", ())))
		return original(query, *args, **kwargs)

	frappe.db.sql = spy
	try:
		fn()
	finally:
		frappe.db.sql = original
	return seen


def _short(value, width: int = 60) -> str:
	text = "" if value is None else str(value)
	return text if len(text) <= width else text[: width - 1] + "…"


HANDLERS = (
	"Handler_read_first",
	"Handler_read_key",
	"Handler_read_next",
	"Handler_read_prev",
	"Handler_read_rnd_next",
)


def handler_counts() -> dict[str, int]:
	import frappe

	rows = frappe.db.sql(
		"show session status where Variable_name in %(names)s", {"names": HANDLERS}, as_list=True
	)
	return {name: int(value) for name, value in rows}


def rows_read(fn: Callable[[], object]) -> int:
	"""Rows InnoDB read during ``fn()`` (Handler_read_* deltas, less what SHOW STATUS itself reads)."""

	def delta(call) -> int:
		before = handler_counts()
		call()
		after = handler_counts()
		return sum(after[k] - before[k] for k in HANDLERS)

	return max(0, delta(fn) - delta(lambda: None))
