"""Escalations: each step of a task's ladder happens exactly once, on time, and visibly.

- Every open task carries ``next_escalation_at`` (indexed). The minute job ``sweep`` reads the due
  ones by that index — never a scan of every open task — and processes them on the RQ queue.
- ``process_task`` locks the task row (``SELECT … FOR UPDATE``), plans its steps with the pure engine,
  and writes one Escalation Event per (task, stage, deadline version) under a unique key, in the same
  transaction as the step's effects. Two sweeps at once serialise on the lock and the second finds
  the step done; a worker that dies mid-way leaves nothing committed, so the re-run does it once.
- After an outage, overdue steps run in order and overdue reminders collapse into one.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import now_datetime

from legist_routing.engine import escalation as E
from legist_routing.engine import facts as F
from legist_routing.services import calendars, notify

CLOSED = ("Completed", "Cancelled")
WATCH = {"Not Acknowledged": "not_acknowledged", "Not Completed": "not_completed"}
ANCHOR = {"After Assignment": "assignment", "Before Due": "due", "Before Hard Deadline": "deadline"}
CLOCK = {"Business Hours": "business", "Calendar Hours": "calendar"}
ACTION = {"Remind Assignee": "remind", "Reassign": "reassign", "Escalate": "escalate"}
CHANNELS = {"In-App and Email": ("in_app", "email"), "In-App": ("in_app",), "Email": ("email",)}
SPECIAL_TARGETS = ("team.lead",)
DEADLOCK_RETRIES = 3
MIN_BATCH, MAX_BATCH = 50, 250


# ----------------------------------------------------------------------------------------- policies
def policy_from_doc(doc) -> E.Policy:
	return E.Policy(
		name=doc.name,
		stages=tuple(
			E.Stage(
				key=row.stage_key,
				watch=WATCH[row.watch],
				anchor=ANCHOR[row.anchor],
				hours=float(row.hours or 0),
				clock=CLOCK.get(row.clock or "Business Hours", "business"),
				action=ACTION[row.action],
				target=row.target or None,
				channels=CHANNELS.get(row.channels or "In-App and Email", ("in_app", "email")),
			)
			for row in doc.stages
		),
	)


def target_problems(target: str | None) -> list[str]:
	"""The parts of a stage target that name nobody we can find."""
	bad = []
	for part in split_targets(target):
		if part.startswith(("role:", "user:")) or "@" in part or part in SPECIAL_TARGETS:
			continue
		path = F.canonical(part)
		if path is None or F.FACTS.get(path) != F.USER:
			bad.append(part)
	return bad


def split_targets(target: str | None) -> list[str]:
	return [t.strip() for t in (target or "").split(",") if t.strip()]


def validate_policy(doc):
	keys = set()
	for row in doc.stages:
		if row.stage_key in keys:
			frappe.throw(
				_("Stages row {0}: the stage name {1} is used twice.").format(row.idx, row.stage_key)
			)
		keys.add(row.stage_key)
		if row.action in ("Reassign", "Escalate") and not row.target:
			frappe.throw(_("Stages row {0}: {1} needs a target in To.").format(row.idx, _(row.action)))
		bad = target_problems(row.target)
		if bad:
			frappe.throw(
				_(
					"Stages row {0}: To names nobody: {1}. Use case.secondaryOwner, team.lead, operations.manager, case.leadAttorney, role:ROLE or an e-mail."
				).format(row.idx, ", ".join(bad))
			)
		if (row.hours or 0) < 0:
			frappe.throw(_("Stages row {0}: Hours must be zero or more.").format(row.idx))


def policy_for(task) -> E.Policy | None:
	if task.escalation_policy:
		return policy_from_doc(frappe.get_cached_doc("Escalation Policy", task.escalation_policy))
	if task.escalation:
		block = json.loads(task.escalation) if isinstance(task.escalation, str) else task.escalation
		if block:
			return E.policy_from_rule_block(block, name=f"rule:{task.routing_rule or task.name}")
	from legist_routing.services.routing import settings

	default = settings().default_escalation_policy
	if default and frappe.db.exists("Escalation Policy", default):
		return policy_from_doc(frappe.get_cached_doc("Escalation Policy", default))
	return None


# -------------------------------------------------------------------------------------- planning
def clock_for(task, cal) -> E.TaskClock:
	return E.TaskClock(
		assigned_at=calendars.to_calendar(_dt(task.assigned_at), cal) if task.assigned_to else None,
		acknowledged=bool(task.acknowledged_at),
		completed=task.status in CLOSED,
		due=calendars.to_calendar(_dt(task.due), cal),
		hard_deadline=calendars.to_calendar(_dt(task.hard_deadline), cal),
		assignee=task.assigned_to,
	)


def _dt(value):
	return frappe.utils.get_datetime(value) if value else None


def done_steps(task_name: str) -> set[tuple[str, str]]:
	rows = frappe.get_all("Escalation Event", filters={"task": task_name}, fields=["stage", "version"])
	return {(r.stage, r.version) for r in rows}


def next_at(task, done: set | None = None):
	"""When the task's next step falls due, in site time; None when nothing is pending."""
	if task.status in CLOSED or task.is_new():
		return None
	policy = policy_for(task)
	if policy is None:
		return None
	cal = calendars.get_calendar()
	done = done_steps(task.name) if done is None else done
	return calendars.to_site(E.next_due_at(policy, clock_for(task, cal), cal, done), cal)


def rearm(task, write: bool = True, done: set | None = None):
	"""Recompute ``next_escalation_at`` after anything a stage depends on changed.

	``done``: the steps already run, when the caller knows them (an empty set for a new task)."""
	value = next_at(task, done)
	task.next_escalation_at = value
	if write and not task.is_new():
		frappe.db.set_value("Case Task", task.name, "next_escalation_at", value, update_modified=False)


# ----------------------------------------------------------------------------------------- sweep
def batch_size(due: int) -> int:
	"""Tasks per RQ job for a backlog of ``due`` tasks."""
	return min(MAX_BATCH, max(MIN_BATCH, -(-due // 4)))


def sweep(now=None, enqueue: bool = True, batch: int | None = None, limit: int = 5000) -> list[str]:
	"""The minute job: due tasks by index, processed in batches on the RQ queue.

	Each RQ job starts a fresh process (about 0.75 s of imports and caches), so a backlog is cut into a
	few large batches — four, enough for a few workers to share — rather than many small ones."""
	given = now is not None
	now = now or now_datetime()
	names = frappe.db.sql_list(
		"""select name from `tabCase Task`
		where next_escalation_at is not null and next_escalation_at <= %s
		order by next_escalation_at limit %s""",
		(now, limit),
	)
	if enqueue and frappe.db.exists("Escalation Event", {"email_pending": 1}):
		# Left behind by a worker that stopped between its steps and its e-mails.
		frappe.enqueue(
			"legist_routing.services.escalations.flush_outbox", queue="short", enqueue_after_commit=True
		)
	batch = batch or batch_size(len(names))
	for i in range(0, len(names), batch):
		chunk = names[i : i + batch]
		if enqueue:
			frappe.enqueue(
				"legist_routing.services.escalations.process",
				queue="short",
				names=chunk,
				# not "now": frappe.enqueue would take that as "run synchronously"
				at=now if given else None,
				enqueue_after_commit=True,
			)
		else:
			process(chunk, now, commit=False)
	return names


def process(names: list[str], at=None, commit: bool = True) -> dict:
	"""A worker's batch: each task in its own transaction; one failure never stops the rest.

	``at`` is the sweep's clock (default: now); ``commit=False`` runs inside the caller's transaction
	(a savepoint per task), for inline use.
	"""
	now = at
	counts = {"steps": 0, "tasks": 0, "errors": 0, "retries": 0}
	for name in names:
		for attempt in range(DEADLOCK_RETRIES + 1):
			if not commit:
				frappe.db.savepoint("legist_escalation")
			try:
				counts["steps"] += process_task(name, now)
				counts["tasks"] += 1
				if commit:
					frappe.db.commit()  # nosemgrep: a background job owns its transactions, one per task
				break
			except frappe.QueryDeadlockError:
				# The database rolled the task's transaction back whole: nothing of it happened, so
				# running it again cannot do a step twice.
				frappe.db.rollback()
				if commit and attempt < DEADLOCK_RETRIES:
					counts["retries"] += 1
					continue
				counts["errors"] += 1
				frappe.log_error(title=f"Escalation failed for {name}")
				break
			except Exception:
				if commit:
					frappe.db.rollback()
				else:
					frappe.db.rollback(save_point="legist_escalation")
				counts["errors"] += 1
				frappe.log_error(title=f"Escalation failed for {name}")
				break
	try:
		counts["emails"] = flush_outbox(commit=commit)
	except frappe.QueryDeadlockError:
		frappe.db.rollback()  # the e-mails stay pending; the next flush (or sweep) sends them
		counts["emails"] = 0
	return counts


def flush_outbox(commit: bool = True, limit: int = 5000) -> int:
	"""Send the escalation e-mails waiting in the ledger: one e-mail per person, listing each step.

	The rows are locked (other workers skip them) and cleared in the transaction that queues the
	e-mails, so a worker that dies before its commit leaves them for the next flush: nothing is sent
	twice, nothing is lost.
	"""
	rows = frappe.db.sql(
		"""select name, task, recipients, email_subject, email_body from `tabEscalation Event`
		where email_pending = 1 order by creation limit %s for update skip locked""",
		limit,
		as_dict=True,
	)
	if not rows:
		return 0
	by_user: dict[str, list] = {}
	for row in rows:
		for user in split_targets(row.recipients):
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
	frappe.db.sql(
		"update `tabEscalation Event` set email_pending = 0 where name in %(names)s",
		{"names": [r.name for r in rows]},
	)
	if commit:
		frappe.db.commit()  # nosemgrep: a background job owns its transaction
	return len(by_user)


def process_task(name: str, now=None) -> int:
	"""Run the due steps of one task, exactly once each. Returns how many steps ran."""
	if not frappe.db.sql("select name from `tabCase Task` where name = %s for update", name):
		return 0
	task = frappe.get_doc("Case Task", name)
	policy = policy_for(task)
	if policy is None or task.status in CLOSED:
		frappe.db.set_value("Case Task", name, "next_escalation_at", None, update_modified=False)
		return 0
	now = now or now_datetime()
	cal = calendars.get_calendar()
	done = done_steps(name)
	steps = E.due_steps(policy, clock_for(task, cal), cal, calendars.to_calendar(now, cal), done)
	stages = {s.key: s for s in policy.stages}
	for step in steps:
		_run(task, stages[step.stage], step, now, cal)
		done.update(step.ledger_keys)
		if step.action != "remind":  # a reminder changes nothing on the task itself
			task.reload()
	task.next_escalation_at = next_at(task, done)
	frappe.db.set_value(
		"Case Task", name, "next_escalation_at", task.next_escalation_at, update_modified=False
	)
	return len(steps)


# ------------------------------------------------------------------------------------------ steps
def _run(task, stage: E.Stage, step: E.Step, now, cal):
	"""One step: its effects, then its ledger rows, in one transaction (the caller's)."""
	key = f"{task.name}|{step.stage}|{step.version}"[:140]
	if stage.action == "remind":
		recipients, text, subject, body = _remind(task, stage)
	elif stage.action == "reassign" and _already_moved(task, stage, step):
		# Moved once by this stage and still not acknowledged: no ping-pong between owners, a manager decides.
		manager = E.Stage(
			stage.key,
			stage.watch,
			stage.anchor,
			stage.hours,
			stage.clock,
			"escalate",
			"operations.manager",
			stage.channels,
		)
		recipients, text, subject, body = _escalate(task, manager)
	elif stage.action == "reassign":
		recipients, text, subject, body = _reassign(task, stage, now)
	else:
		recipients, text, subject, body = _escalate(task, stage)
	email = {}
	if subject and recipients:
		if "in_app" in stage.channels:
			notify.in_app(recipients, "Case Task", task.name, subject, body)
		if "email" in stage.channels:
			# Into the outbox with the step; flush_outbox sends one e-mail per person per batch.
			email = {"email_pending": 1, "email_subject": subject, "email_body": body or subject}
	common = {
		"task": task.name,
		"case": task.case,
		"action": step.action,
		"due_at": calendars.to_site(step.at, cal),
		"executed_at": now,
	}
	# The ledger: written once, never updated (an update of the outbox flag would contend with
	# flush_outbox's locks). The unique key refuses a second execution of this step.
	_ledger_row(
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
	for folded, version in step.ledger_keys[1:]:
		# A reminder folded into this one during catch-up is done too: it must not fire later.
		_ledger_row(
			{
				**common,
				"stage": folded,
				"version": version,
				"ledger_key": f"{task.name}|{folded}|{version}"[:140],
				"detail": _("Folded into {0} after an outage.").format(step.stage),
			}
		)
	task.add_comment("Info", text)
	_log(task, stage, step, key, text)


def _ledger_row(values: dict):
	row = frappe.get_doc({"doctype": "Escalation Event", **values})
	row.name = frappe.generate_hash(length=12)
	row.owner = row.modified_by = "Administrator"
	row.creation = row.modified = now_datetime()
	row.db_insert()


def _already_moved(task, stage, step) -> bool:
	return bool(
		frappe.db.exists(
			"Escalation Event",
			{"task": task.name, "stage": stage.key, "version": ["!=", step.version], "action": "reassign"},
		)
	)


def _facts(task) -> dict:
	from legist_routing.services.events import case_facts
	from legist_routing.services.routing import settings

	facts = case_facts(frappe.get_doc("Case", task.case))
	facts["operations.manager"] = settings().operations_manager
	facts["task.assigned_to"] = task.assigned_to
	facts["task.secondary_owner"] = task.secondary_owner
	return facts


def resolve_targets(task, target: str | None) -> list[str]:
	"""Users named by a stage target, in order, without repeats."""
	facts = None
	users: list[str] = []
	for part in split_targets(target):
		if part.startswith("user:"):
			users.append(part[5:])
		elif "@" in part:
			users.append(part)
		elif part.startswith("role:"):
			users += _users_with_role(part[5:])
		elif part == "team.lead":
			from legist_routing.services import assignment

			lead = assignment.team_lead_of(task.assigned_to)
			if lead:
				users.append(lead)
		else:
			facts = facts or _facts(task)
			value = facts.get(F.canonical(part) or part)
			if value:
				users.append(value)
	return list(dict.fromkeys(u for u in users if u))


def _users_with_role(role: str) -> list[str]:
	return frappe.get_all(
		"Has Role",
		filters={"role": role, "parenttype": "User", "parent": ["not in", ("Administrator", "Guest")]},
		pluck="parent",
		order_by="parent asc",
	)


def _remind(task, stage):
	users = [task.assigned_to] if task.assigned_to else []
	if stage.watch == "not_acknowledged":
		subject = _("Reminder: please acknowledge {0}").format(task.title)
	else:
		subject = _("Reminder: {0} is due {1}").format(task.title, frappe.utils.format_datetime(task.due))
	text = _("Escalation {0}: reminded {1}.").format(stage.key, ", ".join(users) or _("nobody (no assignee)"))
	return users, text, subject, subject


def _reassign(task, stage, now):
	from legist_routing.services import assignment

	candidates = [u for u in resolve_targets(task, stage.target) if u != task.assigned_to]
	chosen, why = assignment.first_available(candidates, task)
	if not chosen:
		ops = resolve_targets(task, "operations.manager")
		subject = _("Could not reassign {0}: {1}").format(task.title, why)
		text = _("Escalation {0}: nobody to reassign to ({1}); told the operations manager.").format(
			stage.key, why
		)
		return ops, text, subject, subject
	previous = task.assigned_to
	assignment.reassign(task, chosen, reason="Escalation", note=stage.key, now=now)
	# The new owner is told the way Frappe tells of any assignment (apply.assign).
	text = _("Escalation {0}: not acknowledged by {1}; reassigned to {2}.").format(
		stage.key, previous or "-", chosen
	)
	return [chosen], text, None, None


def _escalate(task, stage):
	users = resolve_targets(task, stage.target)
	outstanding = [row.item for row in task.get("checklist", []) if not row.done and row.required]
	case_title = frappe.db.get_value("Case", task.case, "case_title")
	lines = E.summary_lines(
		task.title, case_title, task.assigned_to, task.due, task.hard_deadline, outstanding
	)
	subject = _("Escalation: {0} on {1}").format(task.title, case_title)
	body = "<br>".join(frappe.utils.escape_html(line) for line in lines)
	frappe.db.set_value(
		"Case Task", task.name, "escalation_level", (task.escalation_level or 0) + 1, update_modified=False
	)
	text = _("Escalation {0}: escalated to {1}. {2}").format(stage.key, ", ".join(users), " ".join(lines))
	return users, text, subject, body


def _log(task, stage, step, key, text):
	from legist_routing.services.routing import write_plain_log

	write_plain_log(
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
		},
	)
