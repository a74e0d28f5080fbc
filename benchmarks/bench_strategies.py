"""Benchmark: choosing an assignee from a team of 50, load-aware (least loaded) next to a plain round robin.

What is measured
	Per decision, in the same run, medians (and p90) of single calls:

	1. The pure engine, ``legist_routing.engine.strategies.choose`` over 50 ``Member`` s (mixed roles,
	capacities and load, two on leave, one disabled) for one ``Need``, with the chains:

	- ``("round_robin",)``, feeding each decision's ``Choice.cursor`` into the next: the baseline;
	- ``("least_loaded",)``;
	- the guide's ``HYBRID`` chain (case_type, priority_override, role_slot, least_loaded) when the case's
	paralegal is free (role_slot picks), and when all three slot people are unavailable (role_slot
	skips them and least_loaded picks).

	Default 20,000 decisions per chain, in interleaved blocks of 1,000 so drift hits every chain alike.

	2. On a site (``--site``): ``legist_routing.services.apply.choose(need, chain, team)`` for a
	Routing Team of 50 members with real open Case Tasks (about 400 open, 150 closed), two absences and a
	disabled user, for the same chains. ``choose`` reads the team (cached doc), the members' open load
	and enabled flags (grouped over Case Task) and absences, then runs the engine; round robin also
	locks the team row (``SELECT ... FOR UPDATE``), reads the cursor and writes the new one. Every decision
	starts with fresh request caches (as a new web request or job would; Redis stays warm) and ends with
	a commit (timed apart: "choose" and "choose + commit"). Default 300 decisions per chain, interleaved
	in blocks of 25. The table also lists the SQL statements of a decision that follows one of the same
	chain; below it come the time of the load query alone, its plan and how many rows Case Task holds
	(without an index on ``Case Task.assigned_to`` the load query's cost follows the table's size); when
	the plan is a full scan, also the same query on a session-private copy of those rows with an index on
	(assigned_to, status) (``CREATE TEMPORARY TABLE``: nothing else sees it; ``--no-index-probe`` skips
	it). The load query is taken from the app as it runs (``assignment.load_and_enabled``, formerly
	``open_load``).

Baseline
	The ratio column divides each chain's median by the round robin's median in the same run (engine:
	``("round_robin",)``; site: ``apply.choose`` with ``("round_robin",)``, lock and cursor write
	included).

Run
	The engine alone, with any Python 3.10+ (no Frappe needed)::

		PYTHONPATH=. python3 benchmarks/bench_strategies.py --engine-only

	writes benchmarks/results/strategies_engine.md. Engine and site, from the bench's sites folder with the
	bench's Python (the script never creates sites; make one with
	``bash scripts/new-site.sh legist-bench.localhost``)::

		cd ~/legist-bench/sites
		../env/bin/python benchmarks/bench_strategies.py --site legist-bench.localhost

	writes benchmarks/results/strategies.md (about 30 s; the first run adds about 30 s to create 50 users).
	On the site the script creates, idempotently: users ``bstr.m01`` ... ``bstr.m50@example.com`` (Legist
	Paralegal; ``bstr.m50`` disabled), the Routing Team "Bench Strategies Team", the Case Type "Bench
	Strategies" and one Case; each run replaces its Case Tasks (``bstr-task-...``, no escalation pending;
	multi-row INSERTs built from the DocType's own columns, ``common.bulk_insert``) and its two Routing
	Absences so the load matches the engine's team. ``--drop`` removes the tasks, absences, Case and team,
	and exits. The site connection, timing, tables and fixtures come from the shared harness (common.py).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field

from common import (
	REPO,
	Samples,
	arg_parser,
	bulk_insert,
	context_lines,
	delete_cases,
	ensure_case_type,
	ensure_cases,
	ensure_user,
	explain,
	log,
	md_table,
	median,
	new_request,
	plan_line,
	publish,
	sample,
	site,
	statements,
	table_scans,
	timed,
)

sys.path.insert(0, str(REPO))  # the app, for plain-python runs from anywhere

from legist_routing.engine import strategies as S

TEAM_SIZE = 50
SEED = 20261127
TEAM = "Bench Strategies Team"
CASE_TYPE = "Bench Strategies"
TASK_PREFIX = "bstr-task-"
AWAY = (7, 23)  # member indexes on leave today
DISABLED = 49
SLOT_FREE = (12, 30, 0)  # primary paralegal, secondary owner, team lead: all available
SLOT_BUSY = (7, 23, 49)  # on leave, on leave, disabled


def user(i: int) -> str:
	return f"bstr.m{i + 1:02d}@example.com"


def role_of(i: int) -> str:
	if i == 0:
		return "Managing Attorney"
	if i < 4:
		return "Senior Attorney"
	if i < 10:
		return "Associate"
	return "Paralegal"


def case_types_of(i: int) -> frozenset[str]:
	"""A third handle only employment visas, a few only humanitarian work (the case-type filter drops
	them)."""
	if i % 3 == 0:
		return frozenset({"H-1B", "O-1", "L-1"})
	if i % 7 == 1:
		return frozenset({"Asylum", "U Visa"})
	return frozenset()


@dataclass(frozen=True)
class Seat:
	"""One member of the benchmark team, the same on the engine and on the site."""

	index: int
	role: str
	capacity_tasks: int
	capacity_hours: float
	open_tasks: int
	hours_each: float
	case_types: frozenset[str]
	languages: frozenset[str]


def seats() -> list[Seat]:
	rng = random.Random(SEED)
	out = []
	for i in range(TEAM_SIZE):
		open_tasks = rng.randint(0, 16)
		out.append(
			Seat(
				index=i,
				role=role_of(i),
				capacity_tasks=20,
				capacity_hours=40.0,
				open_tasks=open_tasks,
				hours_each=rng.choice((1.0, 1.5, 2.0, 2.5)),
				case_types=case_types_of(i),
				languages=frozenset({"en", "es"}) if i % 5 == 0 else frozenset({"en"}),
			)
		)
	return out


def engine_members(today: dt.date) -> list[S.Member]:
	away = ((today - dt.timedelta(days=1), today + dt.timedelta(days=2)),)
	return [
		S.Member(
			user=user(s.index),
			team=TEAM,
			role=s.role,
			enabled=s.index != DISABLED,
			is_lead=s.index == 0,
			capacity_tasks=s.capacity_tasks,
			capacity_hours=s.capacity_hours,
			open_tasks=s.open_tasks,
			open_hours=s.open_tasks * s.hours_each,
			case_types=s.case_types,
			languages=s.languages,
			away=away if s.index in AWAY else (),
		)
		for s in seats()
	]


def need(slots: tuple[int, int, int] | None) -> S.Need:
	preferred = ()
	if slots:
		names = ("case.primary_paralegal", "case.secondary_owner", "team.lead")
		preferred = tuple((name, user(i)) for name, i in zip(names, slots, strict=True))
	return S.Need(
		estimated_hours=2.0,
		case_type="H-1B",
		practice_group="Employment",
		language="en",
		priority="Standard",
		preferred=preferred,
	)


# (key, label, chain, slots of the need)
CHAINS = (
	("round_robin", "round robin", ("round_robin",), None),
	("least_loaded", "least loaded", ("least_loaded",), None),
	("hybrid", "HYBRID, case paralegal free (role_slot picks)", S.HYBRID, SLOT_FREE),
	("hybrid_fallback", "HYBRID, slot people unavailable (least_loaded picks)", S.HYBRID, SLOT_BUSY),
)


@dataclass
class Result(Samples):
	key: str
	label: str
	samples: list[float] = field(default_factory=list)  # seconds
	with_commit: list[float] = field(default_factory=list)
	chosen: dict[str, int] = field(default_factory=dict)
	strategies: dict[str, int] = field(default_factory=dict)
	queries: int | None = None

	def note(self, choice) -> None:
		self.chosen[choice.user or "-"] = self.chosen.get(choice.user or "-", 0) + 1
		self.strategies[choice.strategy or "-"] = self.strategies.get(choice.strategy or "-", 0) + 1


# ----------------------------------------------------------------------------------------- engine
def bench_engine(decisions: int, block: int) -> list[Result]:
	today = dt.date(2026, 11, 25)
	members = engine_members(today)
	results = {key: Result(key, label) for key, label, _chain, _slots in CHAINS}
	needs = {key: need(slots) for key, _label, _chain, slots in CHAINS}
	chains = {key: chain for key, _label, chain, _slots in CHAINS}
	cursor = None
	for key in results:  # warm-up
		for _ in range(200):
			S.choose(members, needs[key], chains[key], today, cursor)
	done = 0
	while done < decisions:
		n = min(block, decisions - done)
		for key, result in results.items():
			chain, wanted, samples = chains[key], needs[key], result.samples
			for _ in range(n):
				seconds, choice = timed(lambda: S.choose(members, wanted, chain, today, cursor))  # noqa: B023
				samples.append(seconds)
				if key == "round_robin":
					cursor = choice.cursor
				result.note(choice)
		done += n
	check_engine(results, members, today)
	return list(results.values())


def check_engine(results: dict[str, Result], members: list[S.Member], today: dt.date) -> None:
	"""Round robin visits every eligible member evenly; least loaded picks the lowest utilisation."""
	eligible = [m for m in members if S.check(m, need(None), today).eligible]
	rr = results["round_robin"].chosen
	if set(rr) != {m.user for m in eligible} or max(rr.values()) - min(rr.values()) > 1:
		raise AssertionError(f"round robin did not rotate evenly over the {len(eligible)} eligible members")
	lowest = min(eligible, key=lambda m: (S.utilisation(m, need(None))[0], m.user)).user
	if set(results["least_loaded"].chosen) != {lowest}:
		raise AssertionError(f"least loaded chose {results['least_loaded'].chosen}, expected {lowest}")
	if set(results["hybrid"].strategies) != {"role_slot"}:
		raise AssertionError(f"hybrid: {results['hybrid'].strategies}")
	if set(results["hybrid_fallback"].strategies) != {"least_loaded"}:
		raise AssertionError(f"hybrid fallback: {results['hybrid_fallback'].strategies}")


def engine_table(results: list[Result]) -> str:
	base = results[0].median
	rows = [
		[
			r.label,
			f"{len(r.samples):,}",
			f"{r.median * 1e6:.1f}",
			f"{r.p90 * 1e6:.1f}",
			f"{r.median / base:.2f}",
			", ".join(f"{k} {v:,}" for k, v in sorted(r.strategies.items()))
			+ f"; {len(r.chosen)} different people",
		]
		for r in results
	]
	headers = ["chain", "decisions", "median µs", "p90 µs", "x round robin", "chosen by"]
	return md_table(headers, rows, right=(1, 2, 3, 4))


# ------------------------------------------------------------------------------------------ site
def ensure_site_fixtures(today: dt.date) -> str:
	"""Users, team, Case, open tasks and absences; returns the Case name."""
	import frappe

	for s in seats():
		ensure_user(
			user(s.index), f"Bstr Member {s.index + 1:02d}", ["Legist Paralegal"], enabled=s.index != DISABLED
		)
	rows = [
		{
			"user": user(s.index),
			"team_role": s.role,
			"active": 1,
			"capacity_tasks": s.capacity_tasks,
			"capacity_hours": s.capacity_hours,
			"case_types": ", ".join(sorted(s.case_types)),
			"languages": ", ".join(sorted(s.languages)),
		}
		for s in seats()
	]
	if frappe.db.exists("Routing Team", TEAM):
		team = frappe.get_doc("Routing Team", TEAM)
		current = [(r.user, r.team_role, r.capacity_tasks, r.case_types or "") for r in team.members]
		wanted = [(r["user"], r["team_role"], r["capacity_tasks"], r["case_types"]) for r in rows]
		if current != wanted or team.team_lead != user(0):
			team.team_lead = user(0)
			team.set("members", rows)
			team.save(ignore_permissions=True)
	else:
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": TEAM,
				"team_lead": user(0),
				"default_strategy": "least_loaded",
				"members": rows,
			}
		).insert(ignore_permissions=True)
	ensure_case_type(CASE_TYPE, "Employment")
	case = ensure_cases(
		CASE_TYPE, 1, lambda _k: {"case_title": "Bench strategies case", "client_name": "Bench Client"}
	)[0]
	replace_tasks(case)
	frappe.db.sql("delete from `tabRouting Absence` where user in %(users)s", {"users": members_away()})
	for i in AWAY:
		frappe.get_doc(
			{
				"doctype": "Routing Absence",
				"user": user(i),
				"from_date": today - dt.timedelta(days=1),
				"to_date": today + dt.timedelta(days=2),
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	return case


def members_away() -> tuple[str, ...]:
	return tuple(user(i) for i in AWAY)


def replace_tasks(case: str) -> int:
	"""The team's open load as real Case Tasks (plus some closed ones), written with multi-row INSERTs."""
	import frappe

	frappe.db.sql("delete from `tabCase Task` where name like %s", TASK_PREFIX + "%")
	now = frappe.utils.now_datetime().replace(microsecond=0)
	rows = []
	for s in seats():
		for k in range(s.open_tasks + 3):  # three closed tasks each: the load query must skip them
			name = f"{TASK_PREFIX}{s.index + 1:02d}-{k:03d}"
			rows.append(
				{
					"name": name,
					"title": f"bench strategies task {name}",
					"case": case,
					"status": "Open" if k < s.open_tasks else "Completed",
					"assigned_to": user(s.index),
					"assigned_at": now,
					"estimated_hours": s.hours_each,
				}
			)
	return bulk_insert("Case Task", rows)


def drop_site() -> None:
	import frappe

	frappe.db.sql("delete from `tabCase Task` where name like %s", TASK_PREFIX + "%")
	frappe.db.sql("delete from `tabRouting Absence` where user in %(users)s", {"users": members_away()})
	delete_cases(CASE_TYPE)
	if frappe.db.exists("Routing Team", TEAM):
		frappe.delete_doc("Routing Team", TEAM, ignore_permissions=True, force=True)
	frappe.db.commit()
	log("dropped the benchmark's tasks, absences, Case and team (users stay)")


def load_reader():
	"""The app's function that reads the members' open load (its name changed between versions)."""
	from legist_routing.services import assignment

	for name in ("load_and_enabled", "open_load"):
		if hasattr(assignment, name):
			return name, getattr(assignment, name)
	raise SystemExit("legist_routing.services.assignment reads no load (no load_and_enabled/open_load)")


def plan_of(query: str, values) -> tuple[str, bool]:
	"""EXPLAIN in one line, and whether a table of more than 1,000 rows is read by a full scan."""
	plan = explain(query, values)
	return plan_line(plan), any(int(p.get("rows") or 0) > 1000 for p in table_scans(plan))


def index_probe(query: str, values) -> dict:
	"""The load query on a session-private copy of Case Task's load columns with an index on
	(assigned_to, status): what an index would give when the live table has none. Nothing else sees
	the copy (a temporary table, dropped at the end)."""
	import frappe

	table = "bench_task_load_probe"
	probe = query.replace("`tabCase Task`", table)
	frappe.db.commit()
	frappe.db.sql(f"drop temporary table if exists {table}")
	frappe.db.sql(
		f"create temporary table {table} as "
		"select name, assigned_to, status, estimated_hours from `tabCase Task`"
	)
	frappe.db.sql(f"alter table {table} add index assigned_status (assigned_to, status)")
	if sorted(frappe.db.sql(query, values)) != sorted(frappe.db.sql(probe, values)):
		raise AssertionError("the probe's copy does not give the live table's load")
	samples = sample(lambda: frappe.db.sql(probe, values), 50)
	out = {"ms": median(samples) * 1000, "plan": plan_of(probe, values)[0]}
	frappe.db.sql(f"drop temporary table {table}")
	return out


def bench_site(decisions: int, block: int, today: dt.date, probe: bool = True) -> tuple[list[Result], dict]:
	import frappe

	from legist_routing.services import apply, assignment

	results = {key: Result(key, label) for key, label, _chain, _slots in CHAINS}
	needs = {key: need(slots) for key, _label, _chain, slots in CHAINS}
	chains = {key: chain for key, _label, chain, _slots in CHAINS}

	def decide(key: str):
		return apply.choose(needs[key], chains[key], TEAM, today)

	for key in results:  # warm-up: imports, Redis copies of the team and the meta
		for _ in range(5):
			new_request()
			decide(key)
			frappe.db.commit()
	for key, result in results.items():  # statements of a decision that follows one of the same chain
		for _ in range(2):
			new_request()
			decide(key)
			frappe.db.commit()
		new_request()
		result.queries = len(statements(lambda key=key: decide(key)))
		frappe.db.commit()
	done = 0
	while done < decisions:
		n = min(block, decisions - done)
		for key, result in results.items():
			for _ in range(n):
				new_request()
				seconds, choice = timed(lambda key=key: decide(key))
				committed, _ = timed(frappe.db.commit)
				result.samples.append(seconds)
				result.with_commit.append(seconds + committed)
				result.note(choice)
		done += n
	check_site(results)
	users = [user(s.index) for s in seats()]
	reader_name, reader = load_reader()
	load_samples = sample(lambda: reader(users), max(50, decisions // 2))
	query, values = statements(lambda: reader(users))[0]
	plan, scan = plan_of(query, values)

	def members():
		new_request()
		return timed(lambda: assignment.members(TEAM, None, today))[0]

	members_samples = [members() for _ in range(max(50, decisions // 2))]
	frappe.db.rollback()
	facts = {
		"reader": reader_name,
		"load_ms": median(load_samples) * 1000,
		"members_ms": median(members_samples) * 1000,
		"plan": plan,
		"probe": index_probe(query, values) if probe and scan else None,
		"task_rows": frappe.db.sql("select count(*) from `tabCase Task`")[0][0],
		"team_open": frappe.db.sql(
			"select count(*) from `tabCase Task` where name like %s and status = 'Open'", TASK_PREFIX + "%"
		)[0][0],
		"cursor": frappe.db.get_value("Routing Team", TEAM, "round_robin_cursor"),
	}
	return list(results.values()), facts


def check_site(results: dict[str, Result]) -> None:
	"""Same decisions as the engine: the site feeds it the same team."""
	rr = results["round_robin"].chosen
	if len(rr) < 10 or max(rr.values()) - min(rr.values()) > 1:
		raise AssertionError(f"round robin on the site did not rotate evenly: {rr}")
	disabled, away = user(DISABLED), set(members_away())
	if disabled in rr or away & set(rr):
		raise AssertionError("round robin on the site chose someone disabled or on leave")
	if len(results["least_loaded"].chosen) != 1:
		raise AssertionError(f"least loaded on the site changed its mind: {results['least_loaded'].chosen}")
	if set(results["hybrid"].strategies) != {"role_slot"}:
		raise AssertionError(f"hybrid on the site: {results['hybrid'].strategies}")
	if set(results["hybrid_fallback"].strategies) != {"least_loaded"}:
		raise AssertionError(f"hybrid fallback on the site: {results['hybrid_fallback'].strategies}")


def site_table(results: list[Result]) -> str:
	base, base_commit = results[0].median, median(results[0].with_commit)
	rows = [
		[
			r.label,
			f"{len(r.samples):,}",
			f"{r.median * 1000:.2f}",
			f"{r.p90 * 1000:.2f}",
			f"{r.median / base:.2f}",
			f"{median(r.with_commit) * 1000:.2f}",
			f"{median(r.with_commit) / base_commit:.2f}",
			r.queries,
		]
		for r in results
	]
	headers = [
		"chain",
		"decisions",
		"choose: median ms",
		"p90 ms",
		"x round robin",
		"choose + commit: median ms",
		"x round robin",
		"SQL statements",
	]
	return md_table(headers, rows, right=(1, 2, 3, 4, 5, 6, 7))


# ------------------------------------------------------------------------------------------- main
def parse_args(argv=None):
	parser = arg_parser(__doc__, site=False)
	where = parser.add_mutually_exclusive_group(required=True)
	where.add_argument("--site", help="also measure apply.choose on this site")
	where.add_argument("--engine-only", action="store_true", help="the pure engine only, no Frappe")
	parser.add_argument("--decisions", type=int, default=20_000, help="engine decisions per chain")
	parser.add_argument("--site-decisions", type=int, default=300, help="site decisions per chain")
	parser.add_argument("--drop", action="store_true", help="remove the site fixtures and exit")
	parser.add_argument(
		"--no-index-probe", action="store_true", help="skip timing the load query on an indexed private copy"
	)
	return parser.parse_args(argv)


def context() -> str:
	"""Machine and versions (Frappe's and the site's too while connected), the team and the need."""
	lines = [
		"Context:",
		"",
		*context_lines(),
		f"- team of {TEAM_SIZE}: 1 Managing Attorney, 3 Senior Attorneys, 6 Associates, 40 Paralegals; "
		f"capacity 20 tasks / 40 h each; 0-16 open tasks each (seed {SEED}); 2 on leave, 1 disabled; "
		"17 handle only H-1B/O-1/L-1, 5 only Asylum/U Visa",
		"- need: 2 h, case type H-1B, Employment, English, Standard priority",
	]
	return "\n".join(lines)


def site_sections(args) -> list[str]:
	"""The site part of the report: fixtures, the decisions and the load query's facts."""
	import frappe

	today = frappe.utils.getdate(frappe.utils.nowdate())
	log("site: fixtures")
	ensure_site_fixtures(today)
	log(f"site: {args.site_decisions:,} decisions per chain")
	measured, facts = bench_site(args.site_decisions, 25, today, probe=not args.no_index_probe)
	return [
		"## Site: `apply.choose(need, chain, team)` for a Routing Team of 50, per decision",
		site_table(measured),
		"Parts of a decision (medians): the members' open load alone "
		f"(`assignment.{facts['reader']}`, one grouped query) {facts['load_ms']:.2f} ms; "
		"`assignment.members(team)` (team, load, absences, enabled users) "
		f"{facts['members_ms']:.2f} ms. Load query plan: {facts['plan']}. Case Task holds "
		f"{facts['task_rows']:,} rows, {facts['team_open']} of them open tasks of this team."
		+ (
			" The same query on a private copy of those rows with an index on (assigned_to, status): "
			f"{facts['probe']['ms']:.2f} ms ({facts['probe']['plan']})."
			if facts["probe"]
			else ""
		),
		"Each site decision starts with fresh request caches (Redis warm) and ends with a commit.",
	]


def main(argv=None):
	args = parse_args(argv)
	started = time.time()
	if args.site and args.drop:
		with site(args.site, args.sites_path, lock="legist_bench_strategies"):
			drop_site()
		return
	log(f"engine: {args.decisions:,} decisions per chain")
	sections = [
		"# Assignee choice benchmark (benchmarks/bench_strategies.py)",
		"## Engine: `strategies.choose` over 50 members, per decision",
		engine_table(bench_engine(args.decisions, 1000)),
	]
	if not args.site:
		return publish("strategies_engine.md", "\n\n".join([*sections, context()]), started)
	# one run at a time: a second one would share the team and its tasks
	with site(args.site, args.sites_path, lock="legist_bench_strategies"):
		sections += [*site_sections(args), context()]
	publish("strategies.md", "\n\n".join(sections), started)


if __name__ == "__main__":
	main()
