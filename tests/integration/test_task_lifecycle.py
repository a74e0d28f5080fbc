"""Paused clocks, the case lifecycle and case slots, on the real site with time travel (freezegun, in the
site's time zone): a pause over a weekend counted in business time, the ladder rescheduled from what was
left, the legal deadline unmoved; a closed case closing its tasks; a new paralegal taking over the work.
"""

from __future__ import annotations

import datetime as dt

import frappe
import pytest
from frappe.utils import get_datetime
from helpers import at, make_case

from legist_routing.services import escalations

FRIDAY = dt.datetime(2027, 3, 5)  # no holiday near it
MONDAY = FRIDAY + dt.timedelta(days=3)


def work_task(case, user, assigned_at, **kw):
	"""A routed-looking task: assigned at ``assigned_at`` through the case's primary paralegal slot."""
	from legist_routing.services import apply

	with at(assigned_at):
		task = frappe.get_doc(
			{
				"doctype": "Case Task",
				"title": "Collect evidence",
				"case": case.name,
				"kind": "Work",
				"priority": "Standard",
				"ack_due": assigned_at + dt.timedelta(hours=4),
				"due": kw.pop("due", assigned_at + dt.timedelta(days=4)),
				"hard_deadline": kw.pop("hard_deadline", assigned_at + dt.timedelta(days=30)),
				"escalation_policy": "Guide X/Y/Z",
				**kw,
			}
		).insert()
		apply.assign(task, user, via="case.primary_paralegal")
	task.reload()
	return task


def save_at(task, moment, **values):
	with at(moment):
		task.reload()
		task.update(values)
		task.save()
	task.reload()
	return task


def test_waiting_on_the_client_over_a_weekend_stops_the_clocks_in_business_time(people):
	case = make_case(people)
	task = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	assert get_datetime(task.next_escalation_at) == FRIDAY.replace(
		hour=14
	)  # X = 4 business hours unacknowledged: the reminder
	due, deadline, ack_due = (
		get_datetime(task.due),
		get_datetime(task.hard_deadline),
		get_datetime(task.ack_due),
	)

	# Friday 13:00 the paralegal asks the client for a document: 1 of the 4 hours was left.
	task = save_at(task, FRIDAY.replace(hour=13), status="Waiting on Client")
	assert get_datetime(task.paused_at) == FRIDAY.replace(hour=13)
	# Only the deadline's stage (Z = 72 h before it) stays armed while the task waits.
	assert get_datetime(task.next_escalation_at) == deadline - dt.timedelta(hours=72)
	with at(FRIDAY.replace(hour=16)):
		assert task.name not in escalations.sweep(enqueue=False)

	# Monday 11:00 the document arrives: the pause lasted 4 business hours (Fri 13-17) + 2 (Mon 9-11).
	task = save_at(task, MONDAY.replace(hour=11), status="In Progress")
	assert task.paused_at is None
	assert task.paused_hours == 6.0
	assert get_datetime(task.due) == due + dt.timedelta(hours=6)  # Tuesday 10:00 + 6 business hours
	assert get_datetime(task.hard_deadline) == deadline  # the legal deadline never pauses
	# Asking the client acknowledged the task: its acknowledgement clock is done and does not move.
	assert get_datetime(task.acknowledged_at) == FRIDAY.replace(hour=13)
	assert get_datetime(task.ack_due) == ack_due == FRIDAY.replace(hour=14)
	assert frappe.db.exists(
		"Comment", {"reference_name": task.name, "content": ["like", "%6 business hours waiting%"]}
	)


def test_an_unacknowledged_task_resumes_its_reminder_from_the_time_left(people):
	case = make_case(people)
	task = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	# The manager parks it (waiting on a third party) before the paralegal has seen it.
	frappe.db.set_value("Case Task", task.name, "acknowledged_at", None)
	task = save_at(task, FRIDAY.replace(hour=13), status="Waiting on Third Party", acknowledged_at=None)
	frappe.db.set_value("Case Task", task.name, {"acknowledged_at": None, "acknowledged_by": None})
	task = save_at(task, MONDAY.replace(hour=11), status="Open")
	assert task.paused_hours == 6.0
	assert not task.acknowledged_at
	# The acknowledgement was due Friday 14:00, one business hour after the pause began: now Monday 12:00.
	assert get_datetime(task.ack_due) == MONDAY.replace(hour=12)
	assert get_datetime(task.next_escalation_at) == MONDAY.replace(hour=12)


def test_a_closed_case_closes_its_open_tasks_and_stops_their_escalations(people):
	case = make_case(people)
	open_one = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	done = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	save_at(done, FRIDAY.replace(hour=11), status="Completed")
	case.reload()
	case.status = "Withdrawn"
	case.save()
	open_one.reload()
	assert (open_one.status, open_one.next_escalation_at) == ("Cancelled", None)
	assert frappe.db.get_value("Case Task", done.name, "status") == "Completed"
	assert not frappe.db.exists(
		"ToDo", {"reference_type": "Case Task", "reference_name": open_one.name, "status": "Open"}
	)
	assert frappe.db.exists(
		"Comment", {"reference_name": open_one.name, "content": ["like", "%is Withdrawn%"]}
	)
	log = frappe.get_all("Routing Log", filters={"case": case.name, "event": "case.closed"}, pluck="trace")
	assert len(log) == 1 and open_one.name in log[0] and done.name not in log[0]


def test_a_new_primary_paralegal_takes_over_the_tasks_assigned_through_the_slot(people):
	case = make_case(people)
	through_slot = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	by_hand = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	frappe.db.set_value("Case Task", by_hand.name, "assigned_via", None)
	case.reload()
	case.primary_paralegal = people["paralegal2"]
	case.save()
	through_slot.reload()
	assert (through_slot.assigned_to, through_slot.reassignment_count) == (people["paralegal2"], 1)
	assert through_slot.assigned_via == "case.primary_paralegal"
	assert frappe.db.get_value("Case Task", by_hand.name, "assigned_to") == people["paralegal"]
	moved = frappe.get_all(
		"Routing Log",
		filters={"reference_name": through_slot.name, "event": "task.reassigned"},
		pluck="trace",
	)
	assert len(moved) == 1 and "Case Slot Changed" in moved[0]


@pytest.mark.parametrize("status", ["Approved", "Denied", "Closed"])
def test_every_closing_status_closes_the_work(people, status):
	case = make_case(people)
	task = work_task(case, people["paralegal"], FRIDAY.replace(hour=10))
	case.reload()
	case.status = status
	case.save()
	assert frappe.db.get_value("Case Task", task.name, "status") == "Cancelled"
