"""Benchmark: the simulator on a case with 1,000 enabled rules, against a real routed insert of the same case.

What is measured
	With the same 1,000 enabled ``case.created`` Routing Rules on one site (one matching the benchmark's
	cases: a task assigned to the case's primary paralegal, the lead attorney notified in-app, an
	escalation after 24 unacknowledged hours; 999 indexed and not matching, ``{"case.type": "Bench Sim
	Type-i"}``), each step of a round is:

	- insert: ``frappe.get_doc({...Case...}).insert()`` and ``frappe.db.commit()``: the case routed (the
	engine's index sets the 999 aside), its task, ToDo, notification, Routing Log written;
	- simulate: ``services.simulate.simulate("case.created", case=<that case>)``: the same decision with
	nothing written, every rule of the trigger evaluated (the simulator shows each rule's conditions, so
	it does not let the index set any aside), the assignee planned with each candidate's verdict, the due
	times and the escalation schedule.

	Both start as a new request (``common.new_request``); the compiled rules stay cached in the process,
	as in a worker. Inserts and simulations alternate, case by case, after unmeasured warm-up steps. The
	first simulation of each round is checked against the insert it follows (same matched rule, same
	assignee), and the rows of the tables routing writes are counted around every simulation (no change).

	Aim: the simulation's median at most the insert's (ratio <= 1.0). The script prints the ratio and
	whether the aim is met, with the CPU times (steadier on a busy machine).

Site state
	Run against a dedicated site (``bash scripts/new-site.sh legist-simb.localhost``). It creates,
	idempotently: three users (``bench.sim.*@example.com``), the Case Type "Bench Sim Petition" and the
	1,000 rules ``bench-sim-*`` (imported with ``services.rules.import_rules``). At the end it deletes the
	rules (with their versions), the Cases and what they produced; the users and the Case Type stay.
	The site's own enabled Routing Rules (the shipped recipes) are switched off for the run and on again at
	the end (``common.site_rules_off``).

Run (from the bench's sites folder, with the bench's Python)::

	cd ~/legist-bench/sites
	../env/bin/python ../apps/legist_routing/benchmarks/bench_simulate.py --site legist-simb.localhost

About a minute with the defaults (``--n 60 --rounds 3``), rule import included; results in
``benchmarks/results/simulate.md``. The site connection, timing, tables, aims and fixtures come from the
shared harness (common.py).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
import time
from dataclasses import dataclass, field

import frappe
from common import (
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
	publish,
	site,
	site_rules_off,
	timed_cpu,
)

PREFIX = "bench-sim-"
CASE_TYPE = "Bench Sim Petition"
RULES = 1000
USERS = {
	"paralegal": ("bench.sim.paralegal@example.com", "Bench Sim Paralegal", "Legist Paralegal"),
	"attorney": ("bench.sim.attorney@example.com", "Bench Sim Attorney", "Legist Attorney"),
	"manager": ("bench.sim.manager@example.com", "Bench Sim Manager", "Legist Manager"),
}
# What routing writes: none of these may change while the simulations run.
WRITTEN = ("Case Task", "ToDo", "Routing Log", "Routing Log Rule", "Notification Log", "Comment")


@dataclass
class Line(Samples):
	key: str
	label: str
	samples: list[float] = field(default_factory=list)
	cpu: list[float] = field(default_factory=list)
	round_medians: list[float] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ setup
def rule(i: int | None) -> dict:
	"""The matching rule (``i`` None) or the i-th indexed one that matches no benchmark case."""
	return {
		"ruleName": f"{PREFIX}match" if i is None else f"{PREFIX}idx-{i:04d}",
		"trigger": "case.created",
		"conditions": {"case.type": CASE_TYPE if i is None else f"Bench Sim Type-{i}"},
		"actions": [
			{"assign": "case.primaryParalegal", "dueInDays": 3},
			{"notify": "case.leadAttorney", "method": "inApp"},
		],
		"escalation": {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"},
		"enabled": True,
	}


def ensure_fixtures() -> float:
	from legist_routing.services import rules

	for email, name, role in USERS.values():
		ensure_user(email, name, [role])
	ensure_case_type(CASE_TYPE, "Employment")
	settings = frappe.get_single("Routing Settings")
	if not settings.routing_enabled:
		sys.exit("Routing Settings: routing is disabled on this site; enable it first.")
	if not settings.operations_manager:
		frappe.db.set_single_value("Routing Settings", "operations_manager", USERS["manager"][0])
	wanted = [rule(None)] + [rule(i) for i in range(RULES - 1)]
	existing = set(frappe.get_all("Routing Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name"))
	missing = [r for r in wanted if r["ruleName"] not in existing]
	started = time.perf_counter()
	if missing:
		log(f"importing {len(missing)} Routing Rules with import_rules")
		rules.import_rules(json.dumps(missing))
	frappe.db.sql("update `tabRouting Rule` set enabled = 1 where name like %s", f"{PREFIX}%")
	frappe.db.commit()
	rules.bump()
	enabled = frappe.db.count("Routing Rule", {"enabled": 1})
	if enabled != RULES:
		sys.exit(f"{enabled} Routing Rules enabled, expected {RULES}")
	return time.perf_counter() - started


def row_counts() -> dict[str, int]:
	return {doctype: frappe.db.count(doctype) for doctype in WRITTEN}


# -------------------------------------------------------------------------------------- measuring
class Steps:
	def __init__(self, user: str):
		self.user = user
		self.run_id = frappe.generate_hash(length=6)
		self.count = 0

	def insert(self) -> tuple[float, float, str]:
		self.count += 1
		values = {
			"doctype": "Case",
			"case_title": f"Bench sim case {self.run_id}-{self.count}",
			"case_type": CASE_TYPE,
			"priority": "Standard",
			"status": "Open",
			"client_name": "Bench Client",
			"lead_attorney": USERS["attorney"][0],
			"primary_paralegal": USERS["paralegal"][0],
		}
		new_request()

		def once():
			doc = frappe.get_doc(values).insert()
			frappe.db.commit()
			return doc.name

		return timed_cpu(once)

	def simulate(self, case: str) -> tuple[float, float, dict]:
		from legist_routing.services import simulate

		new_request()
		return timed_cpu(lambda: simulate.simulate("case.created", case=case))


def check(case: str, sim: dict):
	"""The simulation says what the insert did: the one matching rule, the same assignee."""
	problems = []
	if not sim.get("ok"):
		problems.append(f"the simulation failed: {sim.get('problems')}")
	elif sim["matched"] != [f"{PREFIX}match"] or sim["considered"] != RULES:
		problems.append(f"matched {sim['matched']} of {sim['considered']} considered, expected 1 of {RULES}")
	else:
		real = frappe.db.get_value("Case Task", {"case": case}, "assigned_to")
		(task,) = sim["tasks"]
		if task["assignee"] != real or real != USERS["paralegal"][0]:
			problems.append(f"simulated assignee {task['assignee']}, the insert assigned {real}")
	log_status = frappe.db.get_value("Routing Log", {"case": case}, "status")
	if log_status != "Applied":
		problems.append(f"the insert's Routing Log says {log_status!r}")
	if problems:
		raise RuntimeError(f"case {case}: " + "; ".join(problems))


def measure(args) -> tuple[Line, Line]:
	insert = Line("insert", f"insert of a Case, routed by {RULES:,} enabled rules (one matches), commit")
	simulation = Line("simulate", f"simulation of the same case's case.created over the same {RULES:,} rules")
	steps = Steps(args.user)
	per_round = [args.n // args.rounds + (1 if r < args.n % args.rounds else 0) for r in range(args.rounds)]
	frappe.set_user(args.user)
	for r in range(args.rounds):
		for _ in range(args.warmup):
			_w, _c, case = steps.insert()
			steps.simulate(case)
		gc.collect()
		inserted, simulated = [], []
		for k in range(per_round[r]):
			wall, cpu, case = steps.insert()
			inserted.append((wall, cpu))
			before = row_counts()  # in the transaction the simulation runs in: others' commits unseen
			wall, cpu, sim = steps.simulate(case)
			simulated.append((wall, cpu))
			if row_counts() != before:
				raise RuntimeError(f"case {case}: the simulation wrote rows ({before} -> {row_counts()})")
			if k == 0:
				check(case, sim)
		for line, timings in ((insert, inserted), (simulation, simulated)):
			line.samples += [w for w, _c in timings]
			line.cpu += [c for _w, c in timings]
			line.round_medians.append(median([w for w, _c in timings]))
		log(
			f"round {r + 1}/{args.rounds}: insert {insert.round_medians[-1] * 1000:.1f} ms, "
			f"simulate {simulation.round_medians[-1] * 1000:.1f} ms"
		)
	frappe.set_user("Administrator")
	return insert, simulation


# ---------------------------------------------------------------------------------------- cleanup
def cleanup() -> str:
	from legist_routing.services import rules

	frappe.set_user("Administrator")
	frappe.db.rollback()
	cases = frappe.get_all("Case", filters={"case_type": CASE_TYPE}, pluck="name")
	for chunk in chunks(cases, 500):
		frappe.db.sql(
			"""delete from `tabRouting Log Rule` where parenttype = 'Routing Log'
			and parent in (select name from `tabRouting Log` where `case` in %(cases)s)""",
			{"cases": tuple(chunk)},
		)
	users = [email for email, _n, _r in USERS.values()]
	frappe.db.sql("delete from `tabNotification Log` where for_user in %(users)s", {"users": users})
	deleted = delete_cases(CASE_TYPE)
	names = frappe.get_all("Routing Rule", filters={"name": ["like", f"{PREFIX}%"]}, pluck="name")
	for chunk in chunks(names, 500):
		for sql in (
			"delete from `tabRouting Rule` where name in %(names)s",
			"delete from `tabVersion` where ref_doctype = 'Routing Rule' and docname in %(names)s",
			"delete from `tabRouting Config Version` where reference_doctype = 'Routing Rule' "
			"and reference_name in %(names)s",
		):
			frappe.db.sql(sql, {"names": chunk})
	frappe.db.commit()
	rules.bump()
	return f"removed {len(names)} Routing Rules, {deleted} Cases and their records"


# ---------------------------------------------------------------------------------------- report
def report(insert: Line, simulation: Line, args, import_seconds: float) -> str:
	rows = [
		[
			f"({line.key}) {line.label}",
			len(line.samples),
			f"{line.median * 1000:.1f}",
			f"{line.p90 * 1000:.1f}",
			f"{line.median / insert.median:.2f}x",
			f"{median(line.cpu) * 1000:.1f} ({median(line.cpu) / median(insert.cpu):.2f}x)",
			" / ".join(f"{m * 1000:.1f}" for m in line.round_medians),
		]
		for line in (insert, simulation)
	]
	table = md_table(
		["step", "n", "median ms", "p90 ms", "ratio to insert", "CPU median ms (ratio)", "round medians ms"],
		rows,
		right=(1, 2, 3, 4, 5),
	)
	ratio = simulation.median / insert.median
	aims = aims_report([(ratio <= 1.0, f"simulation at most the insert's time: {ratio:.2f}x the insert")])
	context = [
		*context_lines(load_at_start=args.load_at_start),
		f"- date: {dt.datetime.now().isoformat(timespec='seconds')}; {args.n} inserts and as many simulations "
		f"in {args.rounds} round(s), {args.warmup} warm-up pairs per round, as {args.user}",
		f"- rule import before measuring (not part of any number above): {import_seconds:.1f} s",
	]
	return "\n\n".join(
		[
			"# Simulator benchmark (benchmarks/bench_simulate.py)",
			"Wall time of one simulation (`simulate.simulate`, nothing written) and of one routed Case insert "
			f"with commit, on the same cases and the same {RULES:,} enabled rules, alternating; the aim uses the "
			"wall-time medians, the CPU column is this process's time (database and Redis excluded).",
			table,
			aims,
			"\n".join(context),
		]
	)


def parse_args(argv=None):
	parser = arg_parser(__doc__)
	parser.add_argument("--n", type=int, default=60, help="measured inserts (and simulations), default 60")
	parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
	parser.add_argument("--warmup", type=int, default=5, help="unmeasured insert+simulation pairs per round")
	parser.add_argument("--user", default=USERS["manager"][0], help="who inserts and simulates (a manager)")
	parser.add_argument("--cleanup-only", action="store_true", help="remove leftovers and exit")
	args = parser.parse_args(argv)
	args.rounds = max(1, min(args.rounds, args.n))
	return args


def main(argv=None):
	args = parse_args(argv)
	started = time.time()
	args.load_at_start = os.getloadavg()[0]
	with site(args.site, args.sites_path, lock="legist_bench_simulate", production=True):
		if args.cleanup_only:
			log(cleanup())
			return
		try:
			with site_rules_off(PREFIX):
				import_seconds = ensure_fixtures()
				insert, simulation = measure(args)
				publish("simulate.md", report(insert, simulation, args, import_seconds), started)
		finally:
			log(cleanup())


if __name__ == "__main__":
	main()
