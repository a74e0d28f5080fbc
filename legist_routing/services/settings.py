"""Routing Settings and the few facts about the firm every layer needs, each written once.

The bottom of the services: imports nothing of ours but the engine.
"""

from __future__ import annotations

import frappe
from frappe.utils.caching import request_cache

from legist_routing.engine.facts import CLOSED_TASK_STATUSES

# A task in one of these statuses is done: no clock runs on it, nobody is reminded of it.
CLOSED = CLOSED_TASK_STATUSES
# Roles that configure routing, override assignments and read the whole audit trail.
MANAGER_ROLES = ("System Manager", "Legist Manager")
# Why a task was moved; "Escalation" is the ladder's own, the others a manager's (the JS reads these).
REASONS = ("Overload", "Leave", "Conflict", "Expertise", "Escalation", "Other")
MANUAL_REASONS = tuple(r for r in REASONS if r != "Escalation")


@request_cache
def get() -> frappe._dict:
	"""Routing Settings, read once per request (the document itself comes from Frappe's cache)."""
	return frappe._dict(frappe.get_cached_doc("Routing Settings").as_dict())


def is_manager(user: str | None = None) -> bool:
	return bool(set(MANAGER_ROLES).intersection(frappe.get_roles(user or frappe.session.user)))


def constants() -> dict:
	"""The same facts for the desk's scripts, so the JS never spells them again."""
	return {"closed": list(CLOSED), "manager_roles": list(MANAGER_ROLES), "reasons": list(MANUAL_REASONS)}


def clear(doc=None, method=None):
	"""Forget the request's copy (Routing Settings was saved)."""
	cache = getattr(frappe.local, "request_cache", None)
	if cache is not None:
		cache.pop(get.__wrapped__, None)


def on_update(doc):
	clear()
	before = doc.get_doc_before_save()
	if doc.keep_scheduler_awake and not (before and before.keep_scheduler_awake):
		keep_scheduler_awake()


def keep_scheduler_awake():
	"""Frappe runs a quiet site's jobs once a day (System Settings: dormant days); escalations cannot wait.

	Applied when the firm switches Keep Scheduler Awake on (and at install), never on a migrate: a firm
	that later lowers its dormant days keeps its choice."""
	if not frappe.db.get_single_value("Routing Settings", "keep_scheduler_awake"):
		return
	if (frappe.db.get_single_value("System Settings", "dormant_days") or 4) < 3650:
		frappe.db.set_single_value("System Settings", "dormant_days", 3650)
