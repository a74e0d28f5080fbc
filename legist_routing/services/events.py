"""Frappe document events, translated into engine events and plain facts, then routed.

Wired from hooks.py. Nothing here raises into the user's save: routing failures are logged.
"""

from __future__ import annotations

import frappe

from legist_routing.engine.decide import Event
from legist_routing.services import apply, routing, settings
from legist_routing.services.facts import case_facts, notice_facts, task_facts


# ----------------------------------------------------------------------------------------- hooks
def on_case_insert(doc, method=None):
	routing.route(
		Event("case.created", f"case.created:{doc.name}", doc.name, "Case", doc.name),
		case_facts(doc),
	)


# The case slots whose holder takes over the open tasks assigned through the slot.
MOVING_SLOTS = ("primary_paralegal", "lead_attorney", "secondary_owner", "intake_specialist")


def on_case_update(doc, method=None):
	before = doc.get_doc_before_save()
	if before is None:
		return
	for slot in MOVING_SLOTS:
		if before.get(slot) != doc.get(slot):
			apply.move_slot_tasks(doc, slot, before.get(slot), doc.get(slot))
	if before.status == doc.status:
		return
	if doc.status in settings.CASE_CLOSED:
		apply.close_case_tasks(doc, doc.status)
	key = f"case.status_changed:{doc.name}:{before.status}->{doc.status}:{doc.modified}"
	routing.route(
		Event("case.status_changed", key, doc.name, "Case", doc.name, {"case.status": before.status}),
		case_facts(doc),
	)


def notice_event_key(notice) -> str:
	"""The same USCIS notice recorded twice (same case, type, receipt number and date) is one event."""
	parts = (
		notice.case,
		notice.notice_type,
		(notice.receipt_number or "").upper(),
		str(notice.notice_date or ""),
	)
	return "document.received:" + ":".join(parts)


def on_notice_insert(doc, method=None):
	case = frappe.get_doc("Case", doc.case)
	routing.route(
		Event("document.received", notice_event_key(doc), doc.case, "Case Notice", doc.name),
		{**case_facts(case), **notice_facts(doc)},
	)


def on_task_update(doc, method=None):
	before = doc.get_doc_before_save()
	if before is None or before.status == doc.status or doc.flags.in_routing:
		return
	key = f"task.status_changed:{doc.name}:{before.status}->{doc.status}:{doc.modified}"
	case = frappe.get_doc("Case", doc.case)
	routing.route(
		Event("task.status_changed", key, doc.case, "Case Task", doc.name, {"task.status": before.status}),
		{**case_facts(case), **task_facts(doc)},
	)
