"""Benchmark: the Routing KPIs report over 200,000 Case Tasks next to the bare aggregate SELECT.

What is measured
	In one run, on one site, interleaved (each iteration runs every line once, in a rotating order, each as a
	new web request would: request caches dropped, Redis warm, the manager logged in):

	- ``bare``: the bare aggregate SELECT, one statement over the period's tasks with no grouping, no
	percentile, no join — the floor for counting KPIs in the database::

		select count(*), sum(acknowledged by the due time), sum(acknowledgement due),
			sum(reassigned), sum(past its due time) from `tabCase Task` where creation in the period

	- ``report``: the Routing KPIs report as the desk runs it (``frappe.desk.query_report.run``: the
	report's permission checks, ``execute``, the columns and rows, its chart and summary) over the whole
	seeded year, week by week: every KPI, the median and 90th percentile of review times, the
	reassignments by reason, client communication latency;
	- ``month``: the same by month; ``case_type``: the same for one of the four case types; ``card``: one
	workspace KPI card (``api.kpi_card``: one KPI over the last 30 days).

	Medians and p90, each line's ratio to ``bare``; below, each of the report's statements with the
	time MariaDB itself reports for it (``ANALYZE FORMAT=JSON``) and its plan in one line. The report's
	result is checked against the same counts computed by the bare SELECT before any time is reported.

Aims
	The report at most 2x the bare SELECT (medians of the same run), and under 2 seconds.

Data (seeded once, idempotently; kept for the next run)
	12 staff users ``bkpi.staff01@example.com`` ... and ``bkpi.manager@example.com`` (User documents), a
	Routing Team of six. 20,000 Cases ``bkpi-case-00001`` ... of four Case Types "Bench KPI A".."D", each
	with a status change over the past year. 200,000 Case Tasks ``bkpi-task-000001`` ... created over the
	past year (Work 70 %, Review 20 %, Notification 10 %), a realistic spread of statuses, acknowledgement
	windows of four hours (85 %) acknowledged early, late or not at all, due times (80 %) and USCIS
	deadlines (40 %), completions, and one task in ten reassigned once or twice; one Routing Log per
	reassignment (with its reason) and one decision log for every four tasks, a ToDo for each assignment of
	a reassigned review, and 30,000 Client Messages. All rows are written with multi-row INSERTs built
	from the DocTypes' own columns (``common.bulk_insert``); the seed is recognised by the Case Type's
	description and the row counts. ``--tasks`` and ``--cases`` seed a smaller (or larger) set.

Run (the script never creates sites; make one with ``bash scripts/new-site.sh legist-kpib.localhost``)::

	cd ~/legist-bench/sites
	../env/bin/python ../apps/legist_routing/benchmarks/bench_kpis.py --site legist-kpib.localhost

Writes benchmarks/results/kpis.md. ``--iterations`` (default 10), ``--tasks`` (200,000), ``--cases``
(20,000), ``--drop`` (delete the seeded rows, then exit).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import time
from dataclasses import dataclass, field

from common import (
	Samples,
	aims_report,
	arg_parser,
	bulk_insert,
	chunks,
	context_lines,
	ensure_case_type,
	ensure_user,
	explain,
	log,
	md_table,
	new_request,
	plan_line,
	publish,
	server_time,
	site,
	statements,
	timed,
)

SEED = 20261202
SEED_TAG = "bench_kpis seed v2"
CASE_TYPES = [f"Bench KPI {c}" for c in "ABCD"]
CASES = 20_000
TASKS = 200_000
MESSAGES = 30_000
CASE_PREFIX, TASK_PREFIX = "bkpi-case-", "bkpi-task-"
LOG_PREFIX, TODO_PREFIX, MESSAGE_PREFIX = "bkpi-log-", "bkpi-todo-", "bkpi-msg-"
TEAM = "Bench KPI Team"
STAFF = [f"bkpi.staff{i:02d}@example.com" for i in range(1, 13)]
MANAGER = "bkpi.manager@example.com"
KINDS = [("Work", 70), ("Review", 20), ("Notification", 10)]
STATUSES = [
	("Completed", 55),
	("Open", 18),
	("Acknowledged", 5),
	("In Progress", 10),
	("Waiting on Client", 3),
	("Draft Ready", 5),
	("Cancelled", 4),
]
PRIORITIES = ("Urgent", "High", "Standard", "Standard", "Standard", "Low")
REASONS = (
	"Overload",
	"Leave",
	"Conflict",
	"Expertise",
	"Other",
	"Escalation",
	"Escalation",
	"Case Slot Changed",
)
AIM_RATIO, AIM_SECONDS = 2.0, 2.0
YEAR = 365 * 86400
H = dt.timedelta(hours=1)


# ------------------------------------------------------------------------------------------ data
def weighted(rng: random.Random, pairs) -> str:
	return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


@dataclass
class Seed:
	cases: list[dict]
	tasks: list[dict]
	logs: list[dict]
	todos: list[dict]
	messages: list[dict]


def generate(now: dt.datetime, n_cases: int, n_tasks: int) -> Seed:
	"""The rows, the same on every run of the same size (fixed random seed)."""
	rng = random.Random(SEED)
	cases = []
	for k in range(n_cases):
		changed = now - dt.timedelta(seconds=rng.randrange(YEAR))
		cases.append(
			{
				"name": f"{CASE_PREFIX}{k + 1:05d}",
				"creation": changed - dt.timedelta(days=rng.randrange(60)),
				"modified": changed,
				"case_title": f"Bench KPI case {k + 1}",
				"case_type": CASE_TYPES[k % len(CASE_TYPES)],
				"priority": rng.choice(PRIORITIES),
				"status": "In Preparation",
				"status_changed_at": changed,
				"client_name": f"Bench Client {k % 997}",
				"lead_attorney": rng.choice(STAFF[:4]),
				"primary_paralegal": rng.choice(STAFF[4:]),
			}
		)
	tasks, logs, todos = [], [], []
	for i in range(n_tasks):
		name = f"{TASK_PREFIX}{i + 1:06d}"
		case = cases[rng.randrange(n_cases)]["name"]
		# at least five hours old: every acknowledgement window has closed, whenever the run comes
		created = now - dt.timedelta(seconds=rng.randrange(5 * 3600, YEAR))
		kind = weighted(rng, KINDS)
		status = weighted(rng, STATUSES)
		ack_due = created + 4 * H if rng.random() < 0.85 else None
		acked = None
		if status not in ("Open", "Cancelled") or rng.random() < 0.3:
			acked = created + dt.timedelta(minutes=rng.randrange(1, 8 * 60))
		due = created + dt.timedelta(hours=rng.randrange(24, 240)) if rng.random() < 0.8 else None
		hard = (due or created) + dt.timedelta(hours=rng.randrange(0, 120)) if rng.random() < 0.4 else None
		done = (
			created + dt.timedelta(minutes=rng.randrange(60, 14 * 24 * 60)) if status == "Completed" else None
		)
		moved = rng.choices((0, 1, 2), weights=(90, 8, 2))[0]
		tasks.append(
			{
				"name": name,
				"creation": created,
				"modified": done or created,
				"title": f"bench kpi task {i + 1}",
				"case": case,
				"kind": kind,
				"status": status,
				"priority": rng.choice(PRIORITIES),
				"assigned_to": rng.choice(STAFF),
				"assigned_at": created,
				"ack_due": ack_due,
				"acknowledged_at": acked,
				"due": due,
				"hard_deadline": hard,
				"completed_at": done,
				"reassignment_count": moved,
				"routing_key": name,
			}
		)
		for m in range(moved):
			when = created + dt.timedelta(minutes=rng.randrange(30, 72 * 60))
			logs.append(
				{
					"name": f"{LOG_PREFIX}r{i + 1:06d}{m}",
					"creation": when,
					"modified": when,
					"event": "task.reassigned",
					"event_key": f"task.reassigned:{name}:{m}",
					"status": "Applied",
					"case": case,
					"reference_doctype": "Case Task",
					"reference_name": name,
					"deliveries": 1,
					"summary": f"Reassigned {name}",
					"reason": (reason := rng.choice(REASONS)),
					"trace": json.dumps(
						{
							"from": STAFF[0],
							"to": STAFF[1],
							"reason": reason,
							"note": "",
							"by": MANAGER,
						}
					),
				}
			)
			if kind == "Review":
				todos.append(
					{
						"name": f"{TODO_PREFIX}{i + 1:06d}{m}",
						"creation": created if m == 0 else when,
						"modified": when,
						"status": "Cancelled",
						"allocated_to": STAFF[m],
						"description": name,
						"reference_type": "Case Task",
						"reference_name": name,
					}
				)
		if i % 4 == 0:  # the decision that made the task
			logs.append(
				{
					"name": f"{LOG_PREFIX}d{i + 1:06d}",
					"creation": created,
					"modified": created,
					"event": "document.received",
					"event_key": f"document.received:{name}",
					"status": "Applied",
					"case": case,
					"reference_doctype": "Case Task",
					"reference_name": name,
					"deliveries": 1,
					"rules_considered": 12,
					"rules_matched": 1,
					"summary": "RFE_Adjustment_Assign: matched",
					"trace": json.dumps(
						{"rules": [{"rule": f"Rule {r}", "matched": r == 0} for r in range(12)]}
					),
				}
			)
	messages = []
	for j in range(MESSAGES * n_cases // CASES):
		case = cases[rng.randrange(n_cases)]
		# most tell the client of the case's last status change; the others follow an earlier one
		if rng.random() < 0.7:
			changed = case["status_changed_at"]
		else:
			changed = case["status_changed_at"] - dt.timedelta(days=rng.randrange(1, 120))
		sent = changed + dt.timedelta(minutes=rng.randrange(5, 96 * 60))
		messages.append(
			{
				"name": f"{MESSAGE_PREFIX}{j + 1:06d}",
				"creation": sent,
				"modified": sent,
				"case": case["name"],
				"subject": "Your case",
				"message": "News about your case.",
				"sent_at": sent,
				"status_changed_at": changed,
				"latency_hours": round((sent - changed).total_seconds() / 3600, 2),
				"owner": case["primary_paralegal"],
			}
		)
	return Seed(cases, tasks, logs, todos, messages)


def seed_anchor() -> dt.datetime | None:
	"""The time the seed's rows are dated from, as the first Case Type's description records it."""
	import frappe

	tag = frappe.db.get_value("Case Type", CASE_TYPES[0], "description") or ""
	m = re.search(
		re.escape(SEED_TAG) + r" at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d): (\d+) cases, (\d+) tasks", tag
	)
	return dt.datetime.fromisoformat(m.group(1)) if m else None


def seeded(n_cases: int, n_tasks: int) -> bool:
	import frappe

	tag = frappe.db.get_value("Case Type", CASE_TYPES[0], "description") or ""
	if f": {n_cases} cases, {n_tasks} tasks" not in tag or seed_anchor() is None:
		return False
	count = lambda table, prefix: frappe.db.sql(  # noqa: E731
		f"select count(*) from `tab{table}` where name like %s", prefix + "%"
	)[0][0]
	return count("Case", CASE_PREFIX) == n_cases and count("Case Task", TASK_PREFIX) == n_tasks


def drop() -> None:
	import frappe

	for table, prefix in (
		("Case Task", TASK_PREFIX),
		("Case", CASE_PREFIX),
		("Routing Log", LOG_PREFIX),
		("ToDo", TODO_PREFIX),
		("Client Message", MESSAGE_PREFIX),
	):
		frappe.db.sql(f"delete from `tab{table}` where name like %s", prefix + "%")
	if frappe.db.exists("Case Type", CASE_TYPES[0]):
		frappe.db.set_value("Case Type", CASE_TYPES[0], "description", "")
	frappe.db.commit()
	log("dropped the benchmark's rows (users, team and Case Types stay)")


def ensure_seed(now: dt.datetime, n_cases: int, n_tasks: int) -> float:
	import frappe

	started = time.perf_counter()
	for i, email in enumerate(STAFF):
		ensure_user(email, f"Bkpi Staff {i + 1}", ["Legist Paralegal" if i >= 4 else "Legist Attorney"])
	ensure_user(MANAGER, "Bkpi Manager", ["Legist Manager"])
	if not frappe.db.exists("Routing Team", TEAM):
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": TEAM,
				"members": [
					{"user": u, "team_role": "Paralegal", "active": 1, "capacity_tasks": 40}
					for u in STAFF[4:10]
				],
			}
		).insert(ignore_permissions=True)
	for case_type in CASE_TYPES:
		ensure_case_type(case_type)
	frappe.db.commit()
	if seeded(n_cases, n_tasks):
		return 0.0
	drop()
	data = generate(now, n_cases, n_tasks)
	log(
		f"seeding {len(data.cases):,} Cases, {len(data.tasks):,} Case Tasks, {len(data.logs):,} Routing Logs, "
		f"{len(data.todos):,} ToDos, {len(data.messages):,} Client Messages (bulk INSERTs)"
	)
	bulk_insert("Case", data.cases)
	for part in chunks(data.tasks, 20_000):
		bulk_insert("Case Task", part)
	bulk_insert("Routing Log", data.logs, chunk=1000)
	bulk_insert("ToDo", data.todos)
	bulk_insert("Client Message", data.messages)
	frappe.db.set_value(
		"Case Type", CASE_TYPES[0], "description", f"{SEED_TAG} at {now}: {n_cases} cases, {n_tasks} tasks"
	)
	frappe.db.sql("analyze table `tabCase`, `tabCase Task`, `tabRouting Log`, `tabClient Message`, `tabToDo`")
	frappe.db.commit()
	if not seeded(n_cases, n_tasks):
		raise SystemExit("seeding finished but the counts are off; run with --drop and again")
	return time.perf_counter() - started


# ------------------------------------------------------------------------------------------ calls
# The bare aggregate SELECT: the report's totals for the task KPIs counted in one statement over the same
# tasks, with no grouping by period, no percentile, no Routing Log and no Client Message.
D = "least(coalesce(t.due, t.hard_deadline), coalesce(t.hard_deadline, t.due))"
BARE = f"""select
	sum(x.c and x.ack_due is not null and x.acknowledged_at <= x.ack_due) as ack_on_time,
	sum(x.c and x.ack_due is not null
		and (x.acknowledged_at is not null or (x.status != 'Cancelled' and x.ack_due <= %(now)s))) as ack_due,
	sum(x.c and x.kind != 'Notification') as tasks,
	sum(x.c and x.kind != 'Notification' and x.reassignment_count > 0) as reassigned,
	sum(x.d and x.counted and (x.completed_at is not null or x.deadline <= %(now)s)) as deadlines,
	sum(x.d and x.counted and (x.completed_at > x.deadline
		or (x.completed_at is null and x.deadline < %(now)s))) as missed,
	sum(x.d and x.counted and (x.completed_at > x.hard_deadline
		or (x.completed_at is null and x.hard_deadline < %(now)s))) as missed_uscis
from (
	select t.creation, t.ack_due, t.acknowledged_at, t.status, t.kind, t.reassignment_count, t.completed_at,
		t.hard_deadline, {D} as deadline,
		t.creation >= %(start)s and t.creation < %(end)s as c,
		{D} >= %(start)s and {D} < %(end)s as d,
		t.kind != 'Notification' and t.status != 'Cancelled' as counted
	from `tabCase Task` t
	where (t.creation >= %(start)s and t.creation < %(end)s) or ({D} >= %(start)s and {D} < %(end)s)
) x"""
# For scale: the least a count over the period's tasks costs (one cohort, five plain sums).
FLOOR = """select count(*), sum(t.acknowledged_at <= t.ack_due), sum(t.reassignment_count > 0),
	sum(t.completed_at > t.due), sum(t.status = 'Completed')
from `tabCase Task` t where t.creation >= %(start)s and t.creation < %(end)s"""
# What the report shows for each of the bare SELECT's counts: (row, numerator or denominator).
CHECKS = {
	"ack_on_time": ("acknowledgement_rate", "numerator"),
	"ack_due": ("acknowledgement_rate", "denominator"),
	"reassigned": ("reassignment_rate", "numerator"),
	"tasks": ("reassignment_rate", "denominator"),
	"missed": ("missed_deadlines", "numerator"),
	"deadlines": ("missed_deadlines", "denominator"),
	"missed_uscis": ("missed_uscis_deadlines", "numerator"),
}


def report(filters: dict):
	from frappe.desk.query_report import run

	return run("Routing KPIs", filters=filters, ignore_prepared_report=True)


@dataclass
class Line(Samples):
	key: str
	label: str
	fn: object
	samples: list[float] = field(default_factory=list)
	result: object = None


def measure(lines: list[Line], iterations: int) -> None:
	for i in range(iterations + 1):  # the first round warms up and is not kept
		order = lines[i % len(lines) :] + lines[: i % len(lines)]
		for line in order:
			new_request(MANAGER)
			seconds, line.result = timed(line.fn)
			if i:
				line.samples.append(seconds)


def check(bare_row: dict, result) -> list[str]:
	"""The report's totals (``kpis.compute`` judged at the bare SELECT's now) are the bare SELECT's counts."""
	rows = {k.key: k for k in result.kpis}
	return [
		f"{row} {part}: the report counted {getattr(rows[row], part)}, the bare SELECT {bare_row[count]}"
		for count, (row, part) in CHECKS.items()
		if float(getattr(rows[row], part)) != float(bare_row[count] or 0)
	]


def report_statements(filters: dict) -> list[tuple[str, object]]:
	"""The SELECTs the report sends (``execute``, as the current user), with their values."""
	from legist_routing.legist_routing.report.routing_kpis.routing_kpis import execute

	return [
		(q, v) for q, v in statements(lambda: execute(filters)) if q.lstrip().lower().startswith("select")
	]


def statements_table(sent: list[tuple[str, object]]) -> tuple[str, list[float]]:
	"""Each statement the report sends: MariaDB's own time for it (ANALYZE FORMAT=JSON) and its plan; and
	those times."""
	rows, times = [], []
	for query, values in sent:
		timing = server_time(query, values or None, n=3)
		times.append(timing["execute_ms"])
		source = re.findall(r"from `(tab[^`]+)`", " ".join(query.split()))
		rows.append(
			(
				", ".join(dict.fromkeys(source)) or "-",
				f"{timing['execute_ms']:.0f}",
				f"{timing['pages']:,}",
				plan_line(explain(query, values or None))[:200],
			)
		)
	return md_table(("statement reads", "MariaDB ms", "pages accessed", "plan"), rows, right=(1, 2)), times


# ------------------------------------------------------------------------------------------ main
def parse_args(argv=None):
	parser = arg_parser(__doc__)
	parser.add_argument("--iterations", type=int, default=10, help="measured calls per line (default 10)")
	parser.add_argument("--cases", type=int, default=CASES, help=f"Cases seeded (default {CASES:,})")
	parser.add_argument("--tasks", type=int, default=TASKS, help=f"Case Tasks seeded (default {TASKS:,})")
	parser.add_argument("--drop", action="store_true", help="delete the seeded rows, then exit")
	return parser.parse_args(argv)


def main(argv=None):
	args = parse_args(argv)
	started = time.time()
	load_start = os.getloadavg()[0]
	with site(args.site, args.sites_path, lock="legist_bench_kpis", production=True) as frappe:
		if args.drop:
			return drop()
		from legist_routing import api

		now = (seeded(args.cases, args.tasks) and seed_anchor()) or frappe.utils.now_datetime().replace(
			microsecond=0
		)
		seed_s = ensure_seed(now, args.cases, args.tasks)
		counts = {
			t: frappe.db.sql(f"select count(*) from `tab{t}`")[0][0]
			for t in ("Case Task", "Case", "Routing Log", "ToDo", "Client Message")
		}
		log(", ".join(f"{n:,} {t}" for t, n in counts.items()))
		today = frappe.utils.getdate()
		year = {"from_date": frappe.utils.add_days(today, -365), "to_date": today}
		params = {
			"start": frappe.utils.get_datetime(year["from_date"]),
			"end": frappe.utils.get_datetime(frappe.utils.add_days(today, 1)),
			"now": frappe.utils.now_datetime(),
		}
		frappe.set_user(MANAGER)
		sent = report_statements({**year, "trend": "Week"})
		frappe.set_user("Administrator")
		lines = [
			Line(
				"bare",
				"the bare aggregate SELECT: the report's task totals in one statement, no grouping",
				lambda: frappe.db.sql(BARE, params, as_dict=True)[0],
			),
			Line(
				"report", "the report, by week (query_report.run)", lambda: report({**year, "trend": "Week"})
			),
			Line(
				"floor",
				"for scale: one scan, five plain sums over the tasks created in the period",
				lambda: frappe.db.sql(FLOOR, params),
			),
			Line(
				"sql",
				f"the report's {len(sent)} statements sent bare (frappe.db.sql, the same SQL and values)",
				lambda: [frappe.db.sql(q, v) for q, v in sent],
			),
			Line("month", "the report, by month", lambda: report({**year, "trend": "Month"})),
			Line(
				"case_type", "the report, one case type", lambda: report({**year, "case_type": CASE_TYPES[1]})
			),
			Line(
				"card",
				"one workspace KPI card (api.kpi_card, 30 days)",
				lambda: api.kpi_card('{"kpi": "acknowledgement_rate"}'),
			),
		]
		log(f"measuring {len(lines)} lines x {args.iterations} interleaved iterations")
		measure(lines, args.iterations)
		keyed = {ln.key: ln for ln in lines}
		from legist_routing.services import kpis

		problems = check(
			frappe.db.sql(BARE, params, as_dict=True)[0],
			kpis.compute({**year, "trend": "Week"}, now=params["now"]),
		)
		if problems:
			raise SystemExit("wrong results, not reporting times:\n- " + "\n- ".join(problems))
		log("statements")
		table, server_ms = statements_table(sent)
		frappe.db.rollback()
		context = [*context_lines(load_at_start=load_start), f"- run took {time.time() - started:.0f} s"]

	base = keyed["bare"].median
	ratio = keyed["report"].median / base
	rows = [
		(
			ln.key,
			ln.label,
			f"{ln.median * 1000:.0f}",
			f"{ln.p90 * 1000:.0f}",
			"—" if ln.key == "bare" else f"{ln.median / base:.2f}x",
		)
		for ln in lines
	]
	aims = aims_report(
		[
			(ratio <= AIM_RATIO, f"the report at most {AIM_RATIO:g}x the bare SELECT ({ratio:.2f}x)"),
			(
				keyed["report"].median < AIM_SECONDS,
				f"the report under {AIM_SECONDS:g} s ({keyed['report'].median:.2f} s)",
			),
		]
	)
	text = "\n\n".join(
		[
			"# KPI report benchmark (benchmarks/bench_kpis.py)",
			f"The Routing KPIs report over {counts['Case Task']:,} Case Tasks (the last 365 days: every seeded "
			f"task), {counts['Routing Log']:,} Routing Logs and {counts['Client Message']:,} Client Messages, "
			f"as the manager, next to the bare aggregate SELECT over the same tasks. {args.iterations} "
			"interleaved calls per line, each as a new request. Times in ms.",
			md_table(("key", "what", "median", "p90", "ratio to bare"), rows, right=(2, 3, 4)),
			aims,
			f"Where the time goes: the report's own SQL, sent bare, takes {keyed['sql'].median * 1000:.0f} ms of "
			f"its {keyed['report'].median * 1000:.0f} ms (the report runner, the formatting and the chart add "
			f"{(keyed['report'].median / keyed['sql'].median - 1) * 100:.0f} %). Its pass over the Case Tasks "
			f"(acknowledgements, reassignment rate, deadlines, by week) takes {server_ms[0]:.0f} ms in MariaDB "
			f"beside the bare SELECT's {base * 1000:.0f} ms; the other {len(server_ms) - 1} statements "
			f"({sum(server_ms[1:]):.0f} ms) read what the bare SELECT does not: the Routing Log's reassignment "
			"reasons, the reviews' times for their median and 90th percentile, and the client messages.",
			"## The report's statements (by week, the whole year)",
			table,
			"## Context",
			"\n".join(
				[
					*context,
					f"- seed {SEED}"
					+ (f"; this run seeded in {seed_s:.0f} s" if seed_s else "; seed reused")
					+ "; developer mode off for the run",
				]
			),
		]
	)
	publish("kpis.md", text, started)


if __name__ == "__main__":
	main()
