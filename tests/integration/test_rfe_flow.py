"""The practice guide's sample rule, imported as printed and fired by a real RFE notice."""

from __future__ import annotations

import datetime as dt
import json

import frappe
from frappe.utils import get_datetime, getdate, now_datetime
from helpers import (
	SAMPLE_RULE,
	add_rule,
	days_before,
	drain_queue_until,
	guide_rule_text,
	log_of,
	make_case,
	make_notice,
	tasks_of,
)

from legist_routing.services import events, rules


def test_guide_rule_imports_as_printed_and_exports_back():
	text = guide_rule_text()
	names = rules.import_rules(text)
	assert names == ["RFE_Adjustment_Assign"]
	assert rules.export_rules(names) == [json.loads(text)]


def test_aos_case_receiving_rfe_is_routed(people, jobs_inline):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	before = now_datetime()
	notice = make_notice(case, due_in_days=84)

	tasks = {t.title: t for t in tasks_of(case)}
	intake = tasks["RFE Intake"]
	assert intake.assigned_to == people["paralegal"]
	assert abs(get_datetime(intake.due) - (before + dt.timedelta(days=3))) < dt.timedelta(minutes=1)
	assert frappe.db.exists(
		"ToDo",
		{
			"reference_type": "Case Task",
			"reference_name": intake.name,
			"allocated_to": people["paralegal"],
			"status": "Open",
		},
	)

	draft = tasks["Draft RFE Response"]
	assert draft.template == "Draft RFE Response"
	assert draft.assigned_to == people["paralegal"]
	# 10 days before the USCIS date (the template's buffer; the attorney's review is 7), at the due hour.
	assert get_datetime(draft.due) == days_before(84, 10)
	assert get_datetime(draft.hard_deadline).date() == getdate(notice.response_due_date)
	checklist = frappe.get_all("Case Task Checklist Item", filters={"parent": draft.name}, pluck="item")
	assert "Identify and list requested evidence items." in checklist

	# The lead attorney is told in-app, and must respond within 2 hours (a tracked due time).
	review = next(t for t in tasks.values() if t.kind == "Notification")
	assert review.assigned_to == people["attorney"]
	assert abs(get_datetime(review.ack_due) - (before + dt.timedelta(hours=2))) < dt.timedelta(minutes=1)
	assert frappe.db.exists(
		"Notification Log",
		{"for_user": people["attorney"], "document_type": "Case Task", "document_name": review.name},
	)
	# The escalation block travels with the tasks (its stages are another issue's work).
	assert (
		json.loads(frappe.db.get_value("Case Task", intake.name, "escalation")) == SAMPLE_RULE["escalation"]
	)

	log = log_of(notice.name)
	assert log.status == "Applied"
	assert log.rules_matched == 1
	assert "RFE_Adjustment_Assign: matched" in log.summary


def test_h1b_case_gets_nothing_and_the_log_says_why(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people, "H-1B")
	notice = make_notice(case)
	assert tasks_of(case) == []
	log = log_of(notice.name)
	assert log.status == "No Match"
	assert "case.type is 'H-1B', rule needs equals 'Adjustment of Status'" in log.summary
	trace = json.loads(log.trace)
	failed = trace["rules"][0]["failed"]
	assert failed == [
		{"fact": "case.type", "op": "equals", "actual": "H-1B", "value": "Adjustment of Status"}
	]


def test_duplicate_delivery_creates_nothing_twice(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	notice = make_notice(case)
	first = tasks_of(case)
	assert len(first) == 3
	# The same event delivered again (a retried hook)...
	events.on_notice_insert(notice)
	# ...and the same USCIS notice recorded a second time.
	twin = make_notice(case)
	assert len(tasks_of(case)) == 3
	# exactly one open ToDo per assigned task of this case (a notification's review task has none):
	# nothing was assigned twice
	open_todos = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Case Task",
			"reference_name": ["in", [t.name for t in first]],
			"status": "Open",
		},
		pluck="reference_name",
	)
	assert sorted(open_todos) == sorted(t.name for t in first if t.kind != "Notification")
	assert len(open_todos) == 2
	assert frappe.db.get_value("Routing Log", {"reference_name": notice.name}, "deliveries") == 3
	assert log_of(twin.name) is None


def test_a_rule_that_raises_never_blocks_the_save(people, monkeypatch):
	broken = {
		"ruleName": "Broken",
		"trigger": "document.received",
		"conditions": {"document.type": "RFE"},
		"actions": [
			{"assign": "case.primaryParalegal", "dueInDays": 1},
			{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
		],
	}
	# A valid rule whose second action fails while being applied (a bug, a lost connection): the first
	# action's task is written, then the second raises.
	from legist_routing.services import apply

	real, calls = apply.create_task, []

	def failing_second(*args, **kw):
		calls.append(1)
		if len(calls) == 2:
			raise RuntimeError("applying the second action failed")
		return real(*args, **kw)

	monkeypatch.setattr(apply, "create_task", failing_second)
	add_rule(broken)
	case = make_case(people)
	notice = make_notice(case)  # must not raise
	assert frappe.db.exists("Case Notice", notice.name)
	# Nothing half-done: the first action's task was rolled back with the second's failure.
	assert tasks_of(case) == []
	log = log_of(notice.name)
	assert log.status == "Error"
	assert "Traceback" in log.error and "applying the second action failed" in log.error
	assert len(calls) == 2
	assert frappe.db.exists(
		"Error Log", {"method": ["like", f"Routing failed: document.received {notice.name}%"]}
	)


def test_status_change_trigger_with_from_and_to(people):
	add_rule(
		{
			"ruleName": "Ready_To_File",
			"trigger": "case.status_changed",
			"conditions": {"case.status": {"changed": {"from": "In Preparation", "to": "Ready to File"}}},
			"actions": [{"createTask": "Assemble Filing Package", "templateId": "filing_package_template"}],
		}
	)
	case = make_case(people, status="In Preparation")
	case.status = "Filed"
	case.save()
	assert tasks_of(case) == []
	case.status = "In Preparation"
	case.save()
	case.status = "Ready to File"
	case.save()
	titles = [t.title for t in tasks_of(case)]
	assert titles == ["Assemble Filing Package"]


def test_case_created_trigger_and_named_user(people):
	add_rule(
		{
			"ruleName": "Urgent_Intake",
			"trigger": "case.created",
			"conditions": {"any": [{"case.priority": "urgent"}, {"case.priority": "high"}]},
			"actions": [{"assign": people["manager"], "task": "Triage urgent case", "dueInHours": 4}],
		}
	)
	calm = make_case(people)
	urgent = make_case(people, priority="Urgent")
	assert tasks_of(calm) == []
	(task,) = tasks_of(urgent)
	assert (task.title, task.assigned_to) == ("Triage urgent case", people["manager"])


def test_empty_slot_falls_back_to_the_secondary_owner(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people, primary_paralegal=None)
	notice = make_notice(case)
	intake = next(t for t in tasks_of(case) if t.title == "RFE Intake")
	assert intake.assigned_to == people["paralegal2"]
	log = log_of(notice.name)
	assert log.status == "Applied"
	assert people["paralegal2"] in log.summary


def test_nobody_in_the_chain_is_reported_not_guessed(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people, primary_paralegal=None, secondary_owner=None)
	notice = make_notice(case)
	log = log_of(notice.name)
	assert log.status == "Partly Applied"
	assert "case.primary_paralegal is not set on this case" in log.summary
	assert all(t.assigned_to is None or t.kind == "Notification" for t in tasks_of(case))


def test_alert_is_delivered_by_a_worker(people):
	"""The real path: the in-app alert is queued when the event commits and a worker writes it."""
	rule = dict(SAMPLE_RULE, ruleName="Worker_Alert")
	add_rule(rule)
	case = make_case(people, case_title="Worker alert case")
	make_notice(case)
	review = next(t for t in tasks_of(case) if t.kind == "Notification")
	frappe.db.commit()
	alert = {"for_user": people["attorney"], "document_name": review.name}
	try:
		output = drain_queue_until(lambda: frappe.db.exists("Notification Log", alert))
		assert frappe.db.exists("Notification Log", alert), output
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Routing Rule", "Worker_Alert", force=True)
		frappe.db.commit()
