"""Builders shared by the integration tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import frappe
from frappe.utils import add_days, nowdate

SAMPLE_RULE = {
	"ruleName": "RFE_Adjustment_Assign",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE", "case.type": "Adjustment of Status", "case.priority": "standard"},
	"actions": [
		{"assign": "case.primaryParalegal", "dueInDays": 3},
		{"notify": "case.leadAttorney", "method": "inApp", "notifyWithinHours": 2},
		{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
	],
	"escalation": {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"},
}


# The guide's RFE recipe, next step: a draft marked ready goes to attorney review.
DRAFT_READY_RULE = {
	"ruleName": "Draft_Ready_Review",
	"trigger": "task.status_changed",
	"conditions": {"task.title": "Draft RFE Response", "task.status": {"changed": {"to": "Draft Ready"}}},
	"actions": [
		{"createTask": "Attorney Review: RFE Response", "templateId": "rfe_attorney_review_template"}
	],
}


def draft_task(case):
	"""The case's "Draft RFE Response" task, as a document."""
	return frappe.get_doc(
		"Case Task", next(t.name for t in tasks_of(case) if t.title == "Draft RFE Response")
	)


def guide_rule_text() -> str:
	"""The sample rule exactly as printed in the practice guide (tests/fixtures, checked against the guide)."""
	return (Path(__file__).resolve().parents[1] / "fixtures" / "guide_sample_rule.json").read_text()


def case_type(name: str) -> str:
	if not frappe.db.exists("Case Type", name):
		frappe.get_doc({"doctype": "Case Type", "case_type_name": name}).insert()
	return name


def make_case(people, type_name="Adjustment of Status", **kw):
	values = {
		"doctype": "Case",
		"case_title": kw.pop("case_title", f"{type_name} for Rosa Diaz"),
		"case_type": case_type(type_name),
		"priority": "Standard",
		"client_name": "Rosa Diaz",
		"preferred_language": "es",
		"lead_attorney": people["attorney"],
		"primary_paralegal": people["paralegal"],
		"secondary_owner": people["paralegal2"],
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def make_notice(case, notice_type="RFE", due_in_days=84, **kw):
	values = {
		"doctype": "Case Notice",
		"case": case.name,
		"notice_type": notice_type,
		"receipt_number": "IOE0912345678",
		"notice_date": nowdate(),
		"response_due_date": add_days(nowdate(), due_in_days),
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def add_rule(data: dict):
	from legist_routing.services import rules

	return rules.import_rules(json.dumps(data))


def tasks_of(case) -> list:
	return frappe.get_all(
		"Case Task",
		filters={"case": case.name},
		fields=[
			"name",
			"title",
			"assigned_to",
			"due",
			"ack_due",
			"hard_deadline",
			"template",
			"kind",
			"status",
		],
		order_by="creation asc",
	)


def log_of(reference_name: str):
	name = frappe.db.get_value(
		"Routing Log", {"reference_name": reference_name}, "name", order_by="creation desc"
	)
	return frappe.get_doc("Routing Log", name) if name else None


def drain_queue_until(done, queue: str = "short", timeout: float = 30) -> str:
	"""Run a real RQ worker in burst mode on ``queue``, then wait until ``done()`` holds.

	Another worker of the same bench (a running ``bench start``) may take the job first, hence the wait.
	Returns the worker's output for assertion messages."""
	bench = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
	cmd = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site]
	out = subprocess.run(
		[*cmd, "worker", "--queue", queue, "--burst"],
		cwd=f"{bench}/sites",
		capture_output=True,
		text=True,
		timeout=180,
	)
	assert out.returncode == 0, out.stderr
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		frappe.db.rollback()
		if done():
			break
		time.sleep(0.5)
	return out.stdout + out.stderr
