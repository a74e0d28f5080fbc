"""A task is acknowledged by its assignee; the acknowledgement clock stops."""

from __future__ import annotations

import frappe
import pytest
from helpers import (
	DRAFT_READY_RULE,
	SAMPLE_RULE,
	add_rule,
	draft_task,
	finish_checklist,
	make_case,
	make_notice,
	tasks_of,
)

from legist_routing import api


def test_assignee_acknowledges_and_others_cannot(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	make_notice(case)
	intake = next(t for t in tasks_of(case) if t.title == "RFE Intake")
	frappe.set_user(people["paralegal2"])
	with pytest.raises(frappe.PermissionError):
		api.acknowledge_task(intake.name)
	frappe.set_user(people["paralegal"])
	result = api.acknowledge_task(intake.name)
	assert result["already"] is False
	task = frappe.get_doc("Case Task", intake.name)
	assert task.status == "Acknowledged"
	assert task.acknowledged_by == people["paralegal"]
	assert api.acknowledge_task(intake.name)["already"] is True


def test_task_status_change_routes(people):
	add_rule(SAMPLE_RULE)
	add_rule(DRAFT_READY_RULE)
	case = make_case(people)
	make_notice(case)
	draft = finish_checklist(draft_task(case))
	draft.status = "Draft Ready"
	draft.save()
	review = next(t for t in tasks_of(case) if t.title == "Attorney Review: RFE Response")
	assert review.assigned_to == people["attorney"]
