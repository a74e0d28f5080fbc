"""The one writer: every Case Task, ToDo, share, timeline comment, notification, reassignment and
unroutable alert is written here, from the engine's intents or from an escalation step.

The planners below it (``assignment``, ``escalation_policy``) decide and write nothing; the
orchestrators above it (routing, escalations, tasks, portal) call it and own the transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from legist_routing.engine import escalation as E
from legist_routing.engine import strategies as S
from legist_routing.engine.decide import CreateTask, Decision, Event, Notify, Unresolved
from legist_routing.services import (
	access,
	assignment,
	calendars,
	escalation_policy,
	journal,
	messages,
	notify,
	permissions,
	settings,
)


def intent_dict(intent) -> dict:
	return {"type": type(intent).__name__, **dataclasses.asdict(intent)}


def apply(decision: Decision, event: Event, log: str | None = None) -> list[dict]:
	"""Carry out the decision's intents; ``log``: the name its Routing Log will have (the tasks link it)."""
	keys = [i.key for i in decision.intents if isinstance(i, CreateTask | Notify)]
	existing = (
		set(
			frappe.db.sql_list(
				"select routing_key from `tabCase Task` where routing_key in %(keys)s", {"keys": tuple(keys)}
			)
		)
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
			task, choice = create_task(intent, request=_request_of(event), log=log, reviews=_reviewed(event))
			results.append(
				{
					**base,
					"status": "created" if choice.user else "unroutable",
					"task": task.name,
					"assigned_to": choice.user,
					"why": messages.choice_reason(choice),
					"candidates": [messages.verdict_row(v) for v in choice.verdicts],
				}
			)
		else:
			results.append({**base, **deliver(intent, event, log)})
	return results


def _request_of(event: Event) -> str | None:
	return event.reference_name if event.reference_doctype == "Client Request" else None


def _reviewed(event: Event) -> str | None:
	"""A task made when another task changed status (its draft is ready) may review that task."""
	return event.reference_name if event.reference_doctype == "Case Task" else None


def task_values(
	intent: CreateTask,
	kind: str | None = None,
	title: str | None = None,
	request: str | None = None,
	log: str | None = None,
) -> dict:
	"""The Case Task an intent becomes (the simulator builds the same one, in memory only)."""
	return {
		"doctype": "Case Task",
		"title": title or intent.title or messages.task_title(intent.title_code),
		"case": intent.case,
		# a portal upload's "document" is its Client Request, not a USCIS notice
		"case_notice": None if request else intent.notice,
		"client_request": request,
		"template": intent.template,
		"kind": kind or intent.kind,
		"priority": intent.priority or "Standard",
		"due": intent.due,
		"ack_due": intent.ack_due,
		"hard_deadline": intent.hard_deadline,
		"estimated_hours": intent.estimated_hours,
		"routing_rule": intent.rule,
		"routing_key": intent.key,
		"routing_log": log,
		"escalation": json.dumps(intent.escalation) if intent.escalation else None,
		"prepared_by": intent.exclude[0] if intent.exclude else None,
	}


def create_task(
	intent: CreateTask,
	kind: str | None = None,
	title: str | None = None,
	request: str | None = None,
	log: str | None = None,
	reviews: str | None = None,
):
	# get_doc, not new_doc: insert() applies the DocType's defaults; new_doc's user-default look-ups cost
	# more than the rest of the task's insert.
	task = frappe.get_doc(task_values(intent, kind, title, request, log))
	for item, required, attachment in intent.checklist:
		task.append(
			"checklist",
			{"item": item, "required": 1 if required else 0, "attachment_required": 1 if attachment else 0},
		)
	if reviews and task.kind == "Review":
		# The review of a task's work: its round counts the reviews of that work before it.
		task.reviews_task = reviews
		task.review_round = 1 + frappe.db.count("Case Task", {"reviews_task": reviews, "kind": "Review"})
	task.flags.in_routing = True
	# Its links come from the documents routing has just read (the case, notice, rule, template), and its
	# Routing Log is written after it, in the same transaction: no look-up of each.
	task.insert(ignore_permissions=True, ignore_links=True)
	if (kind or intent.kind) == "Notification":
		access.sync_cases([task.case])
		return task, None
	choice = choose_for(intent)
	if choice.user:
		via = next((slot for slot, user in intent.preferred if user == choice.user), None)
		assign(task, choice.user, via=via if choice.strategy == "role_slot" else None)
	else:
		alert_unroutable(task, messages.choice_reason(choice))
	# who may list it, once its assignee is chosen (its insert left this to here: access.task_changed)
	access.sync_cases([task.case])
	return task, choice


def assign(task, user: str, notify_user: bool = True, via: str | None = None):
	"""Assign through Frappe's ToDo, so the work shows in the assignee's ToDo list and the task's sidebar.

	What ``frappe.desk.form.assign_to.add`` does for a desk user, without what routing does not need: a
	routed task is new (no duplicate ToDo to look for) and the assignee mirror is written once here.
	The ToDo is written with what its own insert would write, and what its hooks do is done here in
	fewer statements: the "assigned" comment on the task's timeline, the task's ``_assign`` list (with
	the assignee mirror and the escalation clock, one UPDATE), the ToDo count in the desk's notification
	cache, the live list refresh and the global search row. The assignee is notified the way Frappe
	notifies assignments (a background job). Not run for the ToDo and its comment: the hooks Frappe runs
	for every DocType (an Assignment Rule, Energy Point Rule or Milestone Tracker set on ToDo or Comment).
	"""
	from frappe.desk.form.document_follow import follow_document

	by, now = frappe.session.user, now_datetime()
	todo = _todo(task, user, by, now)
	# No document share (assign_to's way): the assignee of a task is on its case (services/permissions),
	# and a share would outlive a reassignment.
	if frappe.get_cached_value("User", user, "follow_assigned_documents"):
		follow_document("Case Task", task.name, user)
	if notify_user:
		_notify_assignment(task, user, by, todo.description)
	# ToDo.update_in_reference's list of open assignees; a routed task has just this one.
	assigned = [user] if task.flags.in_routing else _open_assignees(task.name)
	task.assigned_to, task.assigned_at = user, now.replace(microsecond=0)
	task.assigned_via = via
	task._assign = json.dumps(assigned) if assigned else ""
	permissions.forget([user])
	rearm(task, write=False, done=set() if task.flags.in_routing else None)
	# set_value's UPDATE, in plain SQL (update_modified=False); a routed task is in no document cache yet.
	frappe.db.sql(
		"""update `tabCase Task` set assigned_to = %s, assigned_at = %s, assigned_via = %s, _assign = %s,
		next_escalation_at = %s where name = %s""",
		(user, task.assigned_at, via, task._assign, task.next_escalation_at, task.name),
	)
	if not task.flags.in_routing:  # a routed task's rows come when create_task has done
		access.sync_cases([task.case])
		frappe.clear_document_cache("Case Task", task.name)


def _notify_assignment(task, user: str, by: str, description: str):
	"""Frappe's ``assign_to.notify_assignment`` for a new assignment (same text, same background job),
	with the assignee read from the document cache and the title from the task in hand."""
	from frappe.desk.doctype.notification_log.notification_log import (
		enqueue_create_notification,
		get_title_html,
	)

	language, enabled = frappe.get_cached_value("User", user, ["language", "enabled"])
	if by == user or not enabled:
		return
	subject = _("{0} assigned a new task {1} {2} to you", lang=language).format(
		frappe.bold(frappe.get_cached_value("User", by, "full_name")),
		frappe.bold(_("Case Task", lang=language)),
		get_title_html(task.title),
	)
	enqueue_create_notification(
		user,
		{
			"type": "Assignment",
			"document_type": "Case Task",
			"subject": subject,
			"document_name": task.name,
			"from_user": by,
			"email_content": f"<div>{description}</div>" if description else None,
		},
	)


def _todo(task, user: str, by: str, now):
	"""The ToDo ``insert`` would write (its defaults, fetched full name, hash name), and its hooks' timeline
	comment; Frappe's realtime updates and notification count go out as they would."""
	from frappe.desk.notifications import clear_doctype_notifications
	from frappe.model.naming import make_autoname
	from frappe.utils import get_fullname, nowdate

	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"name": make_autoname("hash"),
			"owner": by,
			"modified_by": by,
			"creation": now,
			"modified": now,
			"allocated_to": user,
			"reference_type": "Case Task",
			"reference_name": task.name,
			"description": frappe.utils.escape_html(task.title),
			"priority": {"Urgent": "High", "High": "High", "Low": "Low"}.get(task.priority, "Medium"),
			"status": "Open",
			"date": get_datetime(task.due).date() if task.due else getdate(nowdate()),
			"assigned_by": by,
			"assigned_by_full_name": frappe.get_cached_value("User", by, "full_name"),
		}
	)
	todo.db_insert()
	# ToDo.validate's text, ToDo.on_update's add_assign_comment
	if by == user:
		text = _("{0} self assigned this task: {1}").format(get_fullname(by), todo.description)
	else:
		text = _("{0} assigned {1}: {2}").format(get_fullname(by), get_fullname(user), todo.description)
	comment = frappe.get_doc(
		{
			"doctype": "Comment",
			"name": make_autoname("hash"),
			"owner": by,
			"modified_by": by,
			"creation": now,
			"modified": now,
			"comment_type": "Assigned",
			"comment_email": by,
			"reference_doctype": "Case Task",
			"reference_name": task.name,
			"content": _sanitized(text),
		}
	)
	comment.db_insert()
	if comment.content != text:
		from frappe.desk.notifications import notify_mentions

		notify_mentions("Case Task", task.name, comment.content)
	# Comment.after_insert tells the task's open form; the desk's ToDo count is stale.
	comment.notify_change("add")
	notify.written("ToDo", [todo])  # its description goes into global search, as the ToDo's insert puts it
	notify.written("Comment", [comment])
	clear_doctype_notifications(todo)
	return todo


def _open_assignees(task_name: str) -> list[str]:
	return frappe.db.sql_list(
		"""select allocated_to from `tabToDo` where reference_type = 'Case Task' and reference_name = %s
		and status not in ('Cancelled', 'Closed') and ifnull(allocated_to, '') != ''
		order by modified asc, creation asc for update""",
		task_name,
	)


def _sanitized(text: str) -> str:
	"""What Comment.validate's sanitize_html returns: text without markup or control characters comes out
	of it as it went in, so the HTML parser runs only for text that has them."""
	return frappe.utils.sanitize_html(text, always_sanitize=True) if _MARKUP.search(text) else text


def deliver(intent: Notify, event: Event, log: str | None = None) -> dict:
	"""In-app through the Notification Log, e-mail through the e-mail queue; a response window becomes a task.
	A rule's message template reaches the case's client as a portal message and e-mail in their language."""
	if intent.template:
		return _deliver_template(intent, event)
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
				log=log,
			)
			frappe.db.set_value("Case Task", review.name, "assigned_to", user, update_modified=False)
			permissions.forget([user])
			access.sync_cases([review.case])
		if review is not None:
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


def _deliver_template(intent: Notify, event: Event) -> dict:
	template = intent.template or ""
	case = frappe.get_doc("Case", intent.case)
	notice = (
		frappe.get_doc(event.reference_doctype, event.reference_name)
		if event.reference_doctype == "Case Notice"
		else None
	)
	result: dict = {"status": "notified", "recipients": list(intent.recipients), "template": intent.template}
	client = [u for u in intent.recipients if u == case.client_user]
	staff = [u for u in intent.recipients if u != case.client_user]
	if client:
		subject, text = messages.render_template(template, case.preferred_language, case, notice)
		message = frappe.get_doc(
			{"doctype": "Client Message", "case": case.name, "subject": subject, "message": text}
		).insert(ignore_permissions=True)
		result["client_message"] = message.name
	if staff:
		subject, text = messages.render_template(template, None, case, notice)
		notify.send(
			staff,
			intent.channels,
			event.reference_doctype,
			event.reference_name,
			subject,
			text,
			from_user=frappe.session.user,
			deferred=True,
		)
	return result


# ---------------------------------------------------------------------------------- choosing who
def choose(need: S.Need, chain, team: str | None, today: dt.date | None = None) -> S.Choice:
	"""Choose with the engine; a round robin moves the team's cursor, read and written under its row lock."""
	choice, cursor = assignment.plan(need, chain, team, today)
	if team and choice.strategy == "round_robin" and choice.cursor != cursor:
		# A plain UPDATE: set_value would also drop the team from the document cache, and every pick would
		# then reload fifty member rows. The cursor itself is always read from the row, under the lock.
		frappe.db.sql(
			"update `tabRouting Team` set round_robin_cursor = %s where name = %s", (choice.cursor, team)
		)
	return choice


def choose_for(intent) -> S.Choice:
	return choose(*assignment.need_for(intent))


def alert_unroutable(task, reason: str):
	ops = settings.get().operations_manager
	frappe.db.set_value("Case Task", task.name, "unroutable", 1, update_modified=False)
	if ops:
		notify.in_app(
			[ops], "Case Task", task.name, _("Nobody could take {0}: {1}").format(task.title, reason)
		)


def rearm(task, write: bool = True, done: set | None = None):
	"""Recompute ``next_escalation_at`` after anything a stage depends on changed.

	``done``: the steps already run, when the caller knows them (an empty set for a new task)."""
	value = escalation_policy.next_at(task, done)
	task.next_escalation_at = value
	if write and not task.is_new():
		set_next_escalation(task.name, value)


def set_next_escalation(task_name: str, value):
	frappe.db.set_value("Case Task", task_name, "next_escalation_at", value, update_modified=False)


def mirror_assignee(task_name: str):
	"""Case Task.assigned_to follows its newest open ToDo (assignments made by hand in the desk too)."""
	current = frappe.get_all(
		"ToDo",
		filters={"reference_type": "Case Task", "reference_name": task_name, "status": "Open"},
		fields=["allocated_to", "creation"],
		order_by="creation desc",
		limit=1,
	)
	user = current[0].allocated_to if current else None
	permissions.forget([user, frappe.db.get_value("Case Task", task_name, "assigned_to")])
	values = {"assigned_to": user}
	if user:
		values["assigned_at"] = current[0].creation
	frappe.db.set_value("Case Task", task_name, values, update_modified=False)
	task = frappe.get_doc("Case Task", task_name)
	access.sync_cases([task.case])
	rearm(task)


# -------------------------------------------------------------------------------------- reassigning
def reassign(task, user: str, reason: str, note: str = "", now=None, by: str | None = None):
	"""Move a task to ``user``: the old ToDo is cancelled, the acknowledgement clock restarts."""
	from frappe.desk.form import assign_to

	now = now or now_datetime()
	previous = task.assigned_to
	permissions.forget([previous])
	# The new owner gets the same acknowledgement window the first one had, counted from now.
	window = None
	if task.ack_due and task.assigned_at:
		window = get_datetime(task.ack_due) - get_datetime(task.assigned_at)
	frappe.flags.legist_assigning = True
	try:
		for todo in frappe.get_all(
			"ToDo",
			filters={"reference_type": "Case Task", "reference_name": task.name, "status": "Open"},
			pluck="allocated_to",
		):
			assign_to.remove("Case Task", task.name, todo, ignore_permissions=True)
	finally:
		frappe.flags.legist_assigning = False
	task.reload()
	assign(task, user)
	frappe.db.set_value(
		"Case Task",
		task.name,
		{
			"assigned_to": user,
			"assigned_at": now,
			"acknowledged_at": None,
			"acknowledged_by": None,
			"ack_due": now + window if window else task.ack_due,
			"status": "Open" if task.status == "Acknowledged" else task.status,
			"reassignment_count": (task.reassignment_count or 0) + 1,
			"unroutable": 0,
		},
		update_modified=False,
	)
	task.reload()
	rearm(task)
	text = _("Reassigned from {0} to {1} by {2}: {3}").format(
		previous or "-", user, by or frappe.session.user, _(reason) + (f" ({note})" if note else "")
	)
	if reason != "Escalation":
		task.add_comment("Info", text)
	journal.write_plain(
		event="task.reassigned",
		key=f"task.reassigned:{task.name}:{frappe.generate_hash(length=8)}",
		case=task.case,
		reference_doctype="Case Task",
		reference_name=task.name,
		summary=text,
		trace={"from": previous, "to": user, "reason": reason, "note": note, "by": by or frappe.session.user},
	)
	return task


# ------------------------------------------------------------------------ pauses, reviews, lifecycle
def resume_clocks(task, now):
	"""A task stops waiting: the pause is counted in business time on the firm's calendar and its
	acknowledgement and due times move by as much (never past the legal deadline, which never moves).
	Called from the task's own validate: the values are written by its save."""
	from legist_routing.engine.pause import resume

	cal = calendars.get_calendar()
	wall = lambda value: calendars.to_calendar(get_datetime(value) if value else None, cal)  # noqa: E731
	result = resume(
		cal,
		wall(task.paused_at),
		wall(now),
		ack_due=None if task.acknowledged_at else wall(task.ack_due),
		due=wall(task.due),
		hard_deadline=wall(task.hard_deadline),
	)
	if not task.acknowledged_at:
		task.ack_due = calendars.to_site(result.ack_due, cal)
	task.due = calendars.to_site(result.due, cal)
	task.paused_hours = round(float(task.paused_hours or 0) + result.hours, 2)
	task.paused_at = None
	task.add_comment(
		"Info",
		_("Resumed after {0} business hours waiting; due {1}.").format(
			f"{result.hours:g}", frappe.utils.format_datetime(task.due) if task.due else "-"
		),
	)


def send_back(review, comments: str) -> str | None:
	"""A reviewer rejected the work: the reviewed task goes back to its preparer, with the comments."""
	name = review.reviews_task
	if not name or not frappe.db.exists("Case Task", name):
		return None
	work = frappe.get_doc("Case Task", name)
	work.flags.legist_closing = True  # reopening: nothing to check
	work.status = "In Progress"
	work.save(ignore_permissions=True)
	text = _("Sent back by {0} (review round {1}): {2}").format(
		review.decided_by, review.review_round or 1, comments
	)
	work.add_comment("Comment", text)
	if work.assigned_to:
		notify.in_app(
			[work.assigned_to],
			"Case Task",
			work.name,
			_("{0} was sent back for changes").format(work.title),
			frappe.utils.escape_html(comments),
			from_user=review.decided_by,
		)
	journal.write_plain(
		event="task.sent_back",
		key=f"task.sent_back:{review.name}",
		case=work.case,
		reference_doctype="Case Task",
		reference_name=work.name,
		summary=text,
		trace={"review": review.name, "round": review.review_round, "by": review.decided_by},
	)
	return work.name


def close_case_tasks(case, status: str) -> list[str]:
	"""The case is over (approved, denied, withdrawn, closed): its open tasks are cancelled, their
	assignments closed and their escalations stopped, each with an entry in its timeline."""
	from frappe.desk.form import assign_to

	names = frappe.get_all(
		"Case Task", filters={"case": case.name, "status": ["not in", list(settings.CLOSED)]}, pluck="name"
	)
	text = _("Cancelled: case {0} is {1}.").format(case.name, _(status))
	for name in names:
		task = frappe.get_doc("Case Task", name)
		task.flags.legist_closing = True
		task.status = "Cancelled"
		task.next_escalation_at = None
		task.save(ignore_permissions=True)
		frappe.flags.legist_assigning = True
		try:
			for user in _open_assignees(name):
				assign_to.remove("Case Task", name, user, ignore_permissions=True)
		finally:
			frappe.flags.legist_assigning = False
		task.add_comment("Info", text)
	if names:
		journal.write_plain(
			event="case.closed",
			key=f"case.closed:{case.name}:{status}:{case.modified}",
			case=case.name,
			reference_doctype="Case",
			reference_name=case.name,
			summary=_("{0} open tasks cancelled: the case is {1}.").format(len(names), _(status)),
			trace={"status": status, "tasks": names},
		)
	return names


def move_slot_tasks(case, slot: str, old: str | None, new: str | None) -> list[str]:
	"""Someone new holds a case slot (a new primary paralegal): the open tasks assigned through that
	slot to the old holder move to the new one, with the reason."""
	if not old or not new or old == new:
		return []
	names = frappe.get_all(
		"Case Task",
		filters={
			"case": case.name,
			"assigned_to": old,
			"assigned_via": f"case.{slot}",
			"status": ["not in", list(settings.CLOSED)],
		},
		pluck="name",
	)
	for name in names:
		task = reassign(
			frappe.get_doc("Case Task", name), new, "Case Slot Changed", _(slot.replace("_", " ").title())
		)
		frappe.db.set_value("Case Task", task.name, "assigned_via", f"case.{slot}", update_modified=False)
	return names


# ------------------------------------------------------------------------------ escalation steps
class Effects:
	"""What a sweep's steps write, gathered in memory and written together by ``flush``: the ledger rows,
	timeline comments, Routing Logs, in-app alerts and each task's next escalation time.

	The steps of many tasks share one transaction (the caller's) and one ``flush``; a task that fails is
	``discard``-ed from here (what it wrote at once, a reassignment, the caller rolls back to a savepoint).
	The rows are those the documents' inserts wrote (the hooks of an Info comment and of an alert write
	nothing more); the hooks Frappe runs for every DocType (Assignment, Energy Point and Milestone rules on
	Comment or Notification Log) do not run for them.
	"""

	def __init__(self) -> None:
		self.ledger: list[dict] = []
		self.comments: list[tuple] = []
		self.logs: list[dict] = []
		self.alerts: list[dict] = []
		self.next_at: dict[str, object] = {}

	def mark(self) -> tuple[int, int, int, int]:
		return len(self.ledger), len(self.comments), len(self.logs), len(self.alerts)

	def discard(self, mark: tuple[int, int, int, int], task_name: str):
		"""Forget what one task added since ``mark``."""
		del self.ledger[mark[0] :], self.comments[mark[1] :], self.logs[mark[2] :], self.alerts[mark[3] :]
		self.next_at.pop(task_name, None)

	def comment(self, task, text: str):
		"""The Info comment ``task.add_comment("Info", text)`` inserts (its hooks do nothing for Info)."""
		from frappe.model.naming import make_autoname

		now, user = now_datetime(), frappe.session.user
		content = _sanitized(text)  # Comment.validate's
		self.comments.append(
			(make_autoname("hash"), now, now, user, user, "Info", user, task.doctype, task.name, content)
		)


_MARKUP = re.compile(r"[\x00-\x08\x0b-\x1f&<>]")
COMMENT_COLUMNS = [
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"comment_type",
	"comment_email",
	"reference_doctype",
	"reference_name",
	"content",
]


def flush(fx: Effects, loaded: dict | None = None):
	"""Write what ``fx`` gathered, in the caller's transaction: a few multi-row statements for the lot.

	``loaded``: each task's ``next_escalation_at`` as read, so that unchanged ones are not written."""
	# The ledger first: its unique key refuses a step done already, before anything else is written.
	journal.insert_rows("Escalation Event", fx.ledger)
	journal.insert_rows("Routing Log", fx.logs)
	journal.insert_values("Comment", COMMENT_COLUMNS, fx.comments)
	notify.written("Comment", [dict(zip(COMMENT_COLUMNS, row, strict=True)) for row in fx.comments])
	changed = {
		name: value
		for name, value in fx.next_at.items()
		if loaded is None or name not in loaded or _differs(loaded[name], value)
	}
	if changed:
		names = sorted(changed)
		frappe.db.sql(
			"update `tabCase Task` set next_escalation_at = case name "
			+ " ".join(["when %s then %s"] * len(names))
			+ " else next_escalation_at end where name in %s",
			[*(v for n in names for v in (n, changed[n])), tuple(names)],
		)
	# Last: it updates the recipients' Notification Settings rows, locks held until the commit.
	notify.in_app_many(fx.alerts)


def _differs(old, new) -> bool:
	return (get_datetime(old) if old else None) != (get_datetime(new) if new else None)


def run_step(task, stage: E.Stage, step: E.Step, now, cal, fx: Effects, policy: E.Policy | None = None):
	"""One step of a task's ladder: its effects, then its ledger rows, in the caller's transaction.

	A reminder only adds to ``fx`` (written by ``flush``); a reassignment or an escalation changes the task
	and its ToDos at once, and adds its journal to ``fx``. ``policy``: the ladder the step is from (its
	log names the policy and its version)."""
	key = f"{task.name}|{step.stage}|{step.version}"[:140]
	body = None
	if stage.action == "remind":
		recipients, text, subject = escalation_policy.reminder(task, stage)
	elif stage.action == "reassign" and journal.moved_by_stage(task.name, stage.key, step.version):
		# Moved once by this stage and still not acknowledged: no ping-pong between owners, a manager decides.
		recipients, text, subject, body = _escalate(task, escalation_policy.as_manager_escalation(stage))
	elif stage.action == "reassign":
		recipients, text, subject = _reassign(task, stage, now)
	else:
		recipients, text, subject, body = _escalate(task, stage)
	email = {}
	if subject and recipients:
		if "in_app" in stage.channels:
			fx.alerts.append(
				{
					"users": list(recipients),
					"document_type": "Case Task",
					"document_name": task.name,
					"subject": subject,
					"body": body or subject,
				}
			)
		if "email" in stage.channels:
			# Into the outbox with the step; send_outbox sends one e-mail per person per batch.
			email = {"email_pending": 1, "email_subject": subject, "email_body": body or subject}
	common = {
		"task": task.name,
		"case": task.case,
		"action": step.action,
		"due_at": calendars.to_site(step.at, cal),
		"executed_at": now,
	}
	# The ledger: written once, never updated (an update of the outbox flag would contend with the
	# outbox's locks). The unique key refuses a second execution of this step.
	fx.ledger.append(
		journal.ledger_values(
			{
				**common,
				**email,
				"stage": step.stage,
				"version": step.version,
				"ledger_key": key,
				"collapsed": ", ".join(step.collapsed),
				"recipients": ", ".join(recipients),
				"detail": text,
			}
		)
	)
	for folded, version in step.ledger_keys[1:]:
		# A reminder folded into this one during catch-up is done too: it must not fire later.
		fx.ledger.append(
			journal.ledger_values(
				{
					**common,
					"stage": folded,
					"version": version,
					"ledger_key": f"{task.name}|{folded}|{version}"[:140],
					"detail": _("Folded into {0} after an outage.").format(step.stage),
				}
			)
		)
	fx.comment(task, text)
	fx.logs.append(
		journal.plain_row(
			event=f"escalation.{stage.action}",
			key=f"escalation:{key}",
			case=task.case,
			reference_doctype="Case Task",
			reference_name=task.name,
			summary=text,
			trace={
				"stage": stage.key,
				"at": str(step.at),
				"version": step.version,
				"collapsed": list(step.collapsed),
				**escalation_policy.policy_version(policy),
			},
		)
	)


def _reassign(task, stage, now):
	candidates = [u for u in escalation_policy.resolve_targets(task, stage.target) if u != task.assigned_to]
	chosen, why = assignment.first_available(candidates, task)
	if not chosen:
		ops = escalation_policy.resolve_targets(task, "operations.manager")
		subject = _("Could not reassign {0}: {1}").format(task.title, why)
		text = _("Escalation {0}: nobody to reassign to ({1}); told the operations manager.").format(
			stage.key, why
		)
		return ops, text, subject
	previous = task.assigned_to
	reassign(task, chosen, reason="Escalation", note=stage.key, now=now)
	# The new owner is told the way Frappe tells of any assignment (assign).
	text = _("Escalation {0}: not acknowledged by {1}; reassigned to {2}.").format(
		stage.key, previous or "-", chosen
	)
	return [chosen], text, None


def _escalate(task, stage):
	users, text, subject, body = escalation_policy.escalation_summary(task, stage)
	frappe.db.set_value(
		"Case Task", task.name, "escalation_level", (task.escalation_level or 0) + 1, update_modified=False
	)
	return users, text, subject, body


def send_outbox(rows) -> int:
	"""One e-mail per person for the outbox rows given (locked by the caller), then mark them sent."""
	if not rows:
		return 0
	by_user: dict[str, list] = {}
	for row in rows:
		for user in escalation_policy.split_targets(row.recipients):
			by_user.setdefault(user, []).append(row)
	for user, items in by_user.items():
		if len(items) == 1:
			subject, body = items[0].email_subject, items[0].email_body
		else:
			subject = _("{0} tasks need your attention").format(len(items))
			body = "<br><br>".join(
				f"<b>{frappe.utils.escape_html(r.email_subject)}</b><br>{r.email_body}" for r in items
			)
		notify.email([user], subject, body, "Case Task", items[0].task)
	journal.emails_sent([r.name for r in rows])
	return len(by_user)


# --------------------------------------------------------------------------------- the client
def store_client_upload(request: str, filename: str, content: bytes, digest: str):
	"""A client's file: private, attached to the requested item, which shows as received."""
	file_doc = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": filename,
			"attached_to_doctype": "Client Request",
			"attached_to_name": request,
			"attached_to_field": "file",
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	doc = frappe.get_doc("Client Request", request)
	doc.update(
		{
			"status": "Received",
			"file": file_doc.file_url,
			"file_name": filename,
			"received_at": now_datetime(),
			"content_hash": digest,
			"uploads": (doc.uploads or 0) + 1,
		}
	)
	doc.flags.ignore_permissions = True  # the client has no desk permission; portal.upload checked the case
	doc.save()
	return file_doc


def email_client(message) -> bool:
	"""The firm's message to its client, wrapped in the client's language; False when not queued."""
	case = frappe.db.get_value(
		"Case", message.case, ["client_user", "client_email", "case_title"], as_dict=True
	)
	to = case.client_email or case.client_user
	if not to:
		return False
	lang = message.language or "en"
	portal = frappe.utils.get_url(f"/client/case?name={message.case}")
	text = frappe.utils.escape_html(message.message).replace("\n", "<br>")
	about = frappe.utils.escape_html(_("Case: {0}", lang=lang).format(case.case_title))
	link = frappe.utils.escape_html(_("See your case in the client portal", lang=lang))
	body = f"<p>{text}</p><p>{about}</p><p><a href='{portal}'>{link}</a></p>"
	return notify.email([to], message.subject, body, "Client Message", message.name)
