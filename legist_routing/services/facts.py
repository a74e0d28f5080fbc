"""Documents as the engine's plain facts (``case.case_type``, ``document.notice_type``, ``task.status``)."""

from __future__ import annotations

import frappe

from legist_routing.services import settings

CASE_FIELDS = (
	"name",
	"case_title",
	"case_type",
	"priority",
	"status",
	"client_name",
	"preferred_language",
	"lead_attorney",
	"primary_paralegal",
	"secondary_owner",
	"intake_specialist",
	"client_user",
	"receipt_numbers",
	"filing_date",
	"priority_date",
	"hard_deadline",
	"next_uscis_deadline",
)
NOTICE_FIELDS = (
	"name",
	"notice_type",
	"receipt_number",
	"form_type",
	"notice_date",
	"received_date",
	"response_due_date",
	"appointment_at",
)
# What a portal upload's document.notice_type always is (the request is not a USCIS notice).
UPLOAD_NOTICE_TYPE = "Client Upload"
TASK_FIELDS = (
	"name",
	"title",
	"status",
	"kind",
	"template",
	"assigned_to",
	"secondary_owner",
	"priority",
	"escalation_level",
	"decision",
	"review_round",
	"paused_hours",
)


def case_facts(case) -> dict:
	facts = {f"case.{f}": case.get(f) for f in CASE_FIELDS}
	if case.get("case_type"):
		facts["case.practice_group"] = frappe.get_cached_value("Case Type", case.case_type, "practice_group")
	return facts


def notice_facts(notice) -> dict:
	return {f"document.{f}": notice.get(f) for f in NOTICE_FIELDS}


def task_facts(task) -> dict:
	facts = {f"task.{f}": task.get(f) for f in TASK_FIELDS}
	# chains follow the template's stable id, not its (renameable) title
	facts["task.template_id"] = (
		frappe.get_cached_value("Task Template", task.template, "template_id") if task.template else None
	)
	return facts


def firm_facts() -> dict:
	return {"operations.manager": settings.get().operations_manager}


def escalation_facts(task) -> dict:
	"""What a stage target may name: the task's case slots, its owners and the operations manager."""
	facts = case_facts(frappe.get_doc("Case", task.case))
	facts.update(firm_facts())
	facts["task.assigned_to"] = task.assigned_to
	facts["task.secondary_owner"] = task.secondary_owner
	return facts


def upload_facts(request: str, item: str | None, file_doc) -> dict:
	"""A portal upload: what was asked for and what came (the request is not a USCIS notice)."""
	name = file_doc.file_name or ""
	return {
		"document.notice_type": UPLOAD_NOTICE_TYPE,
		"document.item": item,
		"document.file_type": name.rsplit(".", 1)[-1].lower() if "." in name else "",
		"document.request": request,
	}
