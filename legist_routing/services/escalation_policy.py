"""Escalation policies as the engine's plans: the form's rows mapped, targets resolved, the next step timed.

Planning only: nothing here writes. ``apply`` carries out the steps and re-arms the clock.
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from legist_routing.engine import escalation as E
from legist_routing.engine import facts as F
from legist_routing.engine.escalation import split_targets
from legist_routing.services import assignment, calendars, facts, journal, messages, settings

WATCH = {"Not Acknowledged": "not_acknowledged", "Not Completed": "not_completed"}
ANCHOR = {"After Assignment": "assignment", "Before Due": "due", "Before Hard Deadline": "deadline"}
CLOCK = {"Business Hours": "business", "Calendar Hours": "calendar"}
ACTION = {"Remind Assignee": "remind", "Reassign": "reassign", "Escalate": "escalate"}
CHANNELS = {"In-App and Email": ("in_app", "email"), "In-App": ("in_app",), "Email": ("email",)}
SPECIAL_TARGETS = ("team.lead",)

__all__ = ["split_targets"]


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


def policy_to_json(doc) -> dict:
	"""A policy's content as JSON, in the engine's words (the versions keep it, compare it and restore it):
	its name, description and stages in order."""
	return {
		"policyName": doc.policy_name,
		"description": doc.description or "",
		"stages": [
			{
				"stage": row.stage_key,
				"watch": WATCH.get(row.watch, row.watch),
				"hours": float(row.hours or 0),
				"anchor": ANCHOR.get(row.anchor, row.anchor),
				"clock": CLOCK.get(row.clock or "Business Hours", row.clock),
				"action": ACTION.get(row.action, row.action),
				"target": row.target or None,
				"channels": list(CHANNELS.get(row.channels or "In-App and Email", (row.channels,))),
			}
			for row in doc.stages
		],
	}


def json_to_policy_fields(data: dict) -> dict:
	"""The form's fields of a policy given as ``policy_to_json`` writes it."""

	def form(mapping: dict, value):
		return next((label for label, code in mapping.items() if code == value), value)

	return {
		"policy_name": data["policyName"],
		"description": data.get("description") or "",
		"stages": [
			{
				"stage_key": stage["stage"],
				"watch": form(WATCH, stage["watch"]),
				"hours": stage.get("hours") or 0,
				"anchor": form(ANCHOR, stage["anchor"]),
				"clock": form(CLOCK, stage.get("clock") or "business"),
				"action": form(ACTION, stage["action"]),
				"target": stage.get("target") or None,
				"channels": form(CHANNELS, tuple(stage.get("channels") or ("in_app", "email"))),
			}
			for stage in data.get("stages") or []
		],
	}


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


def policy_for(task, memo: dict | None = None) -> E.Policy | None:
	"""The task's policy. ``memo``: a dict the caller keeps across many tasks (a sweep's batch), so each
	distinct policy is read and mapped once."""
	if memo is None:
		return _policy_for(task)
	escalation = task.escalation if isinstance(task.escalation, str | None) else json.dumps(task.escalation)
	key = (task.escalation_policy, escalation, task.routing_rule or task.name if escalation else None)
	if key not in memo:
		memo[key] = _policy_for(task)
	return memo[key]


def _policy_for(task) -> E.Policy | None:
	if task.escalation_policy:
		return policy_from_doc(frappe.get_cached_doc("Escalation Policy", task.escalation_policy))
	if task.escalation:
		block = json.loads(task.escalation) if isinstance(task.escalation, str) else task.escalation
		if block:
			return E.policy_from_rule_block(block, name=f"rule:{task.routing_rule or task.name}")
	default = settings.get().default_escalation_policy
	if default:
		# From the document cache (a policy deleted since is not there); no query of its own.
		try:
			return policy_from_doc(frappe.get_cached_doc("Escalation Policy", default))
		except frappe.DoesNotExistError:
			frappe.clear_last_message()
	return None


def policy_version(policy: E.Policy | None) -> dict:
	"""``{"policy": name, "policy_version": n}`` of a named policy, as the document cache holds it (the
	copy ``policy_for`` mapped); empty for a rule's own escalation block or none."""
	if policy is None or policy.name.startswith("rule:"):
		return {}
	try:
		version = frappe.get_cached_doc("Escalation Policy", policy.name).get("version")
	except frappe.DoesNotExistError:
		frappe.clear_last_message()
		version = None
	return {"policy": policy.name, "policy_version": version}


# -------------------------------------------------------------------------------------- planning
def clock_for(task, cal) -> E.TaskClock:
	return E.TaskClock(
		assigned_at=calendars.to_calendar(_dt(task.assigned_at), cal) if task.assigned_to else None,
		acknowledged=bool(task.acknowledged_at),
		completed=task.status in settings.CLOSED,
		due=calendars.to_calendar(_dt(task.due), cal),
		hard_deadline=calendars.to_calendar(_dt(task.hard_deadline), cal),
		assignee=task.assigned_to,
		paused=task.status in settings.PAUSED,
		paused_hours=float(task.paused_hours or 0),
	)


def _dt(value):
	return frappe.utils.get_datetime(value) if value else None


def next_at(task, done: set | None = None, memo: dict | None = None):
	"""When the task's next step falls due, in site time; None when nothing is pending."""
	if task.status in settings.CLOSED or task.is_new():
		return None
	policy = policy_for(task, memo)
	if policy is None:
		return None
	cal = calendars.get_calendar()
	done = journal.done_steps(task.name) if done is None else done
	return calendars.to_site(E.next_due_at(policy, clock_for(task, cal), cal, done), cal)


# -------------------------------------------------------------------------------------- targets
def resolve_targets(task, target: str | None) -> list[str]:
	"""Users named by a stage target, in order, without repeats."""
	known = None
	users: list[str] = []
	for part in split_targets(target):
		if part.startswith("user:"):
			users.append(part[5:])
		elif "@" in part:
			users.append(part)
		elif part.startswith("role:"):
			users += users_with_role(part[5:])
		elif part == "team.lead":
			lead = assignment.team_lead_of(task.assigned_to)
			if lead:
				users.append(lead)
		else:
			known = known or facts.escalation_facts(task)
			value = known.get(F.canonical(part) or part)
			if value:
				users.append(value)
	return list(dict.fromkeys(u for u in users if u))


def users_with_role(role: str) -> list[str]:
	return frappe.get_all(
		"Has Role",
		filters={"role": role, "parenttype": "User", "parent": ["not in", ("Administrator", "Guest")]},
		pluck="parent",
		order_by="parent asc",
	)


# ----------------------------------------------------------------------------- what a step says
def reminder(task, stage: E.Stage) -> tuple[list[str], str, str]:
	"""(recipients, timeline text, subject) of a reminder."""
	users = [task.assigned_to] if task.assigned_to else []
	if stage.watch == "not_acknowledged":
		subject = _("Reminder: please acknowledge {0}").format(task.title)
	else:
		subject = _("Reminder: {0} is due {1}").format(task.title, frappe.utils.format_datetime(task.due))
	text = _("Escalation {0}: reminded {1}.").format(stage.key, ", ".join(users) or _("nobody (no assignee)"))
	return users, text, subject


def escalation_summary(task, stage: E.Stage) -> tuple[list[str], str, str, str]:
	"""(recipients, timeline text, subject, e-mail body) of a manager escalation."""
	users = resolve_targets(task, stage.target)
	outstanding = [row.item for row in task.get("checklist", []) if not row.done and row.required]
	case_title = frappe.db.get_value("Case", task.case, "case_title")
	lines = messages.escalation_summary_lines(
		E.summary_codes(task.title, case_title, task.assigned_to, task.due, task.hard_deadline, outstanding)
	)
	subject = _("Escalation: {0} on {1}").format(task.title, case_title)
	body = "<br>".join(frappe.utils.escape_html(line) for line in lines)
	text = _("Escalation {0}: escalated to {1}. {2}").format(stage.key, ", ".join(users), " ".join(lines))
	return users, text, subject, body


def as_manager_escalation(stage: E.Stage) -> E.Stage:
	"""A reassign stage that already moved the task once: a manager decides (no ping-pong)."""
	return E.Stage(
		stage.key,
		stage.watch,
		stage.anchor,
		stage.hours,
		stage.clock,
		"escalate",
		"operations.manager",
		stage.channels,
	)
