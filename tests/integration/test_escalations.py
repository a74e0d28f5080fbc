"""Escalations on the real site, with time travel: the engine and the sweep take ``now`` as an argument.

Tests that need several processes (concurrent sweeps, a worker that dies, the RQ worker) commit their
data; every test works on its own case, so nothing leaks between them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import frappe
import pytest
from frappe.utils import get_datetime
from helpers import add_rule, drain_queue_until, make_case, make_notice, tasks_of

from legist_routing.services import apply, escalations

RULE = {
	"ruleName": "RFE_Ladder",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE"},
	"actions": [{"assign": "case.primaryParalegal", "task": "RFE Intake", "dueInDays": 3}],
}
BENCH = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))


@pytest.fixture(autouse=True)
def no_committed_rules_left():
	"""Tests that commit (several processes) must not leave their rule behind for other tests."""
	yield
	frappe.db.rollback()
	if frappe.db.exists("Routing Rule", RULE["ruleName"]):
		frappe.delete_doc("Routing Rule", RULE["ruleName"], force=True)
		frappe.db.commit()


def W(*args) -> dt.datetime:
	return dt.datetime(*args)


def intake_task(people, assigned_at: dt.datetime, deadline: dt.datetime | None = None, rule=RULE):
	"""An RFE intake task assigned at ``assigned_at`` (site time) under the default (guide) policy."""
	if not frappe.db.exists("Routing Rule", rule["ruleName"]):
		add_rule(rule)
	case = make_case(people, case_title=f"Ladder {frappe.generate_hash(length=6)}")
	make_notice(case)
	(task,) = [t for t in tasks_of(case) if t.title == "RFE Intake"]
	values = {"assigned_at": assigned_at}
	if deadline:
		values["hard_deadline"] = deadline
		values["due"] = deadline - dt.timedelta(days=7)
	frappe.db.set_value("Case Task", task.name, values, update_modified=False)
	doc = frappe.get_doc("Case Task", task.name)
	apply.rearm(doc)
	return doc


def ledger(task) -> list:
	return frappe.get_all(
		"Escalation Event",
		filters={"task": task.name},
		fields=["stage", "action", "recipients", "detail", "collapsed"],
		order_by="creation asc",
	)


def sweep(now):
	return escalations.sweep(now=now, enqueue=False)


def test_guide_ladder_remind_reassign_escalate(people):
	# Monday 7 Dec 2026, 10:00 New York. X=4 business hours -> 14:00; Y=24 -> Thursday 10:00.
	task = intake_task(people, W(2026, 12, 7, 10), deadline=W(2026, 12, 21, 17))
	assert get_datetime(task.next_escalation_at) == W(2026, 12, 7, 14)

	sweep(W(2026, 12, 7, 13, 59))
	assert ledger(task) == []
	sweep(W(2026, 12, 7, 14, 1))
	(remind,) = ledger(task)
	assert (remind.stage, remind.recipients) == ("remind", people["paralegal"])
	assert frappe.db.exists(
		"Notification Log",
		{"for_user": people["paralegal"], "document_name": task.name, "subject": ["like", "Reminder%"]},
	)

	sweep(W(2026, 12, 10, 9, 59))
	assert len(ledger(task)) == 1
	sweep(W(2026, 12, 10, 10, 1))
	task.reload()
	assert task.assigned_to == people["paralegal2"]
	assert task.reassignment_count == 1
	assert frappe.db.exists(
		"ToDo", {"reference_name": task.name, "allocated_to": people["paralegal2"], "status": "Open"}
	)
	assert not frappe.db.exists(
		"ToDo", {"reference_name": task.name, "allocated_to": people["paralegal"], "status": "Open"}
	)
	# The new owner's acknowledgement clock restarted: a reminder for them 4 business hours later.
	assert get_datetime(task.next_escalation_at) == W(2026, 12, 10, 14, 1)
	frappe.get_doc("Case Task", task.name).run_method("reload")
	from legist_routing import api

	frappe.set_user(people["paralegal2"])
	api.acknowledge_task(task.name)
	frappe.set_user("Administrator")

	# Z = 72 hours before the 21 Dec deadline: 18 Dec 17:00, still not completed.
	sweep(W(2026, 12, 18, 16, 59))
	assert [e.stage for e in ledger(task)] == ["remind", "reassign"]
	sweep(W(2026, 12, 18, 17, 1))
	escalate = ledger(task)[-1]
	assert escalate.stage == "escalate"
	assert set(escalate.recipients.split(", ")) == {people["manager"], people["attorney"]}
	assert "RFE Intake" in escalate.detail
	task.reload()
	assert task.escalation_level == 1
	# Everything visible: the timeline and the Routing Log.
	comments = frappe.get_all(
		"Comment", filters={"reference_name": task.name, "comment_type": "Info"}, pluck="content"
	)
	assert any("reassigned to" in c for c in comments)
	logs = frappe.get_all(
		"Routing Log", filters={"reference_name": task.name, "event": ["like", "escalation.%"]}, pluck="event"
	)
	assert sorted(logs) == ["escalation.escalate", "escalation.reassign", "escalation.remind"]
	# Nothing more, however often the sweep runs.
	for _ in range(3):
		sweep(W(2026, 12, 22, 9))
	assert len(ledger(task)) == 3


def test_acknowledgement_stops_the_ladder(people):
	from legist_routing import api

	task = intake_task(people, W(2026, 12, 7, 10), deadline=W(2026, 12, 21, 17))
	frappe.set_user(people["paralegal"])
	api.acknowledge_task(task.name)
	frappe.set_user("Administrator")
	task.reload()
	# Only the "not completed" stage is left: 72 hours before the deadline.
	assert get_datetime(task.next_escalation_at) == W(2026, 12, 18, 17)
	sweep(W(2026, 12, 10, 12))
	assert ledger(task) == []
	task.status = "Completed"
	task.save()
	assert task.next_escalation_at is None
	sweep(W(2026, 12, 19, 12))
	assert ledger(task) == []


def test_holiday_and_weekend_inside_the_sla(people):
	# Wednesday before Thanksgiving 2026, 15:00: 2 hours that day, Thursday closed (federal holiday),
	# Friday 09:00-11:00 makes X=4. Y=24 runs over the weekend into the next week.
	task = intake_task(people, W(2026, 11, 25, 15))
	assert get_datetime(task.next_escalation_at) == W(2026, 11, 27, 11)
	sweep(W(2026, 11, 26, 16))
	assert ledger(task) == []
	sweep(W(2026, 11, 27, 11, 1))
	assert [e.stage for e in ledger(task)] == ["remind"]
	task.reload()
	# 2 (Wed) + 8 (Fri) + 8 (Mon) + 6 (Tue 09-15) = 24.
	assert get_datetime(task.next_escalation_at) == W(2026, 12, 1, 15)


def test_daylight_saving_change(people):
	# Calendar-hour stage across the end of DST (1 Nov 2026, New York): 24 real hours after Saturday
	# 12:00 is Sunday 11:00 on the wall clock. The business-hour stage is unaffected by the change.
	policy = frappe.get_doc(
		{
			"doctype": "Escalation Policy",
			"policy_name": f"DST check {frappe.generate_hash(length=6)}",
			"stages": [
				{
					"stage_key": "wall",
					"watch": "Not Acknowledged",
					"anchor": "After Assignment",
					"hours": 24,
					"clock": "Calendar Hours",
					"action": "Remind Assignee",
				},
				{
					"stage_key": "biz",
					"watch": "Not Acknowledged",
					"anchor": "After Assignment",
					"hours": 4,
					"clock": "Business Hours",
					"action": "Remind Assignee",
				},
			],
		}
	).insert()
	task = intake_task(people, W(2026, 10, 31, 12))
	task.escalation_policy = policy.name
	task.save()
	assert get_datetime(task.next_escalation_at) == W(2026, 11, 1, 11)
	sweep(W(2026, 11, 1, 11, 1))
	assert [e.stage for e in ledger(task)] == ["wall"]
	task.reload()
	assert get_datetime(task.next_escalation_at) == W(2026, 11, 2, 13)


def test_buffer_on_a_holiday_moves_earlier(people):
	"""A working deadline of Fri 1 Jan 2027 (a holiday): the legal limit rolls to Monday 4 Jan, but the
	attorney's 7-day review buffer counts from 1 Jan, lands on Christmas Day, and moves to Thursday 24 Dec."""
	add_rule(
		{
			"ruleName": "Review_With_Buffer",
			"trigger": "document.received",
			"conditions": {"document.type": "RFE"},
			"actions": [
				{"createTask": "Attorney Review: RFE Response", "templateId": "rfe_attorney_review_template"}
			],
		}
	)
	case = make_case(people)
	notice = make_notice(case, notice_date="2026-12-01", response_due_date="2027-01-01")
	notice.reload()
	assert str(notice.legal_deadline) == "2027-01-04"
	(draft,) = [t for t in tasks_of(case) if t.title == "Attorney Review: RFE Response"]
	assert get_datetime(draft.due) == W(2026, 12, 24, 17)
	assert get_datetime(draft.due) < get_datetime(notice.response_due_date)


def test_computed_deadline_cites_its_rule(people):
	case = make_case(people)
	notice = make_notice(case, notice_date="2026-12-01", response_due_date=None, mailed=1)
	notice.reload()
	# 84 days + 3 mailed = 26 Feb 2027 (a Friday).
	assert str(notice.response_due_date) == "2027-02-26"
	assert "84" in notice.deadline_basis and "103.8(b)" in notice.deadline_basis


def test_deadline_approaching_fires_once_per_threshold(people, jobs_inline):
	from legist_routing.services import deadlines

	add_rule(
		{
			"ruleName": "Deadline_Week",
			"trigger": "deadline.approaching",
			"conditions": {"deadline.threshold": 7},
			"actions": [{"notify": "case.leadAttorney", "method": "inApp"}],
		}
	)
	case = make_case(people)
	notice = make_notice(case, notice_date="2026-12-01", response_due_date="2027-01-15")
	assert deadlines.sweep(today="2026-12-30") == []
	fired = deadlines.sweep(today="2027-01-08")
	assert fired == [f"deadline.approaching:{notice.name}:2027-01-15:7"]
	assert deadlines.sweep(today="2027-01-08") == []
	assert deadlines.sweep(today="2027-01-09") == []
	# After an outage the most urgent threshold fires and the passed one is recorded, not fired.
	fired = deadlines.sweep(today="2027-01-14")
	assert fired == [f"deadline.approaching:{notice.name}:2027-01-15:1"]
	notes = frappe.get_all(
		"Notification Log",
		filters={"for_user": people["attorney"], "subject": ["like", "Deadline approaching%"]},
	)
	assert len(notes) == 1


# ------------------------------------------------------------------------------ several processes
def _run_python(code: str, wait: bool = True):
	script = textwrap.dedent(
		f"""
		import os, sys, datetime as dt
		sys.path.insert(0, {os.path.dirname(__file__)!r})
		os.chdir({BENCH + "/sites"!r})
		import frappe
		frappe.init(site={frappe.local.site!r}, sites_path=".")
		frappe.connect()
		frappe.set_user("Administrator")
		from legist_routing.services import escalations
		"""
	) + textwrap.dedent(code)
	proc = subprocess.Popen(
		[sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
	)
	if wait:
		out, err = proc.communicate(timeout=180)
		assert proc.returncode == 0, err
		return out
	return proc


def _committed_task(people, assigned_at):
	task = intake_task(people, assigned_at, deadline=W(2026, 12, 21, 17))
	frappe.db.commit()
	return task


def test_two_concurrent_sweeps_do_each_step_once(people):
	tasks = [_committed_task(people, W(2026, 12, 7, 10)) for _ in range(6)]
	names = [t.name for t in tasks]
	code = f"""
	now = dt.datetime(2026, 12, 10, 10, 30)
	print(escalations.process({names!r}, now))
	"""
	procs = [_run_python(code, wait=False) for _ in range(2)]
	for p in procs:
		_out, err = p.communicate(timeout=180)
		assert p.returncode == 0, err
	frappe.db.rollback()
	for task in tasks:
		stages = [e.stage for e in ledger(task)]
		assert stages == ["remind", "reassign"], stages
		assert frappe.db.count("ToDo", {"reference_name": task.name, "status": "Open"}) == 1


def test_a_worker_killed_half_way_leaves_nothing_and_the_rerun_does_it_once(people):
	task = _committed_task(people, W(2026, 12, 7, 10))
	# The worker runs the steps, then dies before its commit.
	code = f"""
	escalations.process_task({task.name!r}, dt.datetime(2026, 12, 10, 10, 30))
	assert frappe.db.count("Escalation Event", {{"task": {task.name!r}}}) == 2
	os._exit(9)
	"""
	proc = _run_python(code, wait=False)
	proc.communicate(timeout=180)
	assert proc.returncode == 9
	frappe.db.rollback()
	assert ledger(task) == []
	sweep(W(2026, 12, 10, 10, 30))
	assert [e.stage for e in ledger(task)] == ["remind", "reassign"]


def test_outage_catch_up_collapses_reminders(people):
	policy = frappe.get_doc(
		{
			"doctype": "Escalation Policy",
			"policy_name": f"Nagging {frappe.generate_hash(length=6)}",
			"stages": [
				{
					"stage_key": f"remind{h}",
					"watch": "Not Acknowledged",
					"anchor": "After Assignment",
					"hours": h,
					"action": "Remind Assignee",
					"channels": "In-App",
				}
				for h in (1, 2, 3)
			]
			+ [
				{
					"stage_key": "move",
					"watch": "Not Acknowledged",
					"anchor": "After Assignment",
					"hours": 6,
					"action": "Reassign",
					"target": "case.secondaryOwner",
				}
			],
		}
	).insert()
	task = intake_task(people, W(2026, 12, 7, 9))
	task.escalation_policy = policy.name
	task.save()
	# The scheduler was down for a day: everything is overdue at once.
	sweep(W(2026, 12, 8, 12))
	events = ledger(task)
	(last_reminder,) = [e for e in events if e.collapsed]
	assert (last_reminder.stage, last_reminder.collapsed) == ("remind3", "remind1, remind2")
	reminders = frappe.get_all(
		"Notification Log",
		filters={
			"for_user": people["paralegal"],
			"document_name": task.name,
			"subject": ["like", "Reminder%"],
		},
	)
	assert len(reminders) == 1
	assert {e.stage for e in events} == {"remind1", "remind2", "remind3", "move"}
	sweep(W(2026, 12, 8, 12, 5))
	assert len(ledger(task)) == 4


def test_the_sweep_runs_on_the_rq_queue(people):
	task = _committed_task(people, W(2026, 12, 7, 10))
	escalations.sweep(now=W(2026, 12, 7, 14, 30), enqueue=True)
	frappe.db.commit()
	output = drain_queue_until(lambda: ledger(task))
	assert [e.stage for e in ledger(task)] == ["remind"], output


def test_the_idle_sweep_is_an_index_seek():
	plan = frappe.db.sql("explain " + escalations.DUE_SQL, (frappe.utils.now_datetime(), 5000), as_dict=True)
	assert plan[0]["key"] in ("next_escalation_at", "next_escalation_at_index"), json.dumps(plan, default=str)


def test_a_quiet_site_still_runs_the_minute_job():
	from frappe.utils.scheduler import schedule_jobs_based_on_activity

	dev = frappe.conf.developer_mode
	frappe.conf.developer_mode = 0
	try:
		# No user activity for a month: Frappe would call the site dormant after 4 days.
		check = frappe.utils.add_days(frappe.utils.now_datetime(), 30)
		assert schedule_jobs_based_on_activity(check_time=check)
	finally:
		frappe.conf.developer_mode = dev


def test_no_ping_pong_after_a_reassignment(people):
	task = intake_task(people, W(2026, 12, 7, 10), deadline=W(2027, 1, 29, 17))
	sweep(W(2026, 12, 10, 10, 1))
	task.reload()
	assert task.assigned_to == people["paralegal2"]
	# The new owner does not acknowledge either: 24 business hours later a manager is told; the task stays.
	sweep(W(2026, 12, 15, 10, 5))
	task.reload()
	assert task.assigned_to == people["paralegal2"]
	assert task.reassignment_count == 1
	last = ledger(task)[-1]
	assert last.stage == "reassign"
	assert last.recipients == people["manager"]
	assert frappe.db.exists(
		"Notification Log",
		{"for_user": people["manager"], "document_name": task.name, "subject": ["like", "Escalation%"]},
	)


def test_reminder_emails_are_one_per_person_per_batch(people):
	tasks = [intake_task(people, W(2026, 12, 7, 10)) for _ in range(3)]
	before = frappe.db.count("Email Queue")
	sweep(W(2026, 12, 7, 14, 30))
	for task in tasks:
		assert [e.stage for e in ledger(task)] == ["remind"]
	# Three reminders for the same paralegal: one e-mail listing all three, and nothing left pending.
	queued = frappe.get_all(
		"Email Queue",
		filters={"creation": [">=", frappe.utils.now_datetime() - dt.timedelta(minutes=5)]},
		fields=["name", "message"],
		order_by="creation desc",
		limit=max(1, frappe.db.count("Email Queue") - before),
	)
	digests = [q for q in queued if "3 tasks need your attention" in (q.message or "")]
	assert len(digests) == 1
	assert not frappe.db.exists(
		"Escalation Event", {"task": ["in", [t.name for t in tasks]], "email_pending": 1}
	)


# ------------------------------------------------------------------------------ a group of tasks
def _reminded(task) -> dict:
	"""What a reminder left for ``task``: ledger rows, timeline comments, Routing Logs, bell alerts."""
	return {
		"ledger": [e.stage for e in ledger(task)],
		"comments": frappe.db.count(
			"Comment", {"reference_name": task.name, "comment_type": "Info", "content": ["like", "%remind%"]}
		),
		"logs": frappe.db.count("Routing Log", {"reference_name": task.name, "event": "escalation.remind"}),
		"alerts": frappe.db.count(
			"Notification Log", {"document_name": task.name, "subject": ["like", "Reminder%"]}
		),
	}


DONE_ONCE = {"ledger": ["remind"], "comments": 1, "logs": 1, "alerts": 1}
NOTHING = {"ledger": [], "comments": 0, "logs": 0, "alerts": 0}


def test_a_failing_task_leaves_the_others_of_its_group_done(people):
	"""The steps of a batch share a transaction; a task that fails is left out, the others' steps stand."""
	tasks = [intake_task(people, W(2026, 12, 7, 10)) for _ in range(3)]
	# A policy the task names but the site no longer has: this task cannot be planned.
	frappe.db.sql(
		"update `tabCase Task` set escalation_policy = 'Gone Policy' where name = %s", tasks[1].name
	)
	sweep(W(2026, 12, 7, 14, 30))
	assert [_reminded(t) for t in tasks] == [DONE_ONCE, NOTHING, DONE_ONCE]
	assert frappe.db.exists("Error Log", {"method": f"Escalation failed for {tasks[1].name}"})


def test_a_refused_ledger_key_runs_the_group_again_task_by_task(people):
	"""When the group's own writes fail (here the ledger's unique key refuses one step), nothing of the
	group stands; its tasks run again one by one, and only the refused one is left undone."""
	tasks = [intake_task(people, W(2026, 12, 7, 10)) for _ in range(3)]
	now = W(2026, 12, 7, 14, 30)
	frappe.db.savepoint("probe")
	sweep(now)
	(key,) = frappe.get_all("Escalation Event", filters={"task": tasks[1].name}, pluck="ledger_key")
	frappe.db.rollback(save_point="probe")
	assert [_reminded(t) for t in tasks] == [NOTHING] * 3
	# The step's key is taken already (by a row the task's own ledger does not show).
	frappe.get_doc(
		{"doctype": "Escalation Event", "task": "ghost", "stage": "remind", "version": "x", "ledger_key": key}
	).db_insert()
	sweep(now)
	assert [_reminded(t) for t in tasks] == [DONE_ONCE, NOTHING, DONE_ONCE]
	assert frappe.db.exists("Error Log", {"method": f"Escalation failed for {tasks[1].name}"})
	# A later sweep does the others' steps no second time.
	sweep(now)
	assert [_reminded(t) for t in tasks] == [DONE_ONCE, NOTHING, DONE_ONCE]
