"""Routing Settings and the few facts about the firm every layer needs, each written once.

The bottom of the services: imports nothing of ours but the engine.
"""

from __future__ import annotations

import frappe
from frappe.utils.caching import request_cache

from legist_routing.engine import facts as F
from legist_routing.engine.facts import CLOSED_CASE_STATUSES, CLOSED_TASK_STATUSES, PAUSED_TASK_STATUSES

# A task in one of these statuses is done: no clock runs on it, nobody is reminded of it.
CLOSED = CLOSED_TASK_STATUSES
# A task in one of these waits on the client or a third party: its own clocks stop, its deadline does not.
PAUSED = PAUSED_TASK_STATUSES
# A case in one of these is over: its open tasks close with it.
CASE_CLOSED = CLOSED_CASE_STATUSES
# A task in one of these says its work is done: required checklist items and attachments must be there.
DONE = ("Draft Ready", "Completed")
# Roles that configure routing, override assignments and read the whole audit trail.
MANAGER_ROLES = ("System Manager", "Legist Manager")
# Why a task was moved; "Escalation" is the ladder's own, the others a manager's (the JS reads these).
REASONS = ("Overload", "Leave", "Conflict", "Expertise", "Escalation", "Case Slot Changed", "Other")
# "Escalation" and "Case Slot Changed" are the system's own reasons; a manager picks from the others.
MANUAL_REASONS = tuple(r for r in REASONS if r not in ("Escalation", "Case Slot Changed"))


@request_cache
def get() -> frappe._dict:
	"""Routing Settings, read once per request (the document itself comes from Frappe's cache)."""
	return frappe._dict(frappe.get_cached_doc("Routing Settings").as_dict())


def is_manager(user: str | None = None) -> bool:
	return bool(set(MANAGER_ROLES).intersection(frappe.get_roles(user or frappe.session.user)))


def is_desk_user(user: str | None = None) -> bool:
	"""The firm's staff: a signed-in System User (a portal client is a Website User, a visitor Guest)."""
	user = user or frappe.session.user
	return user != "Guest" and frappe.get_cached_value("User", user, "user_type") == "System User"


def constants() -> dict:
	"""The same facts for the desk's scripts, so the JS never spells them again."""
	return {
		**rule_vocabulary(),
		"closed": list(CLOSED),
		"paused": list(PAUSED),
		"manager_roles": list(MANAGER_ROLES),
		"reasons": list(MANUAL_REASONS),
	}


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


def rule_vocabulary() -> dict:
	"""What the rule builder offers: the facts each trigger provides (with their types) and the operators
	valid for each type (engine/facts.py and engine/conditions.py are the source)."""
	common = ["equals", "not_equals", "in", "not_in", "is_set", "is_not_set", "changed"]
	ordered = ["gt", "gte", "lt", "lte"]
	operators = {
		F.TEXT: [*common, "contains"],
		F.USER: [*common, "contains"],
		F.NUMBER: [*common, *ordered],
		F.DATE: [*common, *ordered],
		F.DATETIME: [*common, *ordered],
		F.BOOL: ["equals", "not_equals", "is_set", "is_not_set", "changed"],
	}
	facts = {
		trigger: {path: kind for path, kind in F.FACTS.items() if path.split(".")[0] in roots}
		for trigger, roots in F.TRIGGERS.items()
	}
	return {"facts": facts, "operators": operators}
