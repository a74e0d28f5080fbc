"""Benchmark: the minute escalation sweep over 100,000 open Case Tasks, idle and with 1,000 due steps.

What is measured
	Idle (nothing due), at 100,000 and at 10,000 open tasks, medians over ``--samples`` calls:

	- the bare SELECT ``escalations.sweep`` runs (the same SQL, through ``frappe.db.sql_list``): the
	baseline;
	- ``escalations.sweep(now=T, enqueue=False)``: the whole minute job when nothing is due;
	- the same SELECT with ``IGNORE INDEX (next_escalation_at)``: what a full scan would cost.

	Every idle line also gives the rows InnoDB read for one call (the ``Handler_read_*`` session
	counters): an index seek reads about one row whatever the table's size, a scan reads them all.
	The 10,000-task size parks the other 90,000 rows (Completed, no ``next_escalation_at``) and
	restores them afterwards.

	Due (1,000 of the 100,000 tasks made due for the guide's "remind" stage: assigned 5 business hours
	before ``T``, not acknowledged, ``next_escalation_at`` just before ``T``; spread over 8 assignees):

	- the bare SELECT of the 1,000 due rows and ``sweep(now=T, enqueue=True)`` + commit (20 jobs of 50;
	``--batch`` changes the batch size the sweep is given);
	- inline: ``escalations.process(names, at=T)`` in this process (50 tasks per transaction);
	- rq1 / rq2: the sweep enqueues the batches on RQ's ``short`` queue, then 1 or 2 burst workers
	(``frappe.utils.background_jobs.start_worker(queue="short", burst=True)``, what
	``bench worker --queue short --burst`` runs) drain it; the time runs from starting the workers
	until the last one exits, start-up included (the start-up of one worker on an empty queue is
	listed too), and "drain" is first job start to last job end from RQ's own timestamps;
	- rq2_one: rq2 with every due task assigned to the same person (the bell alerts of each group of
	tasks update that person's Notification Settings row just before the group's commit, so the two
	workers may wait for each other there; the e-mail outbox sends one e-mail per batch instead of eight);
	- split2: two processes, each ``process()`` on one half of the names, started together;
	- same2: two processes, each ``process()`` on all 1,000 names at once (a duplicated delivery: they
	serialise on the task row lock and every step must still happen once).

	Where the environment sets PYTHONDONTWRITEBYTECODE (this sandbox does), every RQ job fork would compile
	the modules it imports from source, which a production bench with .pyc files does not do; the workers
	and child processes therefore get a bytecode cache outside the repository and the bench
	(PYTHONPYCACHEPREFIX, under the temp folder), warmed by one unmeasured RQ job (``--no-pycache``:
	measure without it).

	Each due line also gives the CPU seconds the Python processes (this one, the workers and their job
	forks) and MariaDB (when it runs on this machine) spent: on two cores that says how much room a
	second worker had. After each run the script checks that exactly 1,000 Escalation Event rows were
	written, one per task, all for "remind", and that no due task is left; then it deletes what the run
	wrote (Escalation Events, the escalation Routing Logs, Comments, Notification Logs, queued e-mails)
	and makes the same tasks due again, assigned a minute earlier than last time (new step versions, so
	new ledger keys), so runs are comparable.

Baseline and aims
	Measured on these machines for a 100,000-row table: the indexed SELECT of the due ids takes 0.2-0.3 ms
	when nothing is due and about 2.8 ms for 500 due rows; a full scan takes 13-21 ms. The aims: the idle
	sweep stays an index seek (at most 5 ms, and not growing with the number of open tasks); 1,000 due
	steps processed in under 10 s on one worker and at least 1.8x as fast on two. The ratios printed are
	to the bare SELECT of the same size (idle) and to one RQ worker (due).

Isolation
	``T`` (the sweep's clock) is about an hour ahead of the real clock and every benchmark row's
	``next_escalation_at`` stays later than the real clock, so the bench's own scheduler (the minute sweep
	it runs for every site) never touches them. The RQ jobs go to a queue of their own
	(``legist-escalation-bench:short``, by overriding the bench id in this process and in the workers it
	starts), so an always-on ``bench worker`` cannot take them.

Site state
	The script never creates sites. Run it against a dedicated site made with
	``bash scripts/new-site.sh legist-bench.localhost``. It creates, idempotently: users
	``besc.paralegal1-8@example.com`` (Legist Paralegal) and ``besc.manager@example.com`` (Legist Manager,
	made Routing Settings' operations manager when none is set), the Case Type "Bench Escalation", ten
	Cases, and 100,000 Case Tasks ``besc-task-000001`` ... (title ``bench-task-N``), written with multi-row
	INSERTs built from the DocType's own columns (``common.bulk_insert``) and kept for the next run; their ``next_escalation_at`` is in 2099. ``--drop`` deletes
	the tasks and Cases and exits.

Run (from the bench's sites folder, with the bench's Python)::

	cd ~/legist-bench/sites
	../env/bin/python benchmarks/bench_escalation_sweep.py --site legist-bench.localhost

About a minute on 2 cores once the rows exist (the first run adds about 15 s to insert them); each round of
the six due scenarios takes 15-20 s with the app's batched writes (1.5-5 minutes before them). Writes
the tables to benchmarks/results/escalation_sweep.md. ``--scenarios inline,rq1,rq2`` picks due scenarios
(default: inline, rq1, rq2, rq2_one, split2, same2), ``--rounds N`` runs each N times and reports the
median (default 2; ``--rounds 1`` halves the time), ``--batch N`` gives the sweep another batch size,
``--profile 200`` writes a cProfile of ``process()`` over 200 steps to
benchmarks/results/profile_escalation.txt (not committed). A second run started on the same site while one is going stops
at once (a MariaDB named lock): both would use the same tasks and queue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import frappe
from common import (
	REPO,
	Samples,
	aims_report,
	app_version,
	arg_parser,
	bulk_insert,
	chunks,
	context_lines,
	delete_cases,
	ensure_case_type,
	ensure_cases,
	ensure_user,
	explain,
	log,
	md_table,
	median,
	plan_line,
	profile,
	publish,
	rows_read,
	sample,
	site,
	timed,
	write_profile,
)

TASK_PREFIX = "besc-task-"  # names besc-task-000001 ...; substring(name, 11) is the number
TASK_LIKE = TASK_PREFIX + "%"
CASE_TYPE = "Bench Escalation"
CASES = 10
PARALEGALS = [f"besc.paralegal{i}@example.com" for i in range(1, 9)]
MANAGER = "besc.manager@example.com"
FAR = dt.datetime(2099, 1, 1)  # idle rows: next_escalation_at = FAR + N minutes
QUEUE_NS = "legist-escalation-bench"  # RQ queue names become "<this>:short"
WARMUP_TASKS = 50  # tasks in the unmeasured warm-up job
BATCH = 0  # 0: escalations.sweep's own batch size (escalations.batch_size); --batch overrides it
SCENARIOS = ("inline", "rq1", "rq2", "rq2_one", "split2", "same2")
RQ_WORKERS = {"rq1": 1, "rq2": 2, "rq2_one": 2}
OWN_QUEUE: list[bool] = []  # set once this process's queue names are namespaced

# The SELECT escalations.sweep runs, kept in step with legist_routing/services/escalations.py.
SWEEP_SQL = """select name from `tabCase Task`
		where next_escalation_at is not null and next_escalation_at <= %s
		order by next_escalation_at limit %s"""
SCAN_SQL = """select name from `tabCase Task` ignore index (next_escalation_at)
		where next_escalation_at is not null and next_escalation_at <= %s
		order by next_escalation_at limit %s"""
LIMIT = 5000  # sweep's default limit


def task_name(i: int) -> str:
	return f"{TASK_PREFIX}{i:06d}"


def ms(seconds: float) -> float:
	return seconds * 1000


def job_count(names: list[str], batch: int) -> int:
	"""The RQ jobs the sweep enqueues for ``names`` (``batch`` 0: the app's own batch size)."""
	from legist_routing.services import escalations

	return -(-len(names) // (batch or escalations.batch_size(len(names))))


# ------------------------------------------------------------------------------------- the queue
def use_own_queue() -> None:
	"""Namespace RQ queue names for this process: jobs go to ``QUEUE_NS:short``, not the bench's queue."""
	import frappe.utils.background_jobs as jobs

	jobs.get_bench_id = lambda: QUEUE_NS
	OWN_QUEUE.append(True)


def own_queue():
	from frappe.utils.background_jobs import get_queue

	return get_queue("short")


def purge_queue() -> int:
	if not OWN_QUEUE:
		raise RuntimeError("purge_queue before use_own_queue would empty the bench's real queue")
	q = own_queue()
	count = q.count
	q.empty()
	for registry in (q.failed_job_registry, q.finished_job_registry, q.started_job_registry):
		for job_id in registry.get_job_ids():
			registry.remove(job_id, delete_job=True)
	return count


# ------------------------------------------------------------------------------------- fixtures


def ensure_fixtures() -> list[str]:
	"""Users, operations manager, Case Type and Cases; returns the Case names."""
	for i, email in enumerate(PARALEGALS, 1):
		ensure_user(email, f"Besc Paralegal {i}", ["Legist Paralegal"])
	ensure_user(MANAGER, "Besc Manager", ["Legist Manager"])
	settings = frappe.get_single("Routing Settings")
	if not settings.operations_manager:
		settings.operations_manager = MANAGER
		settings.save(ignore_permissions=True)
	ensure_case_type(CASE_TYPE)
	return ensure_cases(
		CASE_TYPE,
		CASES,
		lambda k: {
			"case_title": f"Bench escalation case {k + 1}",
			"client_name": "Bench Client",
			"primary_paralegal": PARALEGALS[k % len(PARALEGALS)],
			"lead_attorney": MANAGER,
		},
	)


def ensure_tasks(total: int, cases: list[str]) -> float:
	"""Insert the missing benchmark tasks (multi-row INSERTs, every other column the DocType's default);
	returns the seconds it took."""
	have = frappe.db.sql("select count(*) from `tabCase Task` where name like %s", TASK_LIKE)[0][0]
	if have >= total:
		return 0.0
	started = time.perf_counter()
	existing = set(frappe.db.sql_list("select name from `tabCase Task` where name like %s", TASK_LIKE))
	now = frappe.utils.now_datetime().replace(microsecond=0)
	missing = [i for i in range(1, total + 1) if task_name(i) not in existing]
	log(f"inserting {len(missing):,} Case Tasks")
	rows = [
		{
			"name": task_name(i),
			"title": f"bench-task-{i}",
			"case": cases[i % len(cases)],
			"status": "Open",
			"assigned_to": PARALEGALS[i % len(PARALEGALS)],
			"assigned_at": now,
			"estimated_hours": 1.0,
			"next_escalation_at": FAR + dt.timedelta(minutes=i),
		}
		for i in missing
	]
	bulk_insert("Case Task", rows, ignore=True)
	return time.perf_counter() - started


IDLE_SET = """status = 'Open', acknowledged_at = null, acknowledged_by = null, escalation_level = 0,
	reassignment_count = 0, _comments = null,
	next_escalation_at = timestampadd(minute, cast(substring(name, 11) as unsigned), %(far)s)"""


def repair_idle(keep: int) -> None:
	"""Put rows 1..keep back in the idle state (rows a crashed run may have left behind)."""
	frappe.db.sql(
		f"""update `tabCase Task` set {IDLE_SET}
		where name like %(like)s and name <= %(last)s
		and (status != 'Open' or next_escalation_at is null or next_escalation_at < %(far)s)""",
		{"far": FAR, "like": TASK_LIKE, "last": task_name(keep)},
	)
	frappe.db.commit()


def park_after(keep: int) -> None:
	"""Rows after ``keep`` become Completed tasks with nothing pending (as closed work is)."""
	frappe.db.sql(
		"""update `tabCase Task` set status = 'Completed', next_escalation_at = null
		where name like %(like)s and name > %(last)s""",
		{"like": TASK_LIKE, "last": task_name(keep)},
	)
	frappe.db.commit()


def unpark(total: int) -> None:
	frappe.db.sql(
		f"""update `tabCase Task` set {IDLE_SET}
		where name like %(like)s and name <= %(last)s and status = 'Completed'""",
		{"far": FAR, "like": TASK_LIKE, "last": task_name(total)},
	)
	frappe.db.commit()


def open_benchmark_tasks() -> int:
	return frappe.db.sql(
		"select count(*) from `tabCase Task` where name like %s and status = 'Open'", TASK_LIKE
	)[0][0]


# ------------------------------------------------------------------------------------ the clock
def choose_clock() -> dt.datetime:
	"""T: about an hour ahead, and before any other task on the site falls due."""
	now = frappe.utils.now_datetime().replace(microsecond=0)
	clock = now + dt.timedelta(hours=1)
	first_foreign = frappe.db.sql(
		"""select min(next_escalation_at) from `tabCase Task`
		where next_escalation_at is not null and next_escalation_at <= %s and name not like %s""",
		(clock, TASK_LIKE),
	)[0][0]
	if first_foreign:
		clock = first_foreign - dt.timedelta(seconds=1)
		if clock < now + dt.timedelta(minutes=15):
			sys.exit(
				f"other Case Tasks on this site fall due at {first_foreign}; the benchmark needs a quiet "
				"hour (a dedicated site, or wait until the scheduler has processed them)"
			)
	return clock


def assignment_time(clock: dt.datetime) -> dt.datetime:
	"""Five business hours before ``clock``: the 4-hour reminder is due, the 24-hour reassignment is not."""
	from legist_routing.engine.calendar import subtract_business_hours
	from legist_routing.services import calendars

	cal = calendars.get_calendar()
	wall = subtract_business_hours(cal, calendars.to_calendar(clock, cal), 5)
	return calendars.to_site(wall, cal).replace(microsecond=0)


def due_names(total: int, due: int) -> list[str]:
	step = max(1, total // due)
	return [task_name(i) for i in range(step, total + 1, step)][:due]


def make_due(
	names: list[str], clock: dt.datetime, assigned: dt.datetime, people: int = len(PARALEGALS)
) -> None:
	"""Due for the reminder, spread evenly over ``people`` paralegals (consecutive due tasks, different
	people)."""
	for j, who in enumerate(PARALEGALS[:people]):
		frappe.db.sql(
			"""update `tabCase Task` set status = 'Open', acknowledged_at = null, acknowledged_by = null,
			escalation_level = 0, reassignment_count = 0, _comments = null, assigned_to = %(who)s,
			assigned_at = timestampadd(second, -(cast(substring(name, 11) as unsigned) mod 60), %(assigned)s),
			next_escalation_at = %(due)s
			where name in %(names)s""",
			{
				"who": who,
				"assigned": assigned,
				"due": clock - dt.timedelta(seconds=60),
				"names": tuple(names[j::people]) or ("",),
			},
		)
	frappe.db.commit()


def check_plan(names: list[str], clock: dt.datetime) -> None:
	"""The engine must plan exactly one "remind" step at ``clock`` for the due tasks."""
	from legist_routing.engine import escalation as E
	from legist_routing.services import calendars, escalation_policy

	cal = calendars.get_calendar()
	for name in (names[0], names[len(names) // 2], names[-1]):
		task = frappe.get_doc("Case Task", name)
		policy = escalation_policy.policy_for(task)
		if policy is None:
			sys.exit("no escalation policy applies (Routing Settings > Default Escalation Policy is empty)")
		steps = E.due_steps(
			policy, escalation_policy.clock_for(task, cal), cal, calendars.to_calendar(clock, cal), set()
		)
		if [s.stage for s in steps] != ["remind"]:
			sys.exit(f"{name}: expected one 'remind' step at {clock}, the engine plans {steps}")


ARTEFACTS = (
	"delete from `tabEscalation Event` where task in %(names)s",
	"""delete from `tabRouting Log` where reference_doctype = 'Case Task' and reference_name in %(names)s
	and event like 'escalation.%%'""",
	"delete from `tabComment` where reference_doctype = 'Case Task' and reference_name in %(names)s",
	"delete from `tabNotification Log` where document_type = 'Case Task' and document_name in %(names)s",
	"""delete from `tabEmail Queue Recipient` where parent in (select name from `tabEmail Queue`
	where reference_doctype = 'Case Task' and reference_name in %(names)s)""",
	"delete from `tabEmail Queue` where reference_doctype = 'Case Task' and reference_name in %(names)s",
)


def delete_artefacts(names: list[str]) -> None:
	for part in chunks(names, 1000):
		for sql in ARTEFACTS:
			frappe.db.sql(sql, {"names": tuple(part)})
	frappe.db.commit()


def restore_idle(names: list[str]) -> None:
	delete_artefacts(names)
	for part in chunks(names, 1000):
		frappe.db.sql(
			f"update `tabCase Task` set {IDLE_SET} where name in %(names)s",
			{"far": FAR, "names": tuple(part)},
		)
	frappe.db.commit()


def drop(cases_too: bool = True) -> None:
	names = frappe.db.sql_list("select name from `tabCase Task` where name like %s", TASK_LIKE)
	delete_artefacts(names)
	frappe.db.sql("delete from `tabCase Task` where name like %s", TASK_LIKE)
	frappe.db.commit()
	if cases_too:
		delete_cases(CASE_TYPE)
	log(f"dropped {len(names):,} benchmark Case Tasks" + (" and their Cases" if cases_too else ""))


# ------------------------------------------------------------------------------------- measuring
@dataclass
class Line(Samples):
	group: str
	label: str
	open_tasks: int
	due: int
	samples: list[float] = field(default_factory=list)  # seconds
	rows: int | None = None
	base: str | None = None  # key of the line the ratio divides by
	note: str = ""
	extra: dict = field(default_factory=dict)


def measure_idle(size: int, clock: dt.datetime, samples: int) -> list[Line]:
	from legist_routing.services import escalations

	select = lambda: frappe.db.sql_list(SWEEP_SQL, (clock, LIMIT))  # noqa: E731
	scan = lambda: frappe.db.sql_list(SCAN_SQL, (clock, LIMIT))  # noqa: E731

	def sweep():
		found = escalations.sweep(now=clock, enqueue=False)
		if found:
			frappe.db.rollback()
			sys.exit(f"the idle sweep found due tasks: {found[:5]}")

	sel = Line("idle", "bare indexed SELECT (sweep's SQL)", size, 0, base=f"select-{size}")
	swp = Line("idle", "escalations.sweep(now=T, enqueue=False)", size, 0, base=f"select-{size}")
	for _ in range(3):
		select(), sweep()
	for _ in range(samples):  # interleaved, so drift hits both alike
		sel.samples += sample(select, 1)
		swp.samples += sample(sweep, 1)
	sel.rows, swp.rows = rows_read(select), rows_read(sweep)
	sel.note = plan_line(explain(SWEEP_SQL, (clock, LIMIT)))
	full = Line("idle", "full scan: same SELECT, IGNORE INDEX (reads the whole table)", size, 0)
	full.base = f"select-{size}"
	full.samples = sample(scan, max(5, samples // 5), warm=1)
	full.rows = rows_read(scan)
	full.note = plan_line(explain(SCAN_SQL, (clock, LIMIT)))
	frappe.db.rollback()
	return [sel, swp, full]


PYCACHE = Path(tempfile.gettempdir()) / "legist-bench-pycache"


def child_env(args) -> dict[str, str]:
	"""The children's environment. Where PYTHONDONTWRITEBYTECODE is set (as in some sandboxes) every new
	process, and so every RQ job fork, compiles each module it imports from source, which a production
	bench (with .pyc files) does not: the children get a bytecode cache of their own outside the
	repository and the bench (PYTHONPYCACHEPREFIX), unless ``--no-pycache``."""
	env = dict(os.environ)
	if env.get("PYTHONDONTWRITEBYTECODE") and not args.no_pycache:
		env.pop("PYTHONDONTWRITEBYTECODE")
		env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
	return env


def spawn(args, mode: str, extra: list[str], log_path: Path) -> subprocess.Popen:
	cmd = [sys.executable, str(Path(__file__).resolve()), "--site", args.site, "--child", mode, *extra]
	handle = log_path.open("w")
	return subprocess.Popen(
		cmd, cwd=args.sites_path, stdout=handle, stderr=subprocess.STDOUT, env=child_env(args)
	)


def wait_all(procs: list[subprocess.Popen], logs: list[Path], timeout: float) -> None:
	deadline = time.monotonic() + timeout
	for proc, path in zip(procs, logs, strict=True):
		try:
			proc.wait(timeout=max(1, deadline - time.monotonic()))
		except subprocess.TimeoutExpired:
			for p in procs:
				if p.poll() is None:
					p.kill()
			sys.exit(f"a child process did not finish in {timeout:.0f} s; its output: {path}")
		if proc.returncode != 0:
			sys.exit(f"a child process failed (exit {proc.returncode}):\n{path.read_text()[-3000:]}")


def child_result(path: Path) -> dict:
	for line in reversed(path.read_text().splitlines()):
		if line.startswith("{"):
			return json.loads(line)
	raise RuntimeError(f"no result in {path}")


def drain(args, logs: list[Path], timeout: float) -> float:
	"""One burst worker per log file, started together; the wall seconds until the last one exits."""

	def work() -> None:
		wait_all([spawn(args, "worker", [], path) for path in logs], logs, timeout)

	return timed(work)[0]


def worker_startup(args, tmp: Path) -> float:
	purge_queue()
	return drain(args, [tmp / "worker-empty.log"], 120)


def verify(names: list[str], clock: dt.datetime) -> dict:
	params = {"names": tuple(names)}
	total, tasks, keys = frappe.db.sql(
		"""select count(*), count(distinct task), count(distinct ledger_key) from `tabEscalation Event`
		where task in %(names)s""",
		params,
	)[0]
	stages = dict(
		frappe.db.sql(
			"select stage, count(*) from `tabEscalation Event` where task in %(names)s group by stage", params
		)
	)
	left = frappe.db.sql(
		"""select count(*) from `tabCase Task` where name in %(names)s
		and next_escalation_at is not null and next_escalation_at <= %(clock)s""",
		{**params, "clock": clock},
	)[0][0]
	notified = frappe.db.sql(
		"""select count(*) from `tabNotification Log` where document_type = 'Case Task'
		and document_name in %(names)s""",
		params,
	)[0][0]
	ok = total == len(names) and tasks == len(names) and keys == len(names) and left == 0
	ok = ok and stages == {"remind": len(names)}
	return {
		"events": total,
		"tasks": tasks,
		"stages": stages,
		"still_due": left,
		"notified": notified,
		"ok": ok,
	}


def error_logs_since(started: dt.datetime) -> int:
	return frappe.db.sql("select count(*) from `tabError Log` where creation >= %s", started)[0][0]


RUNS: list[str] = []


def mariadb_pid() -> int | None:
	for entry in Path("/proc").iterdir():
		if entry.name.isdigit():
			try:
				if (entry / "comm").read_text().strip() in ("mariadbd", "mysqld"):
					return int(entry.name)
			except OSError:
				continue
	return None


def cpu_now() -> dict[str, float]:
	"""CPU seconds so far: this process, its waited-for children (workers and their job forks), and the
	database server when it runs on this machine."""
	import resource

	children = resource.getrusage(resource.RUSAGE_CHILDREN)
	out = {"python": time.process_time() + children.ru_utime + children.ru_stime}
	pid = mariadb_pid()
	if pid:
		try:
			fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
			out["mariadb"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
		except (OSError, IndexError, ValueError):
			pass
	return out


def run_due(args, scenario: str, names: list[str], clock: dt.datetime, assigned: dt.datetime, tmp: Path):
	"""One run of a due scenario; returns (seconds, extra facts)."""
	from legist_routing.services import escalations

	delete_artefacts(names)
	# A different assignment time each run: new step versions, so new ledger and log keys (re-inserting
	# the keys deleted a moment ago would make InnoDB lock the delete-marked index records).
	RUNS.append(scenario)
	people = 1 if scenario == "rq2_one" else len(PARALEGALS)
	make_due(names, clock, assigned - dt.timedelta(minutes=len(RUNS)), people)
	purge_queue()
	frappe.db.commit()
	wall_start = frappe.utils.now_datetime()
	extra: dict = {}
	cpu = cpu_now()
	if scenario == "inline":
		seconds, extra["counts"] = timed(lambda: escalations.process(names, at=clock))
	elif scenario in RQ_WORKERS:
		workers = RQ_WORKERS[scenario]

		def enqueue() -> list[str]:
			found = escalations.sweep(now=clock, enqueue=True, batch=args.batch or None)
			frappe.db.commit()
			return found

		extra["enqueue_s"], found = timed(enqueue)
		if sorted(found) != sorted(names):
			sys.exit(f"the sweep found {len(found)} tasks, not the {len(names)} benchmark tasks")
		q = own_queue()
		job_ids = list(q.job_ids)
		if len(job_ids) != job_count(names, args.batch):
			sys.exit(f"expected {job_count(names, args.batch)} jobs on {q.name}, found {len(job_ids)}")
		seconds = drain(args, [tmp / f"{scenario}-worker{i}.log" for i in range(workers)], args.timeout)
		from rq.job import Job

		jobs = [j for j in Job.fetch_many(job_ids, connection=q.connection) if j is not None]
		statuses = [j.get_status() for j in jobs]
		extra["jobs"] = len(job_ids)
		extra["failed_jobs"] = sum(1 for s in statuses if s != "finished")
		starts = [j.started_at for j in jobs if j.started_at]
		ends = [j.ended_at for j in jobs if j.ended_at]
		if starts and ends:
			extra["drain_s"] = (max(ends) - min(starts)).total_seconds()
		extra["per_worker_jobs"] = {}
		for j in jobs:
			worker = (j.worker_name or "?").rsplit(".", 1)[-1]
			extra["per_worker_jobs"][worker] = extra["per_worker_jobs"].get(worker, 0) + 1
	else:
		parts = (
			[names[: len(names) // 2], names[len(names) // 2 :]] if scenario == "split2" else [names, names]
		)
		start_at = time.time() + 4  # both children start process() together, after their imports
		logs, procs = [], []
		t0 = time.perf_counter()
		for i, part in enumerate(parts):
			names_file = tmp / f"{scenario}-names{i}.json"
			names_file.write_text(json.dumps(part))
			logs.append(tmp / f"{scenario}-proc{i}.log")
			extra_args = [
				"--names-file",
				str(names_file),
				"--at",
				clock.isoformat(),
				"--start-at",
				str(start_at),
			]
			procs.append(spawn(args, "process", extra_args, logs[-1]))
		wait_all(procs, logs, args.timeout)
		results = [child_result(path) for path in logs]
		seconds = max(r["seconds"] for r in results)
		extra["wall_s"] = time.perf_counter() - t0  # start-up and the start barrier included
		extra["counts"] = [{k: r[k] for k in ("steps", "tasks", "errors")} for r in results]
	extra["cpu"] = {k: after - cpu[k] for k, after in cpu_now().items()}
	frappe.db.rollback()  # a fresh snapshot: see what the workers committed
	extra["check"] = verify(names, clock)
	extra["error_logs"] = error_logs_since(wall_start)
	delete_artefacts(names)
	return seconds, extra


# ------------------------------------------------------------------------------------------ child
def child(args) -> None:
	"""A worker or a process() run, started by the parent in the sites folder."""
	if args.child == "worker":
		import frappe.utils.background_jobs as jobs

		use_own_queue()
		jobs.start_worker(queue="short", quiet=True, burst=True)
		return
	with site(args.site):
		from legist_routing.services import calendars, escalations

		calendars.get_calendar()  # imports and the calendar, as a running worker has them
		frappe.db.rollback()  # start process() with a fresh transaction, as a job does
		names = json.loads(Path(args.names_file).read_text())
		clock = dt.datetime.fromisoformat(args.at)
		while time.time() < args.start_at:
			time.sleep(0.002)
		seconds, counts = timed(lambda: escalations.process(names, at=clock))
		print(json.dumps({"seconds": seconds, **counts}), flush=True)


# ------------------------------------------------------------------------------------------ report
LABELS = {
	"inline": "inline: process(names, at=T) in this process, one worker",
	"rq1": "RQ: sweep enqueues {jobs} jobs of {batch}, 1 burst worker",
	"rq2": "RQ: sweep enqueues {jobs} jobs of {batch}, 2 burst workers",
	"rq2_one": "RQ: the same, 2 burst workers, every due task assigned to one person",
	"split2": "2 processes, process() on half the names each",
	"same2": "2 processes, process() on all the names each (duplicate delivery)",
}


def fmt_ms(seconds: float) -> str:
	value = ms(seconds)
	return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def idle_table(lines: list[Line], keyed: dict[str, Line]) -> str:
	rows = []
	for line in lines:
		base = keyed.get(line.base or "")
		rows.append(
			[
				line.label,
				f"{line.open_tasks:,}",
				fmt_ms(line.median),
				fmt_ms(line.p90),
				f"{line.median / base.median if base else float('nan'):.2f}",
				line.rows if line.rows is not None else "-",
				line.note,
			]
		)
	headers = ["scenario", "open tasks", "median ms", "p90 ms", "x bare SELECT", "rows read", "plan"]
	return md_table(headers, rows, right=(1, 2, 3, 4, 5))


def due_table(lines: list[Line], rq1: float | None) -> str:
	rows = [
		[
			line.label,
			f"{line.due:,}",
			f"{line.median:.2f}",
			f"{ms(line.median) / line.due:.2f}",
			f"{rq1 / line.median:.2f}" if rq1 else "-",
			len(line.samples),
			line.note,
		]
		for line in lines
	]
	headers = ["scenario", "due steps", "median s", "ms per step", "speed-up vs rq1", "runs", "detail"]
	return md_table(headers, rows, right=(1, 2, 3, 4, 5))


def detail(scenario: str, extras: list[dict]) -> str:
	parts = []
	cpu = extras[-1].get("cpu", {})
	if cpu:
		parts.append("CPU s: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))
	checks = [e["check"] for e in extras]
	parts.append(
		"check: "
		+ ("ok, " if all(c["ok"] for c in checks) else "FAILED, ")
		+ "/".join(str(c["events"]) for c in checks)
		+ " events"
	)
	if any(e["error_logs"] for e in extras):
		parts.append("error logs: " + "/".join(str(e["error_logs"]) for e in extras))
	if scenario in RQ_WORKERS:
		drains = [e["drain_s"] for e in extras if "drain_s" in e]
		if drains:
			parts.append(f"drain (first job start to last end) {median(drains):.2f} s")
		parts.append(f"jobs per worker {extras[-1]['per_worker_jobs']}")
		failed = sum(e["failed_jobs"] for e in extras)
		if failed:
			parts.append(f"{failed} jobs not finished")
	if scenario in ("split2", "same2"):
		parts.append("steps per process " + " / ".join(str(c["steps"]) for c in extras[-1]["counts"]))
		errors = sum(c["errors"] for e in extras for c in e["counts"])
		if errors:
			parts.append(f"{errors} task errors")
	if scenario == "inline":
		errors = sum(e["counts"]["errors"] for e in extras)
		if errors:
			parts.append(f"{errors} task errors")
	return "; ".join(parts)


def aims(keyed: dict[str, Line], total: int, small: int | None, due_lines: dict[str, Line]) -> str:
	out: list[tuple[bool | None, str]] = []
	sweep = keyed.get(f"sweep-{total}")
	if sweep:
		out.append(
			(ms(sweep.median) <= 5, f"idle sweep at {total:,} open tasks <= 5 ms ({fmt_ms(sweep.median)} ms)")
		)
		out.append(
			(
				(sweep.rows or 0) <= 10,
				f"idle sweep is an index seek ({sweep.rows} rows read for {total:,} open tasks)",
			)
		)
	small_sweep = keyed.get(f"sweep-{small}") if small else None
	if sweep and small_sweep:
		growth = sweep.median / small_sweep.median
		flat = growth <= 1.5 or ms(sweep.median - small_sweep.median) < 0.5  # sub-ms noise is not growth
		out.append(
			(
				flat and (sweep.rows or 0) <= (small_sweep.rows or 0) + 5,
				f"idle sweep does not grow with open tasks: {total:,} / {small:,} = {growth:.2f}x time, "
				f"{sweep.rows} vs {small_sweep.rows} rows read",
			)
		)
	one, two = due_lines.get("rq1"), due_lines.get("rq2")
	text = "1,000 due steps on one worker in under 10 s"
	if one is None:
		out.append((None, text))
	elif one.due != 1000:  # the aim is for 1,000 steps
		out.append((None, f"{text} (this run: {one.due:,} steps in {one.median:.2f} s)"))
	else:
		out.append((one.median < 10, f"{text} ({one.median:.2f} s)"))
	speed = one.median / two.median if one and two else None
	text = "two workers at least 1.8x as fast as one"
	out.append((speed >= 1.8 if speed else None, text + (f" ({speed:.2f}x)" if speed else "")))
	return aims_report(out)


def context(args, clock: dt.datetime, assigned: dt.datetime, insert_s: float, startup: float | None) -> str:
	lines = [
		"Context:",
		"",
		*context_lines(app_at_start=args.app_at_start),
		f"- T (the sweep's clock) {clock}; due tasks assigned at {assigned} (5 business hours before T) "
		"under the site's default Escalation Policy",
		f"- {args.samples} samples per idle line (full scan: {max(5, args.samples // 5)}); "
		f"{args.rounds} round(s) per due scenario",
		"- rows read: InnoDB Handler_read_first + _key + _next + _prev + _rnd_next for one call",
	]
	if startup is not None:
		lines.append(
			f"- one burst worker on an empty queue starts and exits in {startup:.2f} s (in the rq lines)"
		)
	if child_env(args).get("PYTHONPYCACHEPREFIX") == str(PYCACHE):
		lines.append(
			"- this environment sets PYTHONDONTWRITEBYTECODE; the workers and children used a bytecode cache "
			f"in {PYCACHE} (warmed by one unmeasured RQ job), as a production bench has .pyc files"
		)
	elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
		lines.append("- PYTHONDONTWRITEBYTECODE is set: every RQ job compiled its modules from source")
	lines.append(
		"- inline runs in this (warm) process; split2/same2 time process() inside the children, start-up "
		"excluded; the rq lines include worker start-up (workers run at nice +10, as Frappe sets them)"
	)
	from legist_routing.services import calendars, escalations

	cal = calendars.get_calendar()
	app = Path(escalations.__file__).resolve().parent.parent
	where = "this repository" if app == (REPO / "legist_routing").resolve() else str(app)
	lines.append(f"- app code from {where}; business calendar in {cal.time_zone}")
	if insert_s:
		lines.append(f"- this run inserted the benchmark's Case Tasks in {insert_s:.1f} s")
	return "\n".join(lines)


# ------------------------------------------------------------------------------------------- main
def parse_args(argv=None):
	parser = arg_parser(__doc__)
	parser.add_argument("--tasks", type=int, default=100_000, help="open tasks (default 100,000)")
	parser.add_argument("--small", type=int, default=10_000, help="second idle size; 0 to skip")
	parser.add_argument("--due", type=int, default=1000, help="due tasks (default 1,000)")
	parser.add_argument("--samples", type=int, default=50, help="samples per idle line")
	parser.add_argument("--batch", type=int, default=BATCH, help="sweep's batch size (jobs of N tasks)")
	parser.add_argument("--rounds", type=int, default=2, help="runs per due scenario (median; default 2)")
	parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="due scenarios, comma-separated")
	parser.add_argument("--timeout", type=float, default=300, help="seconds a due run may take")
	parser.add_argument("--profile", type=int, default=0, help="cProfile process() over N due steps")
	parser.add_argument("--drop", action="store_true", help="delete the benchmark's tasks and Cases, exit")
	parser.add_argument(
		"--no-pycache",
		action="store_true",
		help="children compile from source when PYTHONDONTWRITEBYTECODE is set",
	)
	parser.add_argument("--child", choices=("worker", "process"), help=argparse.SUPPRESS)
	parser.add_argument("--names-file", help=argparse.SUPPRESS)
	parser.add_argument("--at", help=argparse.SUPPRESS)
	parser.add_argument("--start-at", type=float, default=0, help=argparse.SUPPRESS)
	args = parser.parse_args(argv)
	args.sites_path = os.path.abspath(args.sites_path)
	unknown = set(filter(None, args.scenarios.split(","))) - set(SCENARIOS)
	if unknown:
		parser.error(f"unknown scenarios {sorted(unknown)}; choose from {', '.join(SCENARIOS)}")
	return args


def check_sweep_sql() -> None:
	import inspect

	from legist_routing.services import escalations

	squash = lambda s: " ".join(s.split())  # noqa: E731
	if squash(SWEEP_SQL) not in squash(inspect.getsource(escalations.sweep)):
		log("WARNING: escalations.sweep's SELECT differs from SWEEP_SQL here; the baseline may be stale")


def profile_process(names: list[str], clock: dt.datetime, assigned: dt.datetime) -> None:
	from legist_routing.services import escalations

	delete_artefacts(names)
	make_due(names, clock, assigned)
	_stats, text = profile(lambda: escalations.process(names, at=clock))
	title = f"cProfile of escalations.process() over {len(names)} due 'remind' steps\n\n"
	log(f"profile written to {write_profile('escalation', title + text)}")
	restore_idle(names)


def main(argv=None):
	args = parse_args(argv)
	if args.child:
		return child(args)
	started = time.time()
	args.app_at_start = app_version()
	# one run at a time: a second one would share the tasks and the queue
	with site(args.site, args.sites_path, lock="legist_bench_escalation_sweep"):
		if args.drop:
			return drop()
		use_own_queue()  # from here on the finally block below puts the site back
		names: list[str] = []
		try:
			run(args, started, names)
		finally:
			frappe.db.rollback()
			if names:
				restore_idle(names)
			if open_benchmark_tasks() < args.tasks:
				unpark(args.tasks)
			purge_queue()


def run(args, started: float, names: list[str]) -> None:
	"""The measurements and the report; ``names`` receives the due tasks (for the caller's cleanup)."""
	purge_queue()
	check_sweep_sql()
	cases = ensure_fixtures()
	insert_s = ensure_tasks(args.tasks, cases)
	repair_idle(args.tasks)
	if open_benchmark_tasks() < args.tasks:
		unpark(args.tasks)
	clock = choose_clock()
	assigned = assignment_time(clock)
	log(f"T = {clock}; {open_benchmark_tasks():,} open benchmark tasks")

	# ---- idle
	lines: list[Line] = []
	# 100,000 / 10,000 / 100,000 again: drift between the passes hits both sizes
	sizes = [args.tasks, args.small, args.tasks] if 0 < args.small < args.tasks else [args.tasks]
	by_size: dict[int, list[Line]] = {}
	for k, size in enumerate(sizes):
		if size != args.tasks:
			log(f"parking all but {size:,} tasks")
			park_after(size)
		elif k:
			log("restoring all tasks")
			unpark(args.tasks)
		log(f"idle: {size:,} open tasks")
		measured = measure_idle(size, clock, args.samples)
		if size in by_size:  # the second 100,000 pass: pool the samples
			for old, new in zip(by_size[size], measured, strict=True):
				old.samples += new.samples
		else:
			by_size[size] = measured
	keyed: dict[str, Line] = {}
	for size, measured in by_size.items():
		for key, line in zip(("select", "sweep", "scan"), measured, strict=True):
			keyed[f"{key}-{size}"] = line
		lines += measured

	# ---- due
	names += due_names(args.tasks, args.due)
	make_due(names, clock, assigned)
	check_plan(names, clock)
	sel = Line(
		"due", "bare indexed SELECT (sweep's SQL)", args.tasks, len(names), base=f"select-{args.tasks}"
	)
	sel.samples = sample(lambda: frappe.db.sql_list(SWEEP_SQL, (clock, LIMIT)), args.samples, warm=3)
	sel.rows = rows_read(lambda: frappe.db.sql_list(SWEEP_SQL, (clock, LIMIT)))
	sel.note = plan_line(explain(SWEEP_SQL, (clock, LIMIT)))
	from legist_routing.services import escalations

	def sweep_enqueue():
		escalations.sweep(now=clock, enqueue=True, batch=args.batch or None)
		frappe.db.rollback()  # drops the after-commit enqueues: nothing reaches the queue

	enq = Line("due", "sweep(now=T, enqueue=True), rolled back", args.tasks, len(names))
	enq.base = f"select-{args.tasks}"
	enq.samples = sample(sweep_enqueue, max(5, args.samples // 5), warm=3)
	enq.note = f"select + {job_count(names, args.batch)} after-commit enqueues registered"
	lines += [sel, enq]

	tmp = Path(tempfile.mkdtemp(prefix="bench-escalation-"))
	wanted = [s for s in SCENARIOS if s in args.scenarios.split(",")]
	if set(RQ_WORKERS) & set(wanted):
		# Not measured: one job of 50 through one worker, so the children's bytecode cache is warm.
		log("warm-up: one RQ job of 50")
		restore_idle(names)
		run_due(args, "rq1", names[:WARMUP_TASKS], clock, assigned, tmp)
		startup = worker_startup(args, tmp)
	else:
		startup = None
	runs: dict[str, list[tuple[float, dict]]] = {s: [] for s in wanted}
	for r in range(args.rounds):
		for scenario in wanted:
			log(f"due round {r + 1}/{args.rounds}: {scenario}")
			seconds, extra = run_due(args, scenario, names, clock, assigned, tmp)
			log(f"  {seconds:.2f} s; {extra['check']}")
			runs[scenario].append((seconds, extra))
	due_lines: dict[str, Line] = {}
	for scenario, results in runs.items():
		label = LABELS[scenario].format(
			jobs=job_count(names, args.batch), batch=args.batch or escalations.batch_size(len(names))
		)
		line = Line("due", label, args.tasks, len(names), samples=[s for s, _ in results])
		line.note = detail(scenario, [e for _, e in results])
		if scenario in RQ_WORKERS:
			enqueue = median(e["enqueue_s"] for _, e in results)
			line.note = f"enqueue + commit {ms(enqueue):.1f} ms; " + line.note
		due_lines[scenario] = line
	if args.profile:
		profile_process(names[: args.profile], clock, assigned)
	restore_idle(names)

	rq1 = due_lines["rq1"].median if "rq1" in due_lines else None
	report = "\n\n".join(
		[
			"# Escalation sweep benchmark (benchmarks/bench_escalation_sweep.py)",
			"Idle: nothing due. Median and p90 of single calls; the ratio is to the bare SELECT "
			"at the same number of open tasks.",
			idle_table([ln for ln in lines if ln.group == "idle"], keyed),
			f"Due: {len(names):,} of {args.tasks:,} open tasks due for the 'remind' stage.",
			idle_table([ln for ln in lines if ln.group == "due"], keyed),
			due_table(list(due_lines.values()), rq1),
			aims(keyed, args.tasks, args.small if args.small in by_size else None, due_lines),
			context(args, clock, assigned, insert_s, startup),
		]
	)
	publish("escalation_sweep.md", report, started)


if __name__ == "__main__":
	main()
