"""Idempotent seeders run on install and migrate: roles, settings defaults, the guide's task templates.

They create what is missing and never overwrite what a firm has changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import frappe

from legist_routing.services import access, deadline_kinds, permissions, settings

GUIDE_POLICY_NAME = "Guide X/Y/Z"
# The roles are shipped as a filtered fixture (hooks.py: fixtures); the DocTypes' permissions name them,
# so they are also made before the DocTypes are installed.
ROLE_FIXTURE = Path(__file__).parent.parent / "fixtures" / "role.json"

# The practice guide's recipes, as task templates (name, id, default assignee, hours, ack SLA, due anchor,
# due offset days, checklist). A checklist entry is its text, or (text, required, attachment required);
# a plain text entry is required and needs no file.
ATTACH = True
TEMPLATES = (
	(
		"RFE Intake",
		"rfe_intake_template",
		"Primary Paralegal",
		2,
		24,
		"Assignment",
		3,
		(
			"Confirm RFE receipt date and deadline.",
			"Identify and list requested evidence items.",
			("Attach the RFE notice to the case file.", True, ATTACH),
		),
	),
	(
		"Draft RFE Response",
		"rfe_response_template",
		"Primary Paralegal",
		12,
		24,
		"Response Deadline",
		10,
		(
			"Confirm RFE receipt date and deadline.",
			"Identify and list requested evidence items.",
			"Assign evidence collection subtasks to client or third parties.",
			("Draft RFE response and attach supporting exhibits.", True, ATTACH),
			("Attorney review and approve content.", False, False),
			("Finalize submission and upload to case file with audit entry.", False, False),
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
		("Review the draft against each requested evidence item.",),
	),
	(
		"Finalize and File",
		"rfe_finalize_template",
		"Primary Paralegal",
		2,
		24,
		"Response Deadline",
		3,
		(
			("Collect the client's e-signature and attach the signed form.", True, ATTACH),
			("File the response and attach the proof of delivery.", True, ATTACH),
		),
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
		"Biometrics Reminder",
		"biometrics_reminder_template",
		"Intake Specialist",
		0.5,
		4,
		"Assignment",
		1,
		("Call the client: the appointment is in less than 48 hours and not yet confirmed.",),
	),
	(
		"Update Case Status",
		"update_case_status_template",
		"Primary Paralegal",
		0.5,
		24,
		"Assignment",
		1,
		("Record attendance.", ("Attach the appointment receipt (stamped notice).", True, ATTACH)),
	),
	(
		"Assemble Filing Package",
		"filing_package_template",
		"Primary Paralegal",
		8,
		24,
		"Assignment",
		5,
		(
			"Collect required documents.",
			"Prepare forms from templates.",
			"Check signatures and fees.",
			("Attach the assembled package (PDF).", True, ATTACH),
		),
	),
	(
		"Attorney Sign-off",
		"attorney_signoff_template",
		"Lead Attorney",
		2,
		4,
		"Assignment",
		2,
		("Review the package: forms, signatures, fees and evidence.",),
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
			("Attach the filing confirmation or courier receipt.", True, ATTACH),
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

# The case types the guide's firms work (name, practice group, forms).
CASE_TYPES = (
	("H-1B", "Employment", "I-129"),
	("Adjustment of Status", "Family", "I-485, I-130, I-765"),
	("Naturalization", "Naturalization", "N-400"),
	("Asylum", "Asylum", "I-589"),
	("Consular Processing", "Family", "DS-260, I-130"),
	("Family-based petition", "Family", "I-130"),
)

RECIPES = Path(__file__).parent.parent / "recipes"


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
				"checklist": [_checklist_row(entry) for entry in checklist],
			}
		)
		doc.insert(ignore_permissions=True)


def _checklist_row(entry) -> dict:
	item, required, attachment = (entry, True, False) if isinstance(entry, str) else entry
	return {"item": item, "required": int(required), "attachment_required": int(attachment)}


def ensure_case_types():
	for name, group, forms in CASE_TYPES:
		if not frappe.db.exists("Case Type", name):
			frappe.get_doc(
				{"doctype": "Case Type", "case_type_name": name, "practice_group": group, "form_types": forms}
			).insert(ignore_permissions=True)


def recipe_rules() -> list[dict]:
	return json.loads((RECIPES / "rules.json").read_text())


def ensure_recipe_rules():
	"""The three recipes' rules (and the portal's), each imported once by name: a firm's edit, or its
	deletion of a rule it does not want, is never undone by a migrate."""
	from legist_routing.services import rules

	shipped = recipe_rules()
	known = set(
		frappe.get_all(
			"Routing Rule", filters={"name": ["in", [r["ruleName"] for r in shipped]]}, pluck="name"
		)
	)
	missing = [r for r in shipped if r["ruleName"] not in known and not _declined(r["ruleName"])]
	if missing:
		rules.import_rules(json.dumps(missing), overwrite=False)
		frappe.db.set_global(
			"legist_recipe_rules", json.dumps(sorted(known | {r["ruleName"] for r in missing}))
		)


def _declined(name: str) -> bool:
	"""A shipped rule the firm deleted stays deleted."""
	return name in json.loads(frappe.db.get_global("legist_recipe_rules") or "[]")


def ensure_email_templates():
	for row in json.loads((RECIPES / "email_templates.json").read_text()):
		if not frappe.db.exists("Email Template", row["name"]):
			frappe.get_doc({"doctype": "Email Template", **row}).insert(ignore_permissions=True)


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


def before_install():
	ensure_roles()


def after_install():
	after_migrate()
	settings.keep_scheduler_awake()


def after_migrate():
	seed()
	access.rebuild()
	# ANALYZE commits (MariaDB): last, after everything the migrate seeded.
	permissions.refresh_statistics()


def seed():
	"""What install and migrate ship, created where missing, in the caller's transaction."""
	ensure_roles()
	ensure_settings()
	ensure_case_types()
	ensure_templates()
	ensure_calendar()
	ensure_policy()
	deadline_kinds.ensure_shipped()
	ensure_email_templates()
	ensure_recipe_rules()
