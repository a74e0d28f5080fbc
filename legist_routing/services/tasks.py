"""Case Task behaviour: status bookkeeping, acknowledgement, and the assignment mirror."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

CLOSED = ("Completed", "Cancelled")


def validate(task):
	"""Stamp the times a status change implies; refuse an acknowledgement by anyone but the assignee."""
	from legist_routing.services import escalations

	before = task.get_doc_before_save()
	old = before.status if before else None
	if before is not None:
		# A change of status, due time, deadline or policy re-arms the stages that depend on it.
		escalations.rearm(task, write=False)
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
	managers = {"System Manager", "Legist Manager"}
	if task.assigned_to and task.assigned_to != user and not managers.intersection(frappe.get_roles(user)):
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


def sync_assignee(todo, method=None):
	"""Keep Case Task.assigned_to in step with its open ToDo (assignments made by hand in the desk too)."""
	if todo.reference_type != "Case Task" or not todo.reference_name or frappe.flags.legist_assigning:
		return  # routing's own assignments set the mirror themselves (apply.assign)
	current = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Case Task", "reference_name": todo.reference_name, "status": "Open"},
		fields=["allocated_to", "creation"],
		order_by="creation desc",
		limit=1,
	)
	user = current[0].allocated_to if current else None
	values = {"assigned_to": user}
	if user:
		values["assigned_at"] = current[0].creation
	frappe.db.set_value("Case Task", todo.reference_name, values, update_modified=False)
	from legist_routing.services import escalations

	escalations.rearm(frappe.get_doc("Case Task", todo.reference_name))
