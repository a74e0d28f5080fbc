"""Idempotent seeders run on install and migrate: roles, settings defaults, the guide's task templates.

They create what is missing and never overwrite what a firm has changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import frappe

from legist_routing.services import permissions, settings

GUIDE_POLICY_NAME = "Guide X/Y/Z"
# The roles are shipped as a filtered fixture (hooks.py: fixtures); the DocTypes' permissions name them,
# so they are also made before the DocTypes are installed.
ROLE_FIXTURE = Path(__file__).parent.parent / "fixtures" / "role.json"

# The practice guide's recipes, as task templates (name, id, default assignee, hours, ack SLA,
# due anchor, due offset days, checklist).
TEMPLATES = (
	(
		"RFE Intake",
		"rfe_intake_template",
		"Primary Paralegal",
		2,
		24,
		"Assignment",
		3,
		("Confirm RFE receipt date and deadline.", "Identify and list requested evidence items."),
	),
	(
		"Draft RFE Response",
		"rfe_response_template",
		"Primary Paralegal",
		12,
		24,
		"Response Deadline",
		7,
		(
			"Confirm RFE receipt date and deadline.",
			"Identify and list requested evidence items.",
			"Assign evidence collection subtasks to client or third parties.",
			"Draft RFE response and attach supporting exhibits.",
			"Attorney review and approve content.",
			"Finalize submission and upload to case file with audit entry.",
		),
	),
	(
		"Attorney Review: RFE Response",
		"rfe_attorney_review_template",
		"Lead Attorney",
		3,
		4,
		"Response Deadline",
		7,
		("Review the draft against each requested evidence item.", "Approve or return with comments."),
	),
	(
		"Finalize and File",
		"rfe_finalize_template",
		"Primary Paralegal",
		2,
		24,
		"Response Deadline",
		3,
		("Collect e-signatures if required.", "File the response and record the proof of delivery."),
	),
	(
		"Biometrics Confirmation",
		"biometrics_confirmation_template",
		"Intake Specialist",
		1,
		24,
		"Assignment",
		2,
		("Confirm the client will attend.", "Send instructions in the client's preferred language."),
	),
	(
		"Update Case Status",
		"update_case_status_template",
		"Primary Paralegal",
		0.5,
		24,
		"Assignment",
		1,
		("Record attendance.", "Attach any receipts."),
	),
	(
		"Assemble Filing Package",
		"filing_package_template",
		"Primary Paralegal",
		8,
		24,
		"Assignment",
		5,
		("Collect required documents.", "Prepare forms from templates.", "Check signatures and fees."),
	),
	(
		"Attorney Sign-off",
		"attorney_signoff_template",
		"Lead Attorney",
		2,
		4,
		"Assignment",
		2,
		("Review the package.", "Sign off or return with comments."),
	),
	(
		"Submit to USCIS",
		"submit_to_uscis_template",
		"Primary Paralegal",
		1,
		24,
		"Assignment",
		1,
		(
			"File electronically or prepare courier instructions.",
			"Record the receipt notice when it arrives.",
		),
	),
	(
		"Review Client Upload",
		"client_upload_review_template",
		"Primary Paralegal",
		0.5,
		24,
		"Assignment",
		1,
		(
			"Open the file: is it the requested document, complete and legible?",
			"Accept it, or return it to the client with what is missing.",
		),
	),
)

# The rule a client's upload fires (services/portal.py): shipped once; a firm's edits are kept.
PORTAL_RULE = {
	"ruleName": "Portal_Upload_Review",
	"trigger": "portal.upload",
	"description": "A client uploaded a requested document: the case paralegal reviews it.",
	"conditions": {"document.type": "Client Upload"},
	"actions": [{"createTask": "Review Client Upload", "templateId": "client_upload_review_template"}],
}


def roles() -> list[dict]:
	return json.loads(ROLE_FIXTURE.read_text())


def ensure_roles():
	for role in roles():
		if not frappe.db.exists("Role", role["name"]):
			frappe.get_doc({k: v for k, v in role.items() if k != "name"}).insert(ignore_permissions=True)


def ensure_settings():
	settings = frappe.get_single("Routing Settings")
	if settings.default_due_hour in (None, 0):
		settings.routing_enabled = 1
		settings.log_no_match = 1
		settings.default_due_hour = 17
		settings.save(ignore_permissions=True)


REVIEW_TEMPLATES = ("Attorney Review: RFE Response", "Attorney Sign-off")


def ensure_templates():
	for name, template_id, role, hours, ack, anchor, offset, checklist in TEMPLATES:
		if frappe.db.exists("Task Template", name) or frappe.db.exists(
			"Task Template", {"template_id": template_id}
		):
			continue
		doc = frappe.get_doc(
			{
				"doctype": "Task Template",
				"template_name": name,
				"template_id": template_id,
				"default_role": role,
				"estimated_hours": hours,
				"ack_sla_hours": ack,
				"due_anchor": anchor,
				"due_offset_days": offset,
				"task_kind": "Review" if name in REVIEW_TEMPLATES else "Work",
				"checklist": [{"item": item, "required": 1} for item in checklist],
			}
		)
		doc.insert(ignore_permissions=True)


def ensure_calendar():
	name = "Firm Hours"
	if not frappe.db.exists("Business Calendar", name):
		frappe.get_doc(
			{
				"doctype": "Business Calendar",
				"calendar_name": name,
				"us_federal_holidays": 1,
				"hours": [
					{"weekday": day, "opens": "09:00:00", "closes": "17:00:00"}
					for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
				],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.get_single_value("Routing Settings", "default_calendar"):
		frappe.db.set_single_value("Routing Settings", "default_calendar", name)


def ensure_policy():
	"""The guide's X/Y/Z ladder (X=4, Y=24, Z=72) as the default Escalation Policy."""
	from legist_routing.engine.escalation import GUIDE_POLICY
	from legist_routing.services import escalation_policy as S

	def reverse(mapping, value):
		return next(k for k, v in mapping.items() if v == value)

	name = GUIDE_POLICY_NAME
	if not frappe.db.exists("Escalation Policy", name):
		frappe.get_doc(
			{
				"doctype": "Escalation Policy",
				"policy_name": name,
				"description": "The practice guide's ladder: remind at X=4 hours, reassign at Y=24 hours, escalate to the operations manager and lead attorney Z=72 hours before the deadline.",
				"stages": [
					{
						"stage_key": stage.key,
						"watch": reverse(S.WATCH, stage.watch),
						"anchor": reverse(S.ANCHOR, stage.anchor),
						"hours": stage.hours,
						"clock": reverse(S.CLOCK, stage.clock),
						"action": reverse(S.ACTION, stage.action),
						"target": stage.target,
						"channels": reverse(S.CHANNELS, tuple(stage.channels)),
					}
					for stage in GUIDE_POLICY.stages
				],
			}
		).insert(ignore_permissions=True)
	if not frappe.db.get_single_value("Routing Settings", "default_escalation_policy"):
		frappe.db.set_single_value("Routing Settings", "default_escalation_policy", name)


def ensure_portal_rule():
	from legist_routing.services import rules

	if not frappe.db.exists("Routing Rule", PORTAL_RULE["ruleName"]):
		rules.import_rules(json.dumps(PORTAL_RULE), overwrite=False)


def before_install():
	ensure_roles()


def after_install():
	after_migrate()
	settings.keep_scheduler_awake()


def after_migrate():
	ensure_roles()
	ensure_settings()
	ensure_templates()
	ensure_calendar()
	ensure_policy()
	ensure_portal_rule()
	permissions.refresh_statistics()
