"""Case Task behaviour: status bookkeeping, acknowledgement, manual reassignment, the assignment mirror."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import now_datetime

from legist_routing.services import apply, escalation_policy, permissions, settings
from legist_routing.services.settings import CLOSED, DONE, PAUSED


def validate(task):
	"""Stamp the times a status change implies; refuse an acknowledgement by anyone but the assignee;
	refuse work marked done with required checklist items or attachments missing; stop and restart
	the clocks of a task that waits on the client or a third party."""
	permissions.guard_task_assignee(task)
	before = task.get_doc_before_save()
	if before is not None and before.assigned_to != task.assigned_to:
		permissions.forget([before.assigned_to, task.assigned_to])
	_stamp_checklist(task, before)
	old = before.status if before else None
	if task.status != old:
		_status_changed(task, old)
	if before is not None:
		# A change of status, due time, deadline or policy re-arms the stages that depend on it.
		task.next_escalation_at = escalation_policy.next_at(task)


def _status_changed(task, old: str | None):
	now = now_datetime()
	if task.status in DONE and task.decision != "Rejected" and not task.flags.legist_closing:
		missing_problems(task)
	if task.status == "Completed" and task.kind == "Review" and not task.decision:
		# Completing a review without sending it back approves it.
		task.decision, task.decided_by, task.decided_at = "Approved", frappe.session.user, now
	if task.status != "Open" and not task.acknowledged_at and task.status not in CLOSED:
		task.acknowledged_at = now
		task.acknowledged_by = frappe.session.user
	if task.status in PAUSED and old not in PAUSED:
		task.paused_at = now
	elif old in PAUSED and task.status not in PAUSED and task.paused_at:
		apply.resume_clocks(task, now)
	if task.status == "Completed":
		task.completed_at = now
	elif old in CLOSED:
		task.completed_at = None


def _stamp_checklist(task, before):
	done_before = {row.name: row.done for row in (before.checklist if before else [])}
	for row in task.checklist:
		if row.done and not done_before.get(row.name):
			row.done_by, row.done_at = frappe.session.user, now_datetime()
		elif not row.done:
			row.done_by = row.done_at = None


def missing_problems(task):
	"""Refuse, naming each item, work marked done while a required item is open or its file is missing."""
	open_items = [row.item for row in task.checklist if row.required and not row.done]
	no_file = [row.item for row in task.checklist if row.attachment_required and not row.attachment]
	lines = []
	if open_items:
		lines.append(_("Checklist: tick these required items first: {0}").format("; ".join(open_items)))
	if no_file:
		lines.append(_("Attachment: attach a file to these items first: {0}").format("; ".join(no_file)))
	if lines:
		frappe.throw(
			"<br>".join(frappe.utils.escape_html(line) for line in lines),
			title=_("{0} cannot be marked {1} yet").format(task.title, _(task.status)),
			exc=frappe.ValidationError,
		)


def decide(name: str, decision: str, comments: str = "") -> dict:
	"""The reviewer approves the work under review, or sends it back with comments.

	Approving completes the review (the chain rules fire on ``task.decision``); sending back completes
	it as Rejected and reopens the reviewed task for its preparer, with the comments; the next
	*Draft Ready* opens a new review round with a fresh clock."""
	task = frappe.get_doc("Case Task", name)
	task.check_permission("write")
	user = frappe.session.user
	if task.kind != "Review":
		frappe.throw(_("Task {0} is not a review; only review tasks take a decision.").format(name))
	if task.status in CLOSED:
		frappe.throw(_("Task {0} is {1}; its decision is already recorded.").format(name, _(task.status)))
	if task.assigned_to and task.assigned_to != user and not settings.is_manager(user):
		frappe.throw(
			_("Only {0}, who is reviewing this task, or a manager can decide it.").format(task.assigned_to),
			frappe.PermissionError,
		)
	if decision not in ("Approved", "Rejected"):
		frappe.throw(_("Decision: choose Approved or Rejected."))
	comments = (comments or "").strip()
	if decision == "Rejected" and not comments:
		frappe.throw(_("Comments: say what must change before sending the work back."))
	task.decision, task.decided_by, task.decided_at = decision, user, now_datetime()
	task.decision_comments = comments or None
	task.status = "Completed"
	task.save()
	reopened = apply.send_back(task, comments) if decision == "Rejected" else None
	return {"name": task.name, "decision": decision, "reopened": reopened}


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
