"""Benchmark: the wall time of creating one Case, under different routing set-ups, on one site.

What is measured
	For each scenario, the time of::

		frappe.get_doc({"doctype": "Case", ...}).insert()
		frappe.db.commit()

	as the benchmark user (a Legist Manager by default), after ~10 unmeasured warm-up inserts. Before
	every insert the per-request caches are reset (``frappe.local.cache`` and friends) the way a new web
	request resets them, so Redis-backed caches (Routing Settings, doctype meta, the rules stamp) are read
	as they would be in production; the process-level compiled rules cache stays warm, as in a worker.

	Scenarios (all on the same site, in one run):

	- a: no Routing Rule enabled, no Assignment Rule;
	- b1-100: 100 enabled Routing Rules (case.created), none matching, each indexable
	(``{"case.type": "Bench Type-i"}``: the engine's index sets them aside without evaluating them);
	- b1-1000: the same with 1,000 rules;
	- b2-100: 100 enabled, non-matching rules whose conditions cannot be indexed
	(``{"case.priority": {"in": ["low"]}}``, ``{"any": [...]}``, ``ne``, ``contains``): all are evaluated;
	- c: exactly one matching Routing Rule: one Case Task assigned (ToDo) to the case's primary
	paralegal, the lead attorney notified in-app;
	- d1: Frappe's Assignment Rule on Case (``status == "Open"``, Round Robin, one user);
	- d101: 100 non-matching Assignment Rules (``case_title == "nope-i"``) plus the matching one,
	which has the lowest priority so that all the others are evaluated first.

	Scenarios run in interleaved rounds (``--rounds``) to spread drift over all of them. Each round
	activates the scenario's rules (plain ``enabled`` / ``disabled`` updates, committed), bumps the rules
	stamp, clears the Assignment Rule caches (``--full-clear``: all of Frappe's cache) and warms up. Median
	and p90 are over every measured insert of the scenario; the ratio is median / median(a).

	Aims: b1-1000 <= 1.3x a; c <= 2.5x a and c below d.

Site state
	The script never creates sites. Run it against a dedicated site made with
	``bash scripts/new-site.sh legist-bench.localhost``. It creates, idempotently: three users
	(Legist Paralegal / Attorney / Manager), the Case Type "Bench Petition", the Routing Rules (imported
	disabled with ``legist_routing.services.rules.import_rules``) and the Assignment Rules (created
	disabled). At the end it deletes the rules, the Assignment Rules, the benchmark's Cases and what they
	produced (Case Tasks, ToDos, Routing Logs, Notification Logs, comments, versions, queued e-mails and
	notification jobs still queued); the users and the Case Type stay for the next run. ``--keep-cases``
	keeps the Cases and their records.

Run (from the bench's sites folder, with the bench's Python)::

	cd ~/legist-bench/sites
	../env/bin/python benchmarks/bench_case_insert.py --site legist-bench.localhost [--n 200]

Writes the table to benchmarks/results/case_insert.md as well. ``--profile a,c`` adds a cProfile of a few
inserts of those scenarios (benchmarks/results/profile_<scenario>.txt, not committed). ``--cleanup-only``
removes what an interrupted run left behind. The site connection, timing, tables, aims, fixtures and
cleanup of the Cases come from the shared harness (common.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import os
import pstats
import sys
import time
from dataclasses import dataclass, field

import frappe
from common import (
	REPO,
	Samples,
	aims_report,
	arg_parser,
	chunks,
	context_lines,
	delete_cases,
	ensure_case_type,
	ensure_user,
	log,
	md_table,
	median,
	new_request,
	profile,
	publish,
	site,
	site_rules_off,
	timed_cpu,
	write_profile,
)

PREFIX = "bench-ci-"
LIKE = PREFIX + "%"
CASE_TYPE = "Bench Petition"

USERS = {
	"paralegal": ("bench.paralegal@example.com", "Bench Paralegal", "Legist Paralegal"),
	"attorney": ("bench.attorney@example.com", "Bench Attorney", "Legist Attorney"),
	"manager": ("bench.manager@example.com", "Bench Manager", "Legist Manager"),
}
WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Background jobs the inserts enqueue (assignment notifications): those still queued are removed at the end.
NOTIFICATION_JOBS = ("frappe.desk.doctype.notification_log.notification_log.make_notification_logs",)
AIMS = (
	("b1-1000", "a", 1.3, "b1-1000 (1,000 indexed non-matching rules) <= 1.3x a"),
	("c", "a", 2.5, "c (one matching rule) <= 2.5x a"),
	("c", "d1", 1.0, "c below d1 (Frappe Assignment Rule, 1 rule)"),
	("c", "d101", 1.0, "c below d101 (Frappe Assignment Rule, 101 rules)"),
)

INTRO = (
	"Wall time of `frappe.get_doc({...Case...}).insert()` + `frappe.db.commit()`; the aims use the wall-time "
	"medians. CPU: this process's CPU time for the same inserts (database and Redis time excluded), "
	"steadier than wall time on a busy machine."
)

ACTIONS = [
	{"assign": "case.primaryParalegal", "dueInDays": 3},
	{"notify": "case.leadAttorney", "method": "inApp"},
]


# ------------------------------------------------------------------------------------------ rules
def indexed_name(i: int) -> str:
	return f"{PREFIX}rr-idx-{i:04d}"


def loose_name(i: int) -> str:
	return f"{PREFIX}rr-loose-{i:04d}"


MATCH_RULE = f"{PREFIX}rr-match"
AR_MATCH = f"{PREFIX}ar-match"


def ar_nope_name(i: int) -> str:
	return f"{PREFIX}ar-nope-{i:03d}"


def loose_conditions(i: int) -> dict:
	"""Conditions the engine cannot index (no top-level equality), none true for the benchmark's cases."""
	variants = (
		{"case.priority": {"in": ["low"]}},
		{"any": [{"case.type": f"Bench Type-{i}"}, {"case.priority": "urgent"}]},
		{"case.status": {"ne": "Open"}},
		{"case.title": {"contains": f"nope-{i}"}},
	)
	return variants[i % len(variants)]


def rule_json(name: str, conditions: dict) -> dict:
	return {
		"ruleName": name,
		"trigger": "case.created",
		"conditions": conditions,
		"actions": ACTIONS,
		"enabled": False,
	}


def wanted_rules(indexed: int, loose: int) -> dict[str, dict]:
	rules = {MATCH_RULE: rule_json(MATCH_RULE, {"case.type": CASE_TYPE})}
	for i in range(indexed):
		rules[indexed_name(i)] = rule_json(indexed_name(i), {"case.type": f"Bench Type-{i}"})
	for i in range(loose):
		rules[loose_name(i)] = rule_json(loose_name(i), loose_conditions(i))
	return rules


# -------------------------------------------------------------------------------------- scenarios
@dataclass
class Scenario(Samples):
	key: str
	label: str
	routing_rules: list[str] = field(default_factory=list)
	assignment_rules: list[str] = field(default_factory=list)
	samples: list[float] = field(default_factory=list)
	cpu: list[float] = field(default_factory=list)
	round_medians: list[float] = field(default_factory=list)
	failed: int = 0


def build_scenarios(indexed_counts: list[int], loose_counts: list[int], ar_nope: int) -> list[Scenario]:
	out = [Scenario("a", "no Routing Rule, no Assignment Rule")]
	for count in indexed_counts:
		out.append(
			Scenario(
				f"b1-{count}",
				f"{count:,} indexed Routing Rules, none matching",
				[indexed_name(i) for i in range(count)],
			)
		)
	for count in loose_counts:
		out.append(
			Scenario(
				f"b2-{count}",
				f"{count:,} non-indexable Routing Rules, none matching",
				[loose_name(i) for i in range(count)],
			)
		)
	out.append(Scenario("c", "1 matching Routing Rule: Case Task + ToDo + in-app notification", [MATCH_RULE]))
	out.append(
		Scenario("d1", "Frappe Assignment Rule: 1 rule (Round Robin, 1 user)", assignment_rules=[AR_MATCH])
	)
	if ar_nope:
		out.append(
			Scenario(
				f"d{ar_nope + 1}",
				f"Frappe Assignment Rules: {ar_nope} non-matching + 1 matching",
				assignment_rules=[ar_nope_name(i) for i in range(ar_nope)] + [AR_MATCH],
			)
		)
	return out


# ------------------------------------------------------------------------------------------ setup
def ensure_fixtures():
	for email, full_name, role in USERS.values():
		ensure_user(email, full_name, [role])
	ensure_case_type(CASE_TYPE, "Employment")
	settings = frappe.get_single("Routing Settings")
	if not settings.routing_enabled:
		sys.exit("Routing Settings: routing is disabled on this site; enable it first.")
	frappe.db.commit()


def foreign_assignment_rules() -> list[str]:
	"""Enabled Assignment Rules on Case the benchmark did not create: they would distort every scenario
	(the site's own Routing Rules are switched off for the run, ``common.site_rules_off``)."""
	return frappe.get_all(
		"Assignment Rule",
		filters={"disabled": 0, "document_type": "Case", "name": ["not like", f"{PREFIX}%"]},
		pluck="name",
	)


def ensure_routing_rules(indexed: int, loose: int) -> float:
	from legist_routing.services import rules

	wanted = wanted_rules(indexed, loose)
	existing = set(frappe.get_all("Routing Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name"))
	missing = [data for name, data in wanted.items() if name not in existing]
	started = time.perf_counter()
	if missing:
		log(f"importing {len(missing)} Routing Rules (disabled) with import_rules")
		rules.import_rules(json.dumps(missing))
	set_enabled_rules([])
	return time.perf_counter() - started


def ensure_assignment_rules(nope: int, user: str):
	days = [{"day": d} for d in WEEK]
	wanted = {AR_MATCH: ('status == "Open"', 0)}
	for i in range(nope):
		wanted[ar_nope_name(i)] = (f'case_title == "nope-{i}"', 1)
	existing = set(frappe.get_all("Assignment Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name"))
	for name, (condition, priority) in wanted.items():
		if name in existing:
			continue
		frappe.get_doc(
			{
				"doctype": "Assignment Rule",
				"__newname": name,
				"name": name,
				"document_type": "Case",
				"description": "Benchmark assignment",
				"assign_condition": condition,
				"priority": priority,
				"rule": "Round Robin",
				"users": [{"user": user}],
				"assignment_days": days,
				"disabled": 1,
			}
		).insert(ignore_permissions=True)
	set_enabled_assignment_rules([])


def set_enabled_rules(names: list[str]):
	"""Enable exactly ``names`` among the benchmark's Routing Rules, commit, and invalidate compiled rules."""
	from legist_routing.services import rules

	frappe.db.sql("update `tabRouting Rule` set enabled = 0 where name like %s and enabled = 1", LIKE)
	for chunk in chunks(names, 500):
		frappe.db.sql("update `tabRouting Rule` set enabled = 1 where name in %(names)s", {"names": chunk})
	frappe.db.commit()
	rules.bump()


def set_enabled_assignment_rules(names: list[str]):
	from frappe.cache_manager import clear_doctype_map

	frappe.db.sql("update `tabAssignment Rule` set disabled = 1 where name like %s and disabled = 0", LIKE)
	for chunk in chunks(names, 500):
		frappe.db.sql(
			"update `tabAssignment Rule` set disabled = 0 where name in %(names)s", {"names": chunk}
		)
	# Round Robin's memory: every scenario starts from the same state.
	frappe.db.sql("update `tabAssignment Rule` set last_user = null where name like %s", LIKE)
	frappe.db.commit()
	clear_doctype_map("Assignment Rule", "Case")
	clear_doctype_map("Assignment Rule", "due_date_rules_for_Case")
	frappe.clear_document_cache("Assignment Rule")


def activate(scenario: Scenario, full_clear: bool = False):
	"""Enable exactly the scenario's rules; the set_enabled_* helpers clear the caches that depend on them
	(rules stamp, Assignment Rule maps and documents). ``full_clear`` also drops all of Frappe's cache."""
	set_enabled_rules(scenario.routing_rules)
	set_enabled_assignment_rules(scenario.assignment_rules)
	if full_clear:
		frappe.clear_cache()
	enabled = frappe.db.count("Routing Rule", {"enabled": 1})
	assigned = frappe.db.count("Assignment Rule", {"disabled": 0, "document_type": "Case"})
	if enabled != len(scenario.routing_rules) or assigned != len(scenario.assignment_rules):
		raise RuntimeError(
			f"{scenario.key}: {enabled} Routing Rules and {assigned} Assignment Rules enabled, expected "
			f"{len(scenario.routing_rules)} and {len(scenario.assignment_rules)}"
		)


# -------------------------------------------------------------------------------------- measuring
class Inserter:
	def __init__(self, user: str, run_id: str):
		self.user = user
		self.run_id = run_id
		self.count = 0

	def values(self) -> dict:
		self.count += 1
		return {
			"doctype": "Case",
			"case_title": f"Bench case {self.run_id}-{self.count}",
			"case_type": CASE_TYPE,
			"priority": "Standard",
			"status": "Open",
			"client_name": "Bench Client",
			"client_email": "bench.client@example.com",
			"lead_attorney": USERS["attorney"][0],
			"primary_paralegal": USERS["paralegal"][0],
		}

	def insert(self) -> tuple[float, float] | None:
		"""One insert and commit: (wall seconds, this process's CPU seconds), or None when it failed.

		A failure (say a deadlock with a worker writing to the same site) is rolled back, reported and
		counted, not measured."""
		values = self.values()
		new_request()

		def attempt() -> bool:
			try:
				frappe.get_doc(values).insert()
				frappe.db.commit()
			except Exception as e:
				frappe.db.rollback()
				log(f"insert failed, rolled back: {type(e).__name__}: {str(e)[:200]}")
				return False
			return True

		wall, cpu, ok = timed_cpu(attempt)
		return (wall, cpu) if ok else None


def check_effect(scenario: Scenario, case_name: str):
	"""The last insert did what the scenario says (a benchmark of the wrong thing is worse than none)."""
	tasks = frappe.db.count("Case Task", {"case": case_name})
	todos = frappe.db.count("ToDo", {"reference_type": "Case", "reference_name": case_name})
	log_status = frappe.db.get_value("Routing Log", {"case": case_name}, "status")
	expected_tasks = 1 if scenario.key == "c" else 0
	expected_todos = 1 if scenario.key.startswith("d") else 0
	problems = []
	if tasks != expected_tasks:
		problems.append(f"{tasks} Case Task(s), expected {expected_tasks}")
	if todos != expected_todos:
		problems.append(f"{todos} ToDo(s) on the Case, expected {expected_todos}")
	if log_status == "Error":
		error = frappe.db.get_value("Routing Log", {"case": case_name}, "error") or ""
		problems.append("the Routing Log says Error: " + (error.strip().splitlines() or [""])[-1])
	if scenario.key == "c":
		if log_status != "Applied":
			problems.append(f"Routing Log status {log_status!r}, expected 'Applied'")
		paralegal, attorney = USERS["paralegal"][0], USERS["attorney"][0]
		task = frappe.db.get_value("Case Task", {"case": case_name}, "name")
		todo = {"reference_type": "Case Task", "reference_name": task, "allocated_to": paralegal}
		if not task or not frappe.db.exists("ToDo", todo):
			problems.append(f"the Case Task is not assigned to {paralegal}")
		alert = {"for_user": attorney, "document_type": "Case", "document_name": case_name}
		if not frappe.db.exists("Notification Log", alert) and not alert_queued(attorney, case_name):
			problems.append(f"no in-app notification for {attorney} (neither written nor queued)")
	if problems:
		raise RuntimeError(f"scenario {scenario.key}, case {case_name}: " + "; ".join(problems))


def last_case() -> str:
	return frappe.db.get_value("Case", {"case_type": CASE_TYPE}, "name", order_by="creation desc")


def measure(scenarios: list[Scenario], inserter: Inserter, args):
	n, rounds, warmup, user = args.n, args.rounds, args.warmup, args.user
	per_round = [n // rounds + (1 if r < n % rounds else 0) for r in range(rounds)]
	frappe.clear_cache()
	for r in range(rounds):
		order = scenarios[r % len(scenarios) :] + scenarios[: r % len(scenarios)]
		for scenario in order:
			frappe.set_user("Administrator")
			activate(scenario, args.full_clear)
			frappe.set_user(user)
			for _ in range(warmup):
				inserter.insert()
			frappe.set_user("Administrator")
			check_effect(scenario, last_case())
			frappe.set_user(user)
			gc.collect()
			started = time.perf_counter()
			timings = [inserter.insert() for _ in range(per_round[r])]
			took = time.perf_counter() - started
			scenario.failed += timings.count(None)
			if scenario.failed > max(2, n // 10):
				raise RuntimeError(f"scenario {scenario.key}: {scenario.failed} inserts failed, see above")
			timings = [t for t in timings if t is not None]
			samples = [wall for wall, _cpu in timings]
			scenario.samples += samples
			scenario.cpu += [cpu for _wall, cpu in timings]
			if samples:
				scenario.round_medians.append(median(samples))
			frappe.set_user("Administrator")
			so_far = scenario.median * 1000 if scenario.samples else math.nan
			log(
				f"round {r + 1}/{rounds} {scenario.key:8} {len(samples)} inserts in {took:5.1f} s, "
				f"median so far {so_far:6.1f} ms"
			)


def profile_scenario(scenario: Scenario, inserter: Inserter, count: int, user: str) -> str:
	frappe.set_user("Administrator")
	activate(scenario, full_clear=True)
	frappe.set_user(user)
	for _ in range(10):
		inserter.insert()
	stats, text = profile(lambda: [inserter.insert() for _ in range(count)])
	frappe.set_user("Administrator")
	summary = profile_summary(stats, count)
	text = f"cProfile of {count} inserts, scenario {scenario.key}: {scenario.label}\n\n{summary}\n" + text
	write_profile(scenario.key, text)
	log(f"profile of {scenario.key}:\n{summary}")
	return text


PROFILED_CODE = ("legist_routing", "assign_to.py", "todo.py", "assignment_rule.py", "notification_log.py")


def profile_summary(stats: pstats.Stats, count: int, top: int = 25) -> str:
	"""Per insert: time, SQL statements, Redis commands and the costliest app and assignment calls."""
	total = stats.total_tt / count * 1000
	sql = redis = 0
	rows = []
	for (path, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():
		if path.endswith("frappe/database/database.py") and name == "sql":
			sql += calls
		elif path.endswith("redis/client.py") and name == "execute_command":
			redis += calls
		if any(part in path for part in PROFILED_CODE):
			short = path.split("/apps/")[-1].split(str(REPO) + "/")[-1]
			rows.append((cumulative / count * 1000, calls / count, f"{short}:{line}({name})"))
	lines = [
		f"per insert (profiled, so slower than measured): {total:.1f} ms, {sql / count:.0f} SQL statements, "
		f"{redis / count:.0f} Redis commands",
		"",
		"cumulative ms/insert  calls/insert  function (app and assignment code)",
	]
	lines += [f"{ms:20.2f}  {calls:12.1f}  {name}" for ms, calls, name in sorted(rows, reverse=True)[:top]]
	return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- cleanup
def alert_queued(user: str, case_name: str) -> bool:
	"""Routing delivers in-app alerts from a worker after commit: is the job for this case queued?"""
	from frappe.utils.background_jobs import get_queue, get_queue_list

	for name in get_queue_list():
		for job in get_queue(name).jobs:
			kwargs = (job.kwargs or {}).get("kwargs") or {}
			doc = kwargs.get("doc") or {}
			if user in (kwargs.get("users") or []) and doc.get("document_name") == case_name:
				return True
	return False


def purge_jobs(site: str, since: float) -> int:
	"""Remove the notification jobs for the benchmark's people still queued for this site (since ``since``).

	A worker may be running them meanwhile: what it has done, the cleanup deletes."""
	people = {email for email, _name, _role in USERS.values()}
	try:
		from frappe.utils.background_jobs import get_queue, get_queue_list

		removed = 0
		for name in get_queue_list():
			queue = get_queue(name)
			for job in queue.jobs:
				kwargs = job.kwargs or {}
				enqueued = (
					job.enqueued_at.replace(tzinfo=dt.timezone.utc).timestamp() if job.enqueued_at else 0
				)
				names = {str(kwargs.get("job_name")), str(kwargs.get("method"))}
				users = (kwargs.get("kwargs") or {}).get("users") or []
				ours = bool(users) and set(users) <= people
				if (
					kwargs.get("site") == site
					and enqueued >= since - 5
					and names & set(NOTIFICATION_JOBS)
					and ours
				):
					job.delete()
					removed += 1
		return removed
	except Exception as e:
		log(f"could not purge queued jobs: {e}")
		return 0


def delete_notifications():
	"""Notification Logs for the benchmark's people (a worker may have made some from queued jobs)."""
	users = [email for email, _name, _role in USERS.values()]
	logs = frappe.get_all("Notification Log", filters={"for_user": ["in", users]}, pluck="name")
	for chunk in chunks(logs, 500):
		frappe.db.sql(
			"delete from `tabError Log` where reference_doctype = 'Notification Log' "
			"and reference_name in %(names)s",
			{"names": chunk},
		)
		frappe.db.sql("delete from `tabNotification Log` where name in %(names)s", {"names": chunk})
	# Their e-mails, queued by a worker running the notification jobs, carry no reference: go by recipient.
	mails = frappe.get_all("Email Queue Recipient", filters={"recipient": ["in", users]}, pluck="parent")
	for chunk in chunks(sorted(set(mails)), 500):
		frappe.db.sql("delete from `tabEmail Queue Recipient` where parent in %(names)s", {"names": chunk})
		frappe.db.sql("delete from `tabEmail Queue` where name in %(names)s", {"names": chunk})
	frappe.db.sql(
		"delete from `tabEmail Queue Recipient` where parent not in (select name from `tabEmail Queue`)"
	)
	frappe.db.commit()
	return len(logs)


def cleanup(keep_cases: bool, keep_rules: bool = False) -> str:
	from legist_routing.services import rules

	frappe.set_user("Administrator")
	frappe.db.rollback()
	deleted_cases = 0 if keep_cases else delete_cases(CASE_TYPE)
	if not keep_cases:
		delete_notifications()
	if keep_rules:
		set_enabled_rules([])
		set_enabled_assignment_rules([])
		frappe.clear_cache()
		return "rules kept, all disabled" + (
			f"; removed {deleted_cases} Cases and their records" if deleted_cases else ""
		)
	routing = frappe.get_all("Routing Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name")
	for chunk in chunks(routing, 500):
		frappe.db.sql("delete from `tabRouting Rule` where name in %(names)s", {"names": chunk})
		frappe.db.sql(
			"delete from `tabVersion` where ref_doctype = 'Routing Rule' and docname in %(names)s",
			{"names": chunk},
		)
	frappe.db.commit()
	rules.bump()
	assignment = frappe.get_all("Assignment Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name")
	for chunk in chunks(assignment, 500):
		# Plain deletes: Document.delete would leave a "Deleted" comment behind for each rule.
		for sql in (
			"delete from `tabAssignment Rule User` where parenttype = 'Assignment Rule' "
			"and parent in %(names)s",
			"delete from `tabAssignment Rule Day` where parenttype = 'Assignment Rule' "
			"and parent in %(names)s",
			"delete from `tabVersion` where ref_doctype = 'Assignment Rule' and docname in %(names)s",
			"delete from `tabAssignment Rule` where name in %(names)s",
		):
			frappe.db.sql(sql, {"names": chunk})
	for doctype in ("Assignment Rule", "Routing Rule"):
		frappe.db.sql(
			"delete from `tabComment` where reference_doctype = %s and reference_name like %s",
			(doctype, LIKE),
		)
		frappe.db.sql(
			"delete from `tabDeleted Document` where deleted_doctype = %s and deleted_name like %s",
			(doctype, LIKE),
		)
	frappe.db.commit()
	set_enabled_assignment_rules([])
	frappe.clear_cache()
	return f"removed {len(routing)} Routing Rules, {len(assignment)} Assignment Rules" + (
		f", {deleted_cases} Cases and their records" if deleted_cases else ""
	)


# ---------------------------------------------------------------------------------------- report
def table(scenarios: list[Scenario]) -> tuple[str, dict]:
	by_key = {s.key: s for s in scenarios}
	base, base_cpu = by_key["a"].median, median(by_key["a"].cpu)
	rows = []
	for s in scenarios:
		cpu = median(s.cpu)
		rows.append(
			[
				f"({s.key}) {s.label}",
				f"{len(s.samples)}" + (f" ({s.failed} failed)" if s.failed else ""),
				f"{s.median * 1000:.1f}",
				f"{s.p90 * 1000:.1f}",
				f"{s.median / base:.2f}x",
				f"{cpu * 1000:.1f} ({cpu / base_cpu:.2f}x)",
				" / ".join(f"{m * 1000:.1f}" for m in s.round_medians),
			]
		)
	headers = [
		"scenario",
		"n",
		"median ms",
		"p90 ms",
		"ratio to (a)",
		"CPU median ms (ratio)",
		"round medians ms",
	]
	return md_table(headers, rows, right=(1, 2, 3, 4, 5)), {s.key: s.median for s in scenarios}


def aims(medians: dict) -> str:
	"""Each aim is a ratio of two scenarios' medians: at most the factor, or below 1.0 ("below d")."""
	out = []
	for key, ref, factor, text in AIMS:
		if key not in medians or ref not in medians:
			out.append((None, text))
			continue
		ratio = medians[key] / medians[ref]
		out.append((ratio <= factor if factor != 1.0 else ratio < 1.0, f"{text}: {ratio:.2f}x {ref}"))
	return aims_report(out)


def context(args, import_seconds: float) -> str:
	settings = frappe.get_single("Routing Settings")
	return "\n".join(
		[
			*context_lines(load_at_start=args.load_at_start),
			f"- date: {dt.datetime.now().isoformat(timespec='seconds')}; database {frappe.db.db_type}; "
			"other processes on the machine add noise",
			f"- per scenario: {args.n} measured inserts in {args.rounds} interleaved round(s), "
			f"{args.warmup} warm-up inserts per round; inserting user {args.user}",
			f"- Routing Settings: routing_enabled={settings.routing_enabled}, "
			f"log_no_match={settings.log_no_match} (every insert writes a Routing Log when 1)",
			f"- rule import before measuring (not part of any number above): {import_seconds:.1f} s",
		]
	)


# ------------------------------------------------------------------------------------------ utils
def counts(text: str) -> list[int]:
	return sorted({int(x) for x in text.split(",") if x.strip() and int(x) > 0})


def parse_args(argv=None):
	parser = arg_parser(__doc__)
	parser.add_argument("--n", type=int, default=150, help="measured inserts per scenario (default 150)")
	parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
	parser.add_argument(
		"--full-clear",
		action="store_true",
		help="frappe.clear_cache() at every scenario switch, not just the rules' caches",
	)
	parser.add_argument("--warmup", type=int, default=10, help="unmeasured inserts per scenario and round")
	parser.add_argument("--indexed", default="100,1000", help="indexed rule counts for b1 (default 100,1000)")
	parser.add_argument("--loose", default="100", help="non-indexable rule counts for b2 (default 100)")
	parser.add_argument(
		"--ar-nope", type=int, default=100, help="non-matching Assignment Rules (default 100)"
	)
	parser.add_argument("--user", default=USERS["manager"][0], help="who inserts (default: the manager)")
	parser.add_argument("--only", default="", help="comma-separated scenario keys to run (a always runs)")
	parser.add_argument("--profile", default="", help="comma-separated scenario keys to cProfile, e.g. a,c")
	parser.add_argument("--profile-n", type=int, default=40, help="inserts per profiled scenario")
	parser.add_argument("--keep-cases", action="store_true", help="keep the Cases and their records")
	parser.add_argument(
		"--keep-rules", action="store_true", help="keep the (disabled) rules for the next run"
	)
	parser.add_argument("--cleanup-only", action="store_true", help="remove leftovers and exit")
	args = parser.parse_args(argv)
	args.rounds = max(1, min(args.rounds, args.n))
	args.warmup = max(1, args.warmup)  # the last warm-up insert is the one checked
	return args


def main(argv=None):
	args = parse_args(argv)
	started = time.time()
	args.load_at_start = os.getloadavg()[0]
	if args.load_at_start > (os.cpu_count() or 1):
		log(f"load average {args.load_at_start:.1f} on {os.cpu_count()} CPU(s): expect noisy numbers")
	with site(args.site, args.sites_path, lock="legist_bench_case_insert", production=True):
		if args.cleanup_only:
			log(f"purged {purge_jobs(args.site, 0)} queued notification jobs")
			log(cleanup(args.keep_cases))
			return
		try:
			with site_rules_off(PREFIX):
				run(args, started)
		finally:
			log(f"purged {purge_jobs(args.site, started)} queued notification jobs")
			log(cleanup(args.keep_cases, args.keep_rules))


def run(args, started: float) -> None:
	assignment = foreign_assignment_rules()
	if assignment:
		sys.exit(f"this site has Assignment Rules on Case the benchmark did not create: {assignment[:5]}")
	indexed_counts = counts(args.indexed)
	loose_counts = counts(args.loose)
	scenarios = build_scenarios(indexed_counts, loose_counts, args.ar_nope)
	if args.only:
		keep = {"a", *args.only.split(",")}
		scenarios = [s for s in scenarios if s.key in keep]
	try:
		ensure_fixtures()
		import_seconds = ensure_routing_rules(max(indexed_counts, default=0), max(loose_counts, default=0))
		ensure_assignment_rules(args.ar_nope, USERS["paralegal"][0])
	except frappe.db.OperationalError as e:
		if frappe.db.is_missing_column(e) or frappe.db.is_table_missing(e):
			log(f"the site's tables do not match the app's DocTypes ({e}): migrate or re-create the site")
		raise
	frappe.db.commit()
	inserter = Inserter(args.user, frappe.generate_hash(length=6))
	measure(scenarios, inserter, args)
	text, medians = table(scenarios)
	report = "\n\n".join(
		[
			"# Case insert benchmark (benchmarks/bench_case_insert.py)",
			INTRO,
			text,
			aims(medians),
			context(args, import_seconds),
		]
	)
	publish("case_insert.md", report, started)
	for scenario in [s for s in scenarios if s.key in set(filter(None, args.profile.split(",")))]:
		log(f"profiling {scenario.key}")
		profile_scenario(scenario, inserter, args.profile_n, args.user)


if __name__ == "__main__":
	main()
