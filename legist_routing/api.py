"""Whitelisted API. Each endpoint checks permissions, then calls one service."""

from __future__ import annotations

import frappe
from frappe import _

from legist_routing.services import audit, portal, rules, settings, tasks
from legist_routing.services import simulate as simulation


def _staff():
	"""The firm's desk API: refused to website users (the portal's clients use portal_upload only)."""
	if (
		frappe.session.user == "Guest"
		or frappe.get_cached_value("User", frappe.session.user, "user_type") != "System User"
	):
		frappe.throw(_("Only the firm's staff can do this."), frappe.PermissionError)


@frappe.whitelist()
def constants() -> dict:
	"""Closed statuses, manager roles, reassignment reasons and the audit trail's kinds, so the desk's
	scripts never spell them again."""
	_staff()
	return {**settings.constants(), "audit_kinds": list(audit.KINDS)}


@frappe.whitelist(methods=["POST"])
def import_rules(rules_json: str, overwrite: int = 1) -> list[str]:
	"""Import one routing rule or a list, in the practice guide's JSON shape. All or nothing."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return rules.import_rules(rules_json, overwrite=bool(int(overwrite)))


@frappe.whitelist()
def export_rules(names: str | list | None = None) -> list[dict]:
	"""Routing rules in the guide's JSON shape (all, or the named ones)."""
	_staff()
	frappe.has_permission("Routing Rule", "read", throw=True)
	if isinstance(names, str):
		names = frappe.parse_json(names)
	return rules.export_rules(names or None)


@frappe.whitelist(methods=["POST"])
def simulate(
	trigger: str,
	case: str | None = None,
	case_values: str | dict | None = None,
	notice_values: str | dict | None = None,
	task_values: str | dict | None = None,
	rules_json: str | dict | list | None = None,
	include_enabled: int | str = 1,
	now: str | None = None,
) -> dict:
	"""What routing would do for an event, with nothing written: the rules that would fire with each
	condition's result, who would get each task and why, the due times and the escalation schedule.

	``case_values`` / ``notice_values`` / ``task_values``: JSON objects describing the case, notice or task
	(or naming one: ``{"name": "NOTICE-…"}``); ``rules_json``: draft rules (one or a list, in the guide's
	shape or a Routing Rule form's fields), simulated even when disabled or unsaved. Managers only."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return simulation.simulate(
		trigger,
		case=case or None,
		case_values=case_values,
		notice_values=notice_values,
		task_values=task_values,
		rules_json=rules_json,
		include_enabled=frappe.utils.cint(include_enabled) == 1,
		now=now or None,
	)


@frappe.whitelist(methods=["POST"])
def acknowledge_task(name: str) -> dict:
	"""The assignee acknowledges a Case Task."""
	_staff()
	return tasks.acknowledge(name)


@frappe.whitelist(methods=["POST"])
def acknowledge_tasks(names: str | list) -> list[dict]:
	"""Acknowledge several tasks at once (the list view's action)."""
	_staff()
	if isinstance(names, str):
		names = frappe.parse_json(names)
	return [tasks.acknowledge(name) for name in names]


@frappe.whitelist(methods=["POST"])
def reassign_task(name: str, user: str, reason: str, note: str | None = None) -> dict:
	"""A manager moves a task to another person, with a reason (audited, counted in the reassignment rate)."""
	_staff()
	task = tasks.manual_reassign(name, user, reason, note or "")
	return {"name": task.name, "assigned_to": task.assigned_to}


# ------------------------------------------------------------------------------------- the portal
@frappe.whitelist(methods=["POST"])
def portal_upload(request: str) -> dict:
	"""A client uploads a document against a requested item (multipart form: ``request`` and ``file``)."""
	upload = frappe.request.files.get("file") if frappe.request else None
	if upload is None:
		frappe.throw(_("File: choose a file to upload."), title=_("File refused"))
	return portal.upload(request, upload.filename, upload.stream.read())


@frappe.whitelist(methods=["POST"])
def request_documents(case: str, items: str | list, task: str | None = None) -> list[str]:
	"""Staff ask the client for documents: ``items`` is a list of names or of {item, instructions, due_date}."""
	_staff()
	if isinstance(items, str):
		items = frappe.parse_json(items)
	return portal.request_documents(case, items, task)


@frappe.whitelist(methods=["POST"])
def review_upload(request: str, decision: str, note: str | None = None) -> dict:
	"""Staff accept a client's upload, or return it with what is missing."""
	_staff()
	return portal.review_upload(request, decision, note or "")


@frappe.whitelist(methods=["POST"])
def message_client(case: str, subject: str, message: str) -> str:
	"""Staff tell the client about their case: shown in the portal and e-mailed in the client's language."""
	_staff()
	return portal.message_client(case, subject, message)
