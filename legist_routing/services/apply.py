"""The single writer: turns the engine's intents into Case Tasks, assignments and notifications."""

from __future__ import annotations

import dataclasses
import json

import frappe

from legist_routing.engine.decide import CreateTask, Decision, Event, Notify, Unresolved
from legist_routing.services import assignment, messages, notify


def intent_dict(intent) -> dict:
	return {"type": type(intent).__name__, **dataclasses.asdict(intent)}


def apply(decision: Decision, event: Event) -> list[dict]:
	keys = [i.key for i in decision.intents if isinstance(i, CreateTask | Notify)]
	existing = (
		set(frappe.get_all("Case Task", filters={"routing_key": ["in", keys]}, pluck="routing_key"))
		if keys
		else set()
	)
	results = []
	for intent in decision.intents:
		action = int(intent.key.rsplit("|", 1)[1])
		base = {"key": intent.key, "rule": intent.rule, "action": action}
		if isinstance(intent, Unresolved):
			results.append(
				{
					**base,
					"status": "unresolved",
					"message": messages.unresolved_text(intent.code, intent.params),
				}
			)
		elif intent.key in existing:
			results.append({**base, "status": "duplicate"})
		elif isinstance(intent, CreateTask):
			task, choice = create_task(intent)
			results.append(
				{
					**base,
					"status": "created" if choice.user else "unroutable",
					"task": task.name,
					"assigned_to": choice.user,
					"why": choice.reason,
					"candidates": [dataclasses.asdict(v) for v in choice.verdicts],
				}
			)
		else:
			results.append({**base, **deliver(intent, event)})
	return results


def create_task(intent: CreateTask, kind: str | None = None, title: str | None = None):
	# get_doc, not new_doc: insert() applies the DocType's defaults; new_doc's user-default look-ups cost
	# more than the rest of the task's insert.
	task = frappe.get_doc(
		{
			"doctype": "Case Task",
			"title": title or intent.title or messages.task_title(intent.title_code),
			"case": intent.case,
			"case_notice": intent.notice,
			"template": intent.template,
			"kind": kind or intent.kind,
			"priority": intent.priority or "Standard",
			"due": intent.due,
			"ack_due": intent.ack_due,
			"hard_deadline": intent.hard_deadline,
			"estimated_hours": intent.estimated_hours,
			"routing_rule": intent.rule,
			"routing_key": intent.key,
			"escalation": json.dumps(intent.escalation) if intent.escalation else None,
		}
	)
	if intent.exclude:
		task.prepared_by = intent.exclude[0]
	for item, required in intent.checklist:
		task.append("checklist", {"item": item, "required": 1 if required else 0})
	task.flags.in_routing = True
	task.insert(ignore_permissions=True)
	if (kind or intent.kind) == "Notification":
		return task, None
	choice = assignment.choose_for(intent)
	if choice.user:
		assign(task, choice.user)
	else:
		assignment.alert_unroutable(task, choice.reason)
	return task, choice


def assign(task, user: str, notify_user: bool = True):
	"""Assign through Frappe's ToDo, so the work shows in the assignee's ToDo list and the task's sidebar.

	What ``frappe.desk.form.assign_to.add`` does for a desk user, without what routing does not need: a
	routed task is new (no duplicate ToDo to look for) and the assignee mirror is written once here.
	The ToDo adds the "assigned to" comment to the task's timeline; the assignee is notified the way
	Frappe notifies assignments (a background job after commit).
	"""
	from frappe.desk.form.assign_to import notify_assignment
	from frappe.desk.form.document_follow import follow_document
	from frappe.utils import get_datetime, now_datetime

	from legist_routing.services import escalations

	frappe.flags.legist_assigning = True
	try:
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": "Case Task",
				"reference_name": task.name,
				"description": frappe.utils.escape_html(task.title),
				"priority": {"Urgent": "High", "High": "High", "Low": "Low"}.get(task.priority, "Medium"),
				"status": "Open",
				"date": get_datetime(task.due).date() if task.due else None,
				"assigned_by": frappe.session.user,
			}
		).insert(ignore_permissions=True)
	finally:
		frappe.flags.legist_assigning = False
	if not frappe.has_permission(doc=task, user=user):
		# As assign_to does: an assignee without access gets the task shared with them.
		frappe.share.add_docshare("Case Task", task.name, user, flags={"ignore_share_permission": True})
	if frappe.get_cached_value("User", user, "follow_assigned_documents"):
		follow_document("Case Task", task.name, user)
	if notify_user:
		notify_assignment(
			todo.assigned_by, user, "Case Task", task.name, action="ASSIGN", description=todo.description
		)
	# The mirror and the escalation clock, set once here rather than by the ToDo hook.
	task.assigned_to, task.assigned_at = user, now_datetime().replace(microsecond=0)
	frappe.db.set_value(
		"Case Task", task.name, {"assigned_to": user, "assigned_at": task.assigned_at}, update_modified=False
	)
	escalations.rearm(task, done=set() if task.flags.in_routing else None)


def deliver(intent: Notify, event: Event) -> dict:
	"""In-app through the Notification Log, e-mail through the e-mail queue; a response window becomes a task."""
	subject = intent.subject or messages.notification_subject(intent.topic)
	document_type, document_name = event.reference_doctype, event.reference_name
	review = None
	if intent.respond_by is not None:
		# "notify within N hours" is tracked: the recipient must acknowledge by then.
		for user in intent.recipients:
			review, _none = create_task(
				CreateTask(
					key=intent.key if user == intent.recipients[0] else f"{intent.key}|{user}",
					rule=intent.rule,
					case=intent.case,
					title=messages.review_title(intent.topic),
					assignee=None,
					ack_due=intent.respond_by,
					due=intent.respond_by,
					notice=document_name if document_type == "Case Notice" else None,
				),
				kind="Notification",
			)
			frappe.db.set_value("Case Task", review.name, "assigned_to", user, update_modified=False)
		document_type, document_name = "Case Task", review.name
	emailed = notify.send(
		list(intent.recipients),
		intent.channels,
		document_type,
		document_name,
		subject,
		intent.message,
		from_user=frappe.session.user,
		deferred=True,
	)
	result = {"status": "notified", "recipients": list(intent.recipients), "channels": list(intent.channels)}
	if emailed is False:
		result["email"] = "not queued: the site has no outgoing Email Account"
	if review is not None:
		result["task"] = review.name
	return result
