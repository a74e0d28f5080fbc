"""Shared by the benchmark scripts (run as `python benchmarks/<script>.py`, so this folder is on sys.path).

One harness: the site connection, per-request cache resets, timing and medians, markdown tables, fixture
users, bulk inserts built from a DocType's own columns, and query plans. Frappe is imported inside the
functions that need it, so engine-only runs (plain Python, no Frappe) can import this module too.
"""

from __future__ import annotations

import contextlib
import os
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


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
	for i in range(0, len(items), size):
		yield items[i : i + size]


def write_result(name: str, report: str) -> Path:
	RESULTS.mkdir(parents=True, exist_ok=True)
	path = RESULTS / name
	path.write_text(report.rstrip("\n") + "\n")
	return path


# ------------------------------------------------------------------------------ the site
@contextlib.contextmanager
def site(name: str, sites_path: str = ".", lock: str | None = None):
	"""Connect to ``name`` as Administrator; refuse a site without the app, and (with ``lock``) a second
	run of the same benchmark on the same site (a MariaDB named lock, released when the connection ends)."""
	import frappe

	sites_path = os.path.abspath(sites_path)
	os.chdir(sites_path)
	frappe.init(site=name, sites_path=sites_path)
	frappe.connect()
	try:
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


def percentile(samples: Sequence[float], p: float) -> float:
	ordered = sorted(samples)
	return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def median(samples: Iterable[float]) -> float:
	return statistics.median(list(samples))


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> str:
	"""A markdown table; the columns whose indexes are in ``right`` are right-aligned."""
	lines = [
		"| " + " | ".join(headers) + " |",
		"|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|",
	]
	lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
	return "\n".join(lines)


def context_lines() -> list[str]:
	"""Machine, Python, Frappe, MariaDB and app version, for a results file's context section."""
	import platform

	import frappe

	return [
		f"- {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}; Python {platform.python_version()}; "
		f"Frappe {frappe.__version__}; MariaDB {frappe.db.sql('select version()')[0][0]}; "
		f"app at {app_version()}; site {frappe.local.site}",
	]


# ------------------------------------------------------------------------------ fixtures
def ensure_user(email: str, first_name: str, roles: Sequence[str]) -> bool:
	"""A desk user with ``roles``, through Frappe's own User document (few users; True when created)."""
	import frappe

	if frappe.db.exists("User", email):
		have = set(frappe.get_roles(email))
		if set(roles) - have:
			user = frappe.get_doc("User", email)
			user.add_roles(*(set(roles) - have))
		return False
	# Frappe refuses more than 60 new users an hour per site; benchmark users are not sign-ups.
	frappe.local.conf.throttle_user_limit = max(frappe.local.conf.get("throttle_user_limit") or 60, 10_000)
	frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first_name,
			"send_welcome_email": 0,
			"roles": [{"role": r} for r in roles],
		}
	).insert(ignore_permissions=True)
	return True


def table_columns(doctype: str) -> list[str]:
	"""The columns ``tab<doctype>`` has in the database (not only what the DocType says it should have)."""
	import frappe

	return frappe.db.get_table_columns(doctype)


def bulk_insert(doctype: str, rows: Sequence[dict], chunk: int = 2000, ignore: bool = False) -> int:
	"""Multi-row INSERTs of ``rows`` (dicts keyed by fieldname) into ``tab<doctype>``.

	The column list is the union of the rows' keys and Frappe's standard columns (creation, modified,
	owner, ...), each checked against the table's real columns: a field the DocType has and the table lacks
	stops with a hint to migrate, instead of an SQL error half way. No controller, hook or validation runs;
	the caller gives every mandatory value. Commits after each chunk; returns the rows written."""
	import frappe

	if not rows:
		return 0
	columns = table_columns(doctype)
	now = frappe.utils.now_datetime().replace(microsecond=0)
	standard = {
		"creation": now,
		"modified": now,
		"owner": "Administrator",
		"modified_by": "Administrator",
		"docstatus": 0,
		"idx": 0,
	}
	wanted = list(dict.fromkeys([*rows[0], *standard]))
	missing = [c for c in wanted if c not in columns]
	if missing:
		valid = set(frappe.get_meta(doctype).get_valid_columns())
		raise SystemExit(
			f"`tab{doctype}` has no column {', '.join(missing)}"
			+ (" (the DocType has it: migrate the site)" if set(missing) <= valid else "")
		)
	names = ", ".join(f"`{c}`" for c in wanted)
	row_sql = "(" + ", ".join(["%s"] * len(wanted)) + ")"
	verb = "insert ignore" if ignore else "insert"
	written = 0
	for part in chunks(rows, chunk):
		values = [row.get(c, standard.get(c)) for row in part for c in wanted]
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
