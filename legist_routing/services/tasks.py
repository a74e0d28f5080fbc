"""Case Task behaviour: status bookkeeping, acknowledgement, manual reassignment, the assignment mirror."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from legist_routing.services import apply, escalation_policy, permissions, settings
from legist_routing.services.settings import CLOSED


def validate(task):
	"""Stamp the times a status change implies; refuse an acknowledgement by anyone but the assignee."""
	permissions.guard_task_assignee(task)
	before = task.get_doc_before_save()
	if before is not None and before.assigned_to != task.assigned_to:
		permissions.forget([before.assigned_to, task.assigned_to])
	old = before.status if before else None
	if before is not None:
		# A change of status, due time, deadline or policy re-arms the stages that depend on it.
		task.next_escalation_at = escalation_policy.next_at(task)
	if task.status == old:
		return
	now = now_datetime()
	if task.status != "Open" and not task.acknowledged_at and task.status not in CLOSED:
		task.acknowledged_at = now
		task.acknowledged_by = frappe.session.user
	if task.status == "Completed":
		task.completed_at = now
	elif old in CLOSED:
		task.completed_at = None


def acknowledge(name: str) -> dict:
	"""The assignee (or a manager) acknowledges a task: the acknowledgement clock stops."""
	task = frappe.get_doc("Case Task", name)
	task.check_permission("write")
	user = frappe.session.user
	if task.assigned_to and task.assigned_to != user and not settings.is_manager(user):
		frappe.throw(
			_("Only {0}, to whom this task is assigned, or a manager can acknowledge it.").format(
				task.assigned_to
			),
			frappe.PermissionError,
		)
	if task.status in CLOSED:
		frappe.throw(_("Task {0} is {1}; there is nothing to acknowledge.").format(task.name, _(task.status)))
	if task.acknowledged_at:
		return {"name": task.name, "acknowledged_at": task.acknowledged_at, "already": True}
	task.status = "Acknowledged"
	task.acknowledged_at = now_datetime()
	task.acknowledged_by = user
	task.save()
	return {"name": task.name, "acknowledged_at": task.acknowledged_at, "already": False}


def manual_reassign(name: str, user: str, reason: str, note: str = ""):
	"""A manager moves a task, with a reason from the list (Other needs a note)."""
	if not settings.is_manager():
		frappe.throw(_("Only a Legist Manager can reassign tasks."), frappe.PermissionError)
	if reason not in settings.MANUAL_REASONS:
		frappe.throw(_("Reason: choose one of {0}.").format(", ".join(settings.MANUAL_REASONS)))
	if reason == "Other" and not (note or "").strip():
		frappe.throw(_("Note: say why when the reason is Other."))
	if not frappe.db.exists("User", {"name": user, "enabled": 1}):
		frappe.throw(_("User: {0} is not an active user.").format(user))
	task = frappe.get_doc("Case Task", name)
	if task.assigned_to == user:
		frappe.throw(_("Task {0} is already assigned to {1}.").format(name, user))
	if task.prepared_by and task.prepared_by == user:
		frappe.throw(
			_("{0} prepared the work this task reviews; choose someone else (four eyes).").format(user)
		)
	return apply.reassign(task, user, reason, note)


def sync_assignee(todo, method=None):
	"""Keep Case Task.assigned_to in step with its open ToDo (assignments made by hand in the desk too)."""
	if todo.reference_type != "Case Task" or not todo.reference_name or frappe.flags.legist_assigning:
		return  # routing's own assignments set the mirror themselves (apply.assign)
	apply.mirror_assignee(todo.reference_name)
