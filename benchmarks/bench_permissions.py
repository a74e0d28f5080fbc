"""Benchmark: a paralegal's Case Task list (record-level permissions) next to a manager's unfiltered list.

What is measured
	The road the desk's list view takes (``frappe.desk.reportview.get`` and ``get_count`` both end in
	``DatabaseQuery(...).execute``), over 100,000 Case Tasks on 20,000 Cases, in the same run:

	- the list page: ``frappe.get_list("Case Task", fields=[name, title, status, case, assigned_to, due,
	priority, modified], order_by="`tabCase Task`.`modified` desc", limit_page_length=20)``;
	- the count: ``frappe.get_list("Case Task", fields=["count(`tabCase Task`.`name`) as total_count"],
	order_by=None)``, what ``reportview.get_count`` runs;

	as a paralegal (Legist Paralegal: Frappe adds ``permissions.query_conditions``, the
	``permission_query_conditions`` hook: the paralegal's Case Task Access rows, ``name in (select task from
	tabCase Task Access where user = ... and task_modified = tabCase Task.modified)``) and as a manager
	(Legist Manager: the hook returns "" and nothing is filtered). Also the same page sorted by ``due``
	(the order the access rows cannot give), ``visible_cases(user)`` alone (what forms and the other lists
	read), the bare SQL of each list page (the statement Frappe built, sent with ``frappe.db.sql``), and,
	for scale, the same list and count for the busiest staff member. Every call starts as a new web request
	would: the user logged in afresh, ``frappe.local.cache``, the request cache, role and user permissions
	dropped; Redis stays warm. Calls are interleaved: each iteration runs every line once, in a rotating
	order. Medians and p90.

	Below the table: EXPLAIN and ANALYZE (rows really read) of the paralegal's actual statements, taken
	from ``frappe.get_list(..., run=0)`` under the paralegal's session, with InnoDB's row reads, and the
	verdict whether they use indexes (no full scan of ``tabCase Task``).

Aim
	The paralegal's list page at most 1.5x the manager's (medians of the same run).

Data (seeded once, idempotently; kept for the next run)
	Users ``bperm.paralegal@example.com`` (the measured paralegal), ``bperm.staff01`` ... ``bperm.staff39
	@example.com`` (10 attorneys, 21 paralegals, 8 intake specialists) and ``bperm.manager@example.com``,
	created as User documents. Eight Routing Teams "Bench Perm Team 1..8" of five staff each (the measured
	paralegal is in team 1). 20,000 Cases ``bperm-case-00001`` ... (Case Type "Bench Perm"): lead attorney,
	primary paralegal, secondary owner (70 %), intake specialist (80 %) drawn at random, a team on 4 %;
	the measured paralegal takes the primary or secondary slot on 1 case in 50 and sees team 1's cases,
	about 500 cases in all (1/40). 100,000 Case Tasks ``bperm-task-000001`` ... on random cases (5 per case
	on average), random status and priority, assigned to one of the case's people (slots and team members),
	distinct ``modified`` times over the past year. Cases and tasks are written with multi-row INSERTs built
	from the DocTypes' own columns (``common.bulk_insert``); the seed is recognised by the Case Type's
	description and the row counts, and re-made when either is off. ``--cases`` and ``--tasks`` seed a
	smaller (or larger) set instead, with the same shares.

Run (the script never creates sites; make one with ``bash scripts/new-site.sh legist-perm.localhost``)::

	cd ~/legist-bench/sites
	../env/bin/python ../apps/legist_routing/benchmarks/bench_permissions.py --site legist-perm.localhost

Writes benchmarks/results/permissions.md. ``--iterations`` (default 30), ``--cases`` and ``--tasks``
(default 20,000 and 100,000), ``--drop`` (delete the Cases, tasks and teams, then exit).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import time
from dataclasses import dataclass, field

from common import (
	Samples,
	aims_report,
	analyze,
	arg_parser,
	bulk_insert,
	context_lines,
	ensure_case_type,
	ensure_user,
	explain,
	log,
	md_table,
	new_request,
	plan_table,
	publish,
	rows_read,
	server_time,
	site,
	statements,
	table_scans,
	timed,
)

SEED = 20260412
SEED_TAG = "bench_permissions seed v1"
CASE_TYPE = "Bench Perm"
CASES = 20_000
TASKS = 100_000
CASE_PREFIX = "bperm-case-"
TASK_PREFIX = "bperm-task-"
TEAM_PREFIX = "Bench Perm Team "
TEAMS = 8
TEAM_SHARE = 0.04  # cases with a team
ON_SHARE = 1 / 50  # cases where the measured paralegal holds a slot
PARALEGAL = "bperm.paralegal@example.com"
MANAGER = "bperm.manager@example.com"
ATTORNEYS = [f"bperm.staff{i:02d}@example.com" for i in range(1, 11)]
PARALEGALS = [f"bperm.staff{i:02d}@example.com" for i in range(11, 32)]
INTAKE = [f"bperm.staff{i:02d}@example.com" for i in range(32, 40)]
STAFF = ATTORNEYS + PARALEGALS + INTAKE
ROLE = {**dict.fromkeys(ATTORNEYS, "Legist Attorney"), **dict.fromkeys(PARALEGALS, "Legist Paralegal")}
ROLE.update({**dict.fromkeys(INTAKE, "Legist Intake"), PARALEGAL: "Legist Paralegal"})
TEAM_ROLE = {
	"Legist Attorney": "Associate",
	"Legist Paralegal": "Paralegal",
	"Legist Intake": "Intake Specialist",
}
TASK_STATUSES = (
	("Open", 30),
	("Acknowledged", 10),
	("In Progress", 20),
	("Draft Ready", 5),
	("Completed", 30),
)
TASK_STATUSES += (("Cancelled", 5),)
CASE_STATUSES = ("Open", "Intake", "Document Collection", "In Preparation", "Filed", "RFE Received", "Closed")
PRIORITIES = ("Urgent", "High", "Standard", "Standard", "Standard", "Low")

LIST_FIELDS = ["name", "title", "status", "case", "assigned_to", "due", "priority", "modified"]
ORDER_BY = "`tabCase Task`.`modified` desc"
DUE_ORDER = "`tabCase Task`.`due` asc, `tabCase Task`.`name` asc"  # a column sort a person may pick
COUNT_FIELD = "count(`tabCase Task`.`name`) as total_count"  # reportview.get_count's field
AIM = 1.5
HOOK = "legist_routing.services.permissions.query_conditions"


# ------------------------------------------------------------------------------------------ data
@dataclass
class Seed:
	cases: list[dict]
	tasks: list[dict]
	teams: dict[str, list[str]]
	visible: dict[str, set[str]]  # user -> the cases they are on (the ground truth the app must find)
	tasks_of: dict[str, int]  # case -> number of tasks
	now: dt.datetime  # what the rows are dated from


def generate(now: dt.datetime, n_cases: int = CASES, n_tasks: int = TASKS) -> Seed:
	"""The seed, the same on every run of the same size (fixed random seed)."""
	rng = random.Random(SEED)
	teams = {}
	for t in range(1, TEAMS + 1):
		members = rng.sample(STAFF, 5 if t > 1 else 4)
		teams[f"{TEAM_PREFIX}{t}"] = ([PARALEGAL] if t == 1 else []) + members
	team_names = list(teams)
	cases, people = [], []
	year = 365 * 86400
	for k in range(n_cases):
		lead = rng.choice(ATTORNEYS)
		primary = rng.choice(PARALEGALS)
		secondary = rng.choice(ATTORNEYS + PARALEGALS) if rng.random() < 0.7 else None
		intake = rng.choice(INTAKE) if rng.random() < 0.8 else None
		if rng.random() < ON_SHARE:
			if rng.random() < 0.6:
				primary = PARALEGAL
			else:
				secondary = PARALEGAL
		team = rng.choice(team_names) if rng.random() < TEAM_SHARE else None
		name = f"{CASE_PREFIX}{k + 1:05d}"
		modified = now - dt.timedelta(seconds=rng.randrange(year))
		cases.append(
			{
				"name": name,
				"creation": modified - dt.timedelta(days=rng.randrange(30)),
				"modified": modified,
				"case_title": f"Bench perm case {k + 1}",
				"case_type": CASE_TYPE,
				"priority": rng.choice(PRIORITIES),
				"status": rng.choice(CASE_STATUSES),
				"client_name": f"Bench Client {k % 997}",
				"lead_attorney": lead,
				"primary_paralegal": primary,
				"secondary_owner": secondary,
				"intake_specialist": intake,
				"team": team,
			}
		)
		slots = {p for p in (lead, primary, secondary, intake) if p}
		people.append(sorted(slots | set(teams[team] if team else ())))
	statuses = [s for s, w in TASK_STATUSES for _ in range(w)]
	stamps = rng.sample(range(year), n_tasks)  # distinct: the first page is one well-defined set
	tasks, tasks_of = [], {}
	visible: dict[str, set[str]] = {}
	for i in range(n_tasks):
		k = rng.randrange(n_cases)
		case = cases[k]["name"]
		assignee = rng.choice(people[k])
		modified = now - dt.timedelta(seconds=stamps[i])
		tasks.append(
			{
				"name": f"{TASK_PREFIX}{i + 1:06d}",
				"creation": modified - dt.timedelta(hours=rng.randrange(1, 200)),
				"modified": modified,
				"title": f"bench perm task {i + 1}",
				"case": case,
				"status": rng.choice(statuses),
				"assigned_to": assignee,
				"priority": rng.choice(PRIORITIES),
				"assigned_at": modified,
				"due": now + dt.timedelta(hours=rng.randrange(-240, 24 * 60)),
				"estimated_hours": rng.choice((0.5, 1.0, 2.0, 4.0)),
			}
		)
		tasks_of[case] = tasks_of.get(case, 0) + 1
		visible.setdefault(assignee, set()).add(case)
	for c, on_case in zip(cases, people, strict=True):
		for p in on_case:  # the slots and, when the case has a team, its members
			visible.setdefault(p, set()).add(c["name"])
	return Seed(cases, tasks, teams, visible, tasks_of, now)


def seed_anchor() -> dt.datetime | None:
	"""The time the seed's rows are dated from, as the Case Type's description records it."""
	import frappe

	tag = frappe.db.get_value("Case Type", CASE_TYPE, "description") or ""
	m = re.search(re.escape(SEED_TAG) + r" at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", tag)
	return dt.datetime.fromisoformat(m.group(1)) if m else None


def seeded(n_cases: int, n_tasks: int) -> bool:
	import frappe

	if seed_anchor() is None:
		return False
	cases = frappe.db.sql("select count(*) from `tabCase` where name like %s", CASE_PREFIX + "%")[0][0]
	tasks = frappe.db.sql("select count(*) from `tabCase Task` where name like %s", TASK_PREFIX + "%")[0][0]
	return cases == n_cases and tasks == n_tasks


def drop() -> None:
	import frappe

	frappe.db.sql("delete from `tabCase Task` where name like %s", TASK_PREFIX + "%")
	frappe.db.sql("delete from `tabCase` where name like %s", CASE_PREFIX + "%")
	for team in frappe.get_all("Routing Team", filters={"name": ["like", TEAM_PREFIX + "%"]}, pluck="name"):
		frappe.delete_doc("Routing Team", team, ignore_permissions=True, force=True)
	if frappe.db.exists("Case Type", CASE_TYPE):
		frappe.db.set_value("Case Type", CASE_TYPE, "description", "")
	frappe.db.commit()
	log("dropped the benchmark's Case Tasks, Cases and teams (users and the Case Type stay)")


def ensure_seed(data: Seed) -> float:
	"""Users and teams as documents; Cases and tasks with bulk INSERTs. Returns the seconds seeding took."""
	import frappe

	from legist_routing.services import access

	started = time.perf_counter()
	made = 0
	for i, email in enumerate([PARALEGAL, *STAFF]):
		made += ensure_user(email, f"Bperm {ROLE[email].split()[-1]} {i}", [ROLE[email]])
	made += ensure_user(MANAGER, "Bperm Manager", ["Legist Manager"])
	if made:
		log(f"created {made} users")
	for team, members in data.teams.items():
		if frappe.db.exists("Routing Team", team):
			have = frappe.get_all(
				"Routing Team Member", filters={"parent": team, "parenttype": "Routing Team"}, pluck="user"
			)
			if sorted(have) == sorted(members):
				continue
			frappe.delete_doc("Routing Team", team, ignore_permissions=True, force=True)
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": team,
				"members": [{"user": u, "team_role": TEAM_ROLE[ROLE[u]], "active": 1} for u in members],
			}
		).insert(ignore_permissions=True)
	ensure_case_type(CASE_TYPE)
	frappe.db.commit()
	n_cases, n_tasks = len(data.cases), len(data.tasks)
	if seeded(n_cases, n_tasks):
		return time.perf_counter() - started if made else 0.0
	log(f"seeding {n_cases:,} Cases and {n_tasks:,} Case Tasks (bulk INSERTs)")
	frappe.db.sql("delete from `tabCase Task` where name like %s", TASK_PREFIX + "%")
	frappe.db.sql("delete from `tabCase` where name like %s", CASE_PREFIX + "%")
	frappe.db.commit()
	bulk_insert("Case", data.cases)
	bulk_insert("Case Task", data.tasks)
	# bulk INSERTs run no hooks: the Case Task Access rows come as a migrate makes them
	access.rebuild()
	frappe.db.set_value(
		"Case Type", CASE_TYPE, "description", f"{SEED_TAG} at {data.now}: {n_cases} cases, {n_tasks} tasks"
	)
	frappe.db.sql("analyze table `tabCase`, `tabCase Task`")  # fresh index statistics for the planner
	frappe.db.commit()
	if not seeded(n_cases, n_tasks):
		raise SystemExit("seeding finished but the counts are off; run with --drop and again")
	return time.perf_counter() - started


# ------------------------------------------------------------------------------------------ calls
def list_page(order_by: str = ORDER_BY):
	import frappe

	return frappe.get_list("Case Task", fields=LIST_FIELDS, order_by=order_by, limit_page_length=20)


def due_page():
	return list_page(DUE_ORDER)


def changed(user: str) -> None:
	"""A change to who is on a case has just committed: ``forget`` drops the user's visible set now and
	registers the drop again for the end of the writing transaction. Here the write and the read share
	one transaction, so the commit's drop is run now and the rollback's dropped: left queued, it would
	fire at the iteration's rollback and make the next line the user reads cold, whatever it measures."""
	import frappe

	from legist_routing.services import permissions

	permissions.forget([user])
	frappe.db.after_commit.run()
	frappe.db.after_rollback.reset()


def list_count() -> int:
	import frappe

	return frappe.get_list("Case Task", fields=[COUNT_FIELD], order_by=None)[0].get("total_count")


def page_sql(count: bool = False, order_by: str = ORDER_BY) -> str:
	"""The statement Frappe builds for the current session's user, permission conditions included."""
	import frappe

	if count:
		return frappe.get_list("Case Task", fields=[COUNT_FIELD], order_by=None, run=0)
	return frappe.get_list("Case Task", fields=LIST_FIELDS, order_by=order_by, limit_page_length=20, run=0)


@dataclass
class Line(Samples):
	key: str
	label: str
	user: str
	fn: object
	base: str | None = None  # key of the line the ratio divides by
	samples: list[float] = field(default_factory=list)
	statements: int = 0
	result: object = None


def short_sql(sql: str) -> str:
	"""The statement with long IN lists cut down (the paralegal's has hundreds of case names)."""

	def cut(m: re.Match) -> str:
		names = m.group(1).split(", ")
		return f"in ({', '.join(names[:2])}, … {len(names) - 2} more)" if len(names) > 4 else m.group(0)

	return re.sub(r"in \(((?:'[^']*'(?:, )?){5,})\)", cut, " ".join(sql.split()))


def check_hook() -> None:
	import frappe

	hooks = frappe.get_hooks("permission_query_conditions").get("Case Task") or []
	if HOOK not in hooks:
		raise SystemExit(
			f"Case Task's permission_query_conditions is {hooks}, not {HOOK}: nothing to measure"
		)


def check_results(lines: dict[str, Line], data: Seed, heavy: str, total_tasks: int) -> list[str]:
	"""The lists return what the seed says each user may see (a fast wrong answer is no answer)."""
	import frappe

	problems = []
	for key, user in (("p", PARALEGAL), ("h", heavy)):
		cases = data.visible[user]
		want = sum(data.tasks_of.get(c, 0) for c in cases)
		if lines[f"{key}_count"].result != want:
			problems.append(f"{user}: count {lines[f'{key}_count'].result}, the seed says {want}")
		page = lines[f"{key}_list"].result
		top = sorted((t for t in data.tasks if t["case"] in cases), key=lambda t: t["modified"], reverse=True)
		if [r.name for r in page] != [t["name"] for t in top[:20]]:
			problems.append(f"{user}: the first page is not the 20 newest tasks of their cases")
		if f"{key}_due" in lines:
			by_due = sorted(
				(t for t in data.tasks if t["case"] in cases), key=lambda t: (t["due"], t["name"])
			)
			if [r.name for r in lines[f"{key}_due"].result] != [t["name"] for t in by_due[:20]]:
				problems.append(f"{user}: the page sorted by due is not the 20 earliest of their cases")
		got = lines[f"{key}_visible"].result if f"{key}_visible" in lines else None
		if got is not None and set(got) != cases:
			problems.append(f"{user}: visible_cases has {len(got)} cases, the seed says {len(cases)}")
	if lines["m_count"].result != total_tasks:
		problems.append(f"manager: count {lines['m_count'].result}, the table holds {total_tasks}")
	if len(lines["m_list"].result) != 20 or len(lines["m_due"].result) != 20:
		problems.append("manager: a first page has not 20 rows")
	frappe.db.rollback()
	return problems


def measure(lines: list[Line], iterations: int, warmup: int = 3) -> None:
	import frappe

	for line in lines:  # warm-up (imports, Redis copies of meta and hooks) and the statement count
		for _ in range(warmup):
			new_request(line.user)
			line.result = line.fn()
		new_request(line.user)
		line.statements = len(statements(line.fn))
	for i in range(iterations):
		order = lines[i % len(lines) :] + lines[: i % len(lines)]
		for line in order:
			new_request(line.user)
			seconds, line.result = timed(line.fn)
			line.samples.append(seconds)
		frappe.db.rollback()  # each request ends its transaction
	frappe.set_user("Administrator")


def results_table(lines: list[Line], visible: dict[str, int]) -> str:
	keyed = {ln.key: ln for ln in lines}
	rows = []
	for ln in lines:
		med = ln.median
		ratio = f"{med / keyed[ln.base].median:.2f}x" if ln.base else ""
		rows.append(
			[
				ln.label,
				ln.user,
				f"{visible.get(ln.user, 0):,}" if ln.user != MANAGER else "all",
				f"{med * 1000:.2f}",
				f"{ln.p90 * 1000:.2f}",
				ratio,
				ln.statements,
			]
		)
	headers = ["call", "user", "cases seen", "median ms", "p90 ms", "x manager", "SQL statements"]
	return md_table(headers, rows, right=(2, 3, 4, 5, 6))


# ------------------------------------------------------------------------------------------ plans
def plan_section(title: str, user: str, sql: str, task_rows: int, values=None) -> tuple[str, bool, dict]:
	"""EXPLAIN, ANALYZE, server-side times and rows read of ``sql``; True when it reads Case Task through
	indexes, without a full scan (at most a tenth of the table's rows read)."""
	import frappe

	new_request(user)
	plan = explain(sql, values)
	analysed = analyze(sql, values)
	read = rows_read(lambda: frappe.db.sql(sql, *([values] if values is not None else [])))
	server = server_time(sql, values)
	scans = table_scans(plan)
	uses = [p for p in plan if p.get("table") == "tabCase Task"]
	indexed = not scans and read <= task_rows // 10
	how = ", ".join(f"`{p.get('key')}` ({p.get('type')})" for p in uses) or "no step"
	if scans:
		tables = ", ".join(f"`{p.get('table')}`" for p in scans)
		verdict = f"**full table scan** of {tables}"
	elif not indexed:
		verdict = f"**reads all of `tabCase Task`** through {how}"
	else:
		verdict = f"**index-bounded**: `tabCase Task` read through {how}"
	text = "\n\n".join(
		[
			f"### {title}",
			f"```sql\n{short_sql(sql)}\n```",
			"EXPLAIN:",
			plan_table(plan),
			"ANALYZE (the statement run; r_rows = rows really read per step):",
			plan_table(analysed),
			f"{verdict}; {read:,} rows read by InnoDB (`Handler_read_*`), {task_rows:,} in `tabCase Task`. "
			f"Server side (ANALYZE FORMAT=JSON, median of 10): optimizer {server['optimize_ms']:.2f} ms, "
			f"execution {server['execute_ms']:.2f} ms, {server['pages']:,} pages accessed.",
		]
	)
	frappe.db.rollback()
	return text, indexed, {"plan": plan, "read": read, **server}


def branches_table(query: str, values) -> str:
	"""Each branch of ``visible_cases``'s UNION alone: its plan, rows read and server time."""
	import frappe

	rows = []
	for i, part in enumerate(re.split(r"\bunion\b", query), 1):
		plan = explain(part, values)
		read = rows_read(lambda part=part: frappe.db.sql(part, values))
		server = server_time(part, values)
		steps = "; ".join(
			f"{p.get('table')}: {p.get('type')} `{p.get('key')}` ({p.get('Extra')})" for p in plan
		)
		rows.append(
			[i, f"`{' '.join(part.split())[:70]}…`", steps, f"{read:,}", f"{server['execute_ms']:.2f}"]
		)
	return md_table(["branch", "SQL", "plan", "rows read", "server ms"], rows, right=(3, 4))


def visible_sql(user: str) -> tuple[str, object]:
	from legist_routing.services import permissions

	new_request(user)
	permissions.forget([user])  # the set is kept in Redis: drop it so the statement runs
	seen = statements(lambda: permissions.visible_cases(user))
	if len(seen) != 1:
		raise SystemExit(f"visible_cases ran {len(seen)} statements, expected one")
	return seen[0]


# ------------------------------------------------------------------------------------------ main
def parse_args(argv=None):
	parser = arg_parser(__doc__)
	parser.add_argument("--iterations", type=int, default=30, help="measured calls per line (default 30)")
	parser.add_argument("--cases", type=int, default=CASES, help=f"Cases seeded (default {CASES:,})")
	parser.add_argument("--tasks", type=int, default=TASKS, help=f"Case Tasks seeded (default {TASKS:,})")
	parser.add_argument("--drop", action="store_true", help="delete the seeded Cases, tasks and teams, exit")
	return parser.parse_args(argv)


def main(argv=None):
	args = parse_args(argv)
	started = time.time()
	load_start = os.getloadavg()[0]
	with site(args.site, args.sites_path, lock="legist_bench_permissions") as frappe:
		if args.drop:
			return drop()
		check_hook()
		from legist_routing.services import permissions

		# a kept seed is regenerated from the time it was dated from: the same rows, for the checks
		now = (seeded(args.cases, args.tasks) and seed_anchor()) or frappe.utils.now_datetime().replace(
			microsecond=0
		)
		data = generate(now, args.cases, args.tasks)
		seed_s = ensure_seed(data)
		# what the app's daily job does (and a migrate): column statistics for the lists' query plans
		permissions.refresh_statistics()
		task_rows = frappe.db.sql("select count(*) from `tabCase Task`")[0][0]
		case_rows = frappe.db.sql("select count(*) from `tabCase`")[0][0]
		staff_seen = {u: len(data.visible.get(u, ())) for u in [PARALEGAL, *STAFF]}
		heavy = max(STAFF, key=lambda u: staff_seen[u])
		log(
			f"{case_rows:,} Cases, {task_rows:,} Case Tasks; the paralegal is on {staff_seen[PARALEGAL]:,} "
			f"cases, the busiest staff member ({heavy}) on {staff_seen[heavy]:,}"
		)

		# the statements Frappe builds, captured once per user
		new_request(PARALEGAL)
		p_sql, p_count_sql = page_sql(), page_sql(count=True)
		p_due_sql = page_sql(order_by=DUE_ORDER)
		new_request(MANAGER)
		m_sql, m_count_sql = page_sql(), page_sql(count=True)
		if "`tabCase Task Access`" not in p_sql or "`tabCase Task Access`" in m_sql:
			raise SystemExit("the paralegal's list is not filtered by their access rows, or the manager's is")
		frappe.set_user("Administrator")

		def bare(sql):
			return lambda: frappe.db.sql(sql, as_dict=True)

		lines = [
			Line("m_list", "list page (get_list, 20 rows)", MANAGER, list_page),
			Line("p_list", "list page (get_list, 20 rows)", PARALEGAL, list_page, base="m_list"),
			Line("m_due", "list page sorted by due (20 rows)", MANAGER, due_page),
			Line("p_due", "list page sorted by due (20 rows)", PARALEGAL, due_page, base="m_due"),
			Line("m_count", "count (get_list count)", MANAGER, list_count),
			Line("p_count", "count (get_list count)", PARALEGAL, list_count, base="m_count"),
			Line(
				"p_visible",
				"`visible_cases` alone (forms and the other lists)",
				PARALEGAL,
				lambda: permissions.visible_cases(PARALEGAL),
			),
			Line(
				"p_visible_cold",
				"`visible_cases` after a change (one UNION)",
				PARALEGAL,
				lambda: (changed(PARALEGAL), permissions.visible_cases(PARALEGAL))[1],
			),
			Line("m_sql", "list page, its bare SQL", MANAGER, bare(m_sql)),
			Line("p_sql", "list page, its bare SQL", PARALEGAL, bare(p_sql), base="m_sql"),
			Line("h_list", "list page (get_list, 20 rows)", heavy, list_page, base="m_list"),
			Line("h_due", "list page sorted by due (20 rows)", heavy, due_page, base="m_due"),
			Line("h_count", "count (get_list count)", heavy, list_count, base="m_count"),
			Line("h_visible", "`visible_cases` alone", heavy, lambda: permissions.visible_cases(heavy)),
		]
		log(f"measuring {len(lines)} lines x {args.iterations} interleaved iterations")
		measure(lines, args.iterations)
		keyed = {ln.key: ln for ln in lines}
		problems = check_results(keyed, data, heavy, task_rows)
		if problems:
			raise SystemExit("wrong results, not reporting times:\n- " + "\n- ".join(problems))

		log("plans")
		p_plan, p_indexed, p_facts = plan_section("The paralegal's list page", PARALEGAL, p_sql, task_rows)
		c_plan, c_indexed, _ = plan_section("The paralegal's count", PARALEGAL, p_count_sql, task_rows)
		m_plan, _, _ = plan_section("The manager's list page (for comparison)", MANAGER, m_sql, task_rows)
		mc_plan, _, _ = plan_section("The manager's count (for comparison)", MANAGER, m_count_sql, task_rows)
		d_plan, _, _ = plan_section("The paralegal's page sorted by due", PARALEGAL, p_due_sql, task_rows)
		v_query, v_values = visible_sql(PARALEGAL)
		v_plan, v_indexed, v_facts = plan_section(
			"`visible_cases(paralegal)`: one UNION of six branches", PARALEGAL, v_query, task_rows, v_values
		)
		v_branches = branches_table(v_query, v_values)
		frappe.db.rollback()
		context = [*context_lines(load_at_start=load_start), f"- run took {time.time() - started:.0f} s"]

	ratio = keyed["p_list"].median / keyed["m_list"].median
	count_ratio = keyed["p_count"].median / keyed["m_count"].median
	page_load = (keyed["p_list"].median + keyed["p_count"].median) / (
		keyed["m_list"].median + keyed["m_count"].median
	)
	aim = aims_report(
		[(ratio <= AIM, f"the paralegal's list page at most {AIM}x the manager's ({ratio:.2f}x)")]
	)
	beside = (
		f"The count: {count_ratio:.2f}x; list page + count (one list view load): {page_load:.2f}x. "
		f"`visible_cases` alone: {keyed['p_visible'].median * 1000:.2f} ms of the paralegal's "
		f"{keyed['p_list'].median * 1000:.2f} ms list page."
	)
	step = p_facts["plan"][0]
	sorted_all = "filesort" in str(step.get("Extra"))
	verdict = (
		"EXPLAIN verdict: the paralegal's list page "
		+ (
			f"uses indexes (`{step.get('key')}`, {step.get('type')}; no full scan of `tabCase Task`)"
			if p_indexed
			else "does NOT stay on indexes"
		)
		+ (
			f", but reads every task of their cases ({p_facts['read']:,} rows, {p_facts['pages']:,} pages) "
			"and filesorts them to return 20, where the manager's reads 20 entries off `modified`"
			if sorted_all
			else f", {p_facts['read']:,} rows read for the 20"
		)
		+ "; the paralegal's count "
		+ ("uses indexes" if c_indexed else "does NOT stay on indexes")
		+ "; `visible_cases` (one UNION of six branches) "
		+ ("uses indexes" if v_indexed else "does NOT stay on indexes")
		+ f", {v_facts['read']:,} rows read."
	)
	report = "\n\n".join(
		[
			"# Record-level permissions benchmark (benchmarks/bench_permissions.py)",
			f"Case Task list view over {task_rows:,} Case Tasks and {case_rows:,} Cases: the paralegal "
			"(`permission_query_conditions` adds `name in (select task from tabCase Task Access where user = "
			f"... and task_modified = modified)`: their rows for the {staff_seen[PARALEGAL]:,} cases they are "
			f"on) next to a manager (no condition). {args.iterations} interleaved calls per line, each as a new "
			"request (fresh request caches). The page sorted by `due` shows the order the access rows cannot "
			f"give. The busiest staff member ({staff_seen[heavy]:,} cases) is given for scale; the aim is on "
			"the paralegal.",
			results_table(lines, staff_seen),
			aim,
			beside,
			verdict,
			"## Plans",
			p_plan,
			c_plan,
			d_plan,
			v_plan,
			v_branches,
			m_plan,
			mc_plan,
			"## Context",
			"\n".join(
				[
					*context,
					f"- seed {SEED}: {len(STAFF) + 1} staff users, {TEAMS} teams of 5, team on "
					f"{TEAM_SHARE:.0%} of cases; the paralegal holds a slot on 1 case in {round(1 / ON_SHARE)}"
					+ (f"; this run seeded in {seed_s:.1f} s" if seed_s else "; seed reused"),
				]
			),
		]
	)
	publish("permissions.md", report, started)


if __name__ == "__main__":
	main()
