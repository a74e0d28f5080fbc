"""Escalation ladders: when each step of a task's ladder falls due. Planning only, no I/O.

A :class:`Policy` is an ordered set of :class:`Stage` s. Each stage *watches* a condition
(``not_acknowledged`` or ``not_completed``), is *anchored* on a time (``assignment``: hours after the
task was assigned; ``due``: hours before the task's due time; ``deadline``: hours before the hard
deadline), counts on a *clock* (``business``: the calendar's open hours; ``calendar``: elapsed real
time) and then takes an *action* (``remind`` the assignee, ``reassign`` to a target, ``escalate`` to
targets with a summary).

Rules:

- A completed task has no steps; an acknowledged task has no ``not_acknowledged`` steps.
- Every step carries a *version*: a string that changes when what the stage depends on changes
  (the assignee and assignment time; the due time; the hard deadline). A database ledger elsewhere
  records ``(stage, version)`` once executed, so a step fires exactly once per version and re-arms
  by itself after a reassignment or a moved deadline.
- Catch-up: after an outage several steps may be overdue at once. They run in order, except that
  overdue reminders collapse into the last one (the others are listed in ``collapsed``) so nobody gets
  a reminder storm. Reassignments and escalations all run.

Targets are fact paths (``case.secondary_owner``, ``team.lead``, ``operations.manager``,
``case.lead_attorney``), ``user:someone@firm.test`` or ``role:Legist Manager``; several may be given
comma-separated. For ``reassign`` they are alternatives (the first that names someone wins); for
``escalate`` every one is notified. Resolving them to people is the services' job.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from legist_routing.engine import facts as F
from legist_routing.engine.calendar import (
	BusinessCalendar,
	add_business_hours,
	add_calendar_hours,
	as_wall,
	subtract_business_hours,
)

WATCHES = ("not_acknowledged", "not_completed")
ANCHORS = ("assignment", "due", "deadline")
CLOCKS = ("business", "calendar")
ACTIONS = ("remind", "reassign", "escalate")
CHANNELS = ("in_app", "email")
DEFAULT_ESCALATE_TO = "operations.manager"


def split_targets(target: str | Sequence[str] | None) -> tuple[str, ...]:
	"""``"a, b"`` or ``["a", "b"]`` -> ``("a", "b")``, blanks dropped."""
	if target is None:
		return ()
	parts = target.split(",") if isinstance(target, str) else [p for t in target for p in str(t).split(",")]
	return tuple(p.strip() for p in parts if p.strip())


def normalise_target(value: str) -> str:
	"""One target in its stored spelling: fact paths canonical (``case.leadAttorney`` ->
	``case.lead_attorney``), e-mail addresses as ``user:...``; ``role:``/``user:`` and unknown paths
	such as ``team.lead`` are kept as written."""
	value = value.strip()
	if value.startswith(("user:", "role:")):
		return value
	if "@" in value or value == "Administrator":
		return "user:" + value
	return F.canonical(value) or value


@dataclass(frozen=True)
class Stage:
	"""One rung of a ladder (see the module docstring for the meaning of each field)."""

	key: str
	watch: str
	anchor: str
	hours: float
	clock: str = "business"
	action: str = "remind"
	target: str | None = None
	channels: tuple[str, ...] = CHANNELS

	def __post_init__(self) -> None:
		for name, allowed in (
			("watch", WATCHES),
			("anchor", ANCHORS),
			("clock", CLOCKS),
			("action", ACTIONS),
		):
			if getattr(self, name) not in allowed:
				raise ValueError(f"stage {self.key!r}: {name} must be one of {', '.join(allowed)}")
		if not isinstance(self.key, str) or not self.key.strip():
			raise ValueError("stage: key is required")
		hours = _number(self.hours, f"stage {self.key!r}: hours")
		object.__setattr__(self, "hours", hours)
		channels = (self.channels,) if isinstance(self.channels, str) else tuple(self.channels)
		for channel in channels:
			if channel not in CHANNELS:
				raise ValueError(f"stage {self.key!r}: channel must be one of {', '.join(CHANNELS)}")
		object.__setattr__(self, "channels", channels)

	@property
	def targets(self) -> tuple[str, ...]:
		"""The comma-separated ``target`` as a tuple (empty for a reminder to the assignee)."""
		return split_targets(self.target)


def _number(value: float, where: str) -> float:
	"""``value`` (declared a float, but whatever the caller passed) as a finite float of zero or more."""
	try:
		number = float(value) if not isinstance(value, bool) else math.nan
	except (TypeError, ValueError):
		number = math.nan
	if not math.isfinite(number) or number < 0:
		raise ValueError(f"{where} must be a number of hours, zero or more; got {value!r}")
	return number


@dataclass(frozen=True)
class Policy:
	"""A named ladder; stage keys are unique and their order breaks ties between steps due together."""

	name: str
	stages: tuple[Stage, ...]

	def __post_init__(self) -> None:
		stages = tuple(self.stages)
		keys = [s.key for s in stages]
		for key in keys:
			if keys.count(key) > 1:
				raise ValueError(f"policy {self.name!r}: stage key {key!r} is used twice")
		object.__setattr__(self, "stages", stages)

	def stage(self, key: str) -> Stage:
		for stage in self.stages:
			if stage.key == key:
				return stage
		raise KeyError(key)


# The practice guide's X/Y/Z ladder for critical items tied to USCIS deadlines:
# X = 4 business hours not acknowledged -> remind the assignee in-app and by e-mail;
# Y = 24 business hours not acknowledged -> reassign to the secondary owner, else the team lead;
# Z = 72 hours before the hard deadline and not completed -> escalate to the operations manager and
#     the lead attorney with a summary of what is outstanding. Z counts real (calendar) hours: three
#     days before the deadline is what the guide means, and 72 *business* hours (nine working days)
#     would fire before a task due a week ahead of the deadline was even late.
GUIDE_POLICY = Policy(
	name="guide",
	stages=(
		Stage("remind", "not_acknowledged", "assignment", 4, action="remind"),
		Stage(
			"reassign",
			"not_acknowledged",
			"assignment",
			24,
			action="reassign",
			target="case.secondary_owner,team.lead",
		),
		Stage(
			"escalate",
			"not_completed",
			"deadline",
			72,
			clock="calendar",
			action="escalate",
			target="operations.manager,case.lead_attorney",
		),
	),
)


def _block_targets(value: object) -> str | None:
	parts = split_targets(value if isinstance(value, str | list | tuple) else None)
	return ",".join(normalise_target(p) for p in parts) or None


def policy_from_rule_block(block: Mapping[str, Any], name: str) -> Policy:
	"""The policy a routing rule's ``escalation`` block describes (all hours are business hours).

	- ``remindAfterHours: h`` -> stage ``remind``: remind the assignee h hours after assignment if
	not acknowledged.
	- ``ifNotAcknowledgedHours: h`` -> h hours after assignment if not acknowledged: with
	``reassignTo``, stage ``reassign`` to it and then (same moment, next in order) stage ``escalate``
	to ``escalateTo`` when given; without ``reassignTo``, stage ``escalate`` to ``escalateTo``
	(default ``operations.manager``). The guide's ``{"ifNotAcknowledgedHours": 24, "escalateTo":
	"operations.manager"}`` is one escalate stage at 24 business hours.
	- ``ifNotCompletedHours: h`` -> stage ``escalate_incomplete``: h hours before the task's due time
	(its hard deadline when it has no due time) if not completed, to ``escalateTo`` (default
	``operations.manager``).

	``escalateTo``/``reassignTo`` may be a string (comma-separated allowed) or a list. The ``policy``
	key (a named Escalation Policy) is the services' business and ignored here, as are targets
	without hours.
	"""
	escalate_to = _block_targets(block.get("escalateTo"))
	reassign_to = _block_targets(block.get("reassignTo"))
	stages: list[Stage] = []
	if block.get("remindAfterHours") is not None:
		stages.append(
			Stage("remind", "not_acknowledged", "assignment", block["remindAfterHours"], action="remind")
		)
	if block.get("ifNotAcknowledgedHours") is not None:
		hours = block["ifNotAcknowledgedHours"]
		if reassign_to:
			stages.append(
				Stage(
					"reassign", "not_acknowledged", "assignment", hours, action="reassign", target=reassign_to
				)
			)
		if escalate_to or not reassign_to:
			stages.append(
				Stage(
					"escalate",
					"not_acknowledged",
					"assignment",
					hours,
					action="escalate",
					target=escalate_to or DEFAULT_ESCALATE_TO,
				)
			)
	if block.get("ifNotCompletedHours") is not None:
		stages.append(
			Stage(
				"escalate_incomplete",
				"not_completed",
				"due",
				block["ifNotCompletedHours"],
				action="escalate",
				target=escalate_to or DEFAULT_ESCALATE_TO,
			)
		)
	return Policy(name=name, stages=tuple(stages))


# ------------------------------------------------------------------------------------------ planning
@dataclass(frozen=True)
class TaskClock:
	"""What a ladder depends on, as naive wall times in the calendar's zone."""

	assigned_at: dt.datetime | None = None
	acknowledged: bool = False
	completed: bool = False
	due: dt.datetime | None = None
	hard_deadline: dt.datetime | None = None
	assignee: str | None = None
	# Waiting on the client or a third party: only the stages that count to the legal deadline run.
	paused: bool = False
	# Business hours spent waiting so far: the assignment clock resumes where it stopped.
	paused_hours: float = 0.0


@dataclass(frozen=True)
class Step:
	"""One step due at ``at`` (naive wall time) for deadline ``version`` of its stage.

	``collapsed`` names reminder stages folded into this one during catch-up, ``collapsed_versions``
	their versions (same order); :attr:`ledger_keys` lists every ``(stage, version)`` to record.
	"""

	stage: str
	at: dt.datetime
	version: str
	action: str
	collapsed: tuple[str, ...] = ()
	collapsed_versions: tuple[str, ...] = ()

	@property
	def ledger_keys(self) -> tuple[tuple[str, str], ...]:
		return ((self.stage, self.version), *zip(self.collapsed, self.collapsed_versions, strict=True))


def _anchor(stage: Stage, clock: TaskClock) -> tuple[dt.datetime | None, str]:
	"""The time a stage counts from and the version string that identifies it."""
	if stage.anchor == "assignment":
		if clock.assigned_at is None:
			return None, ""
		return clock.assigned_at, f"{clock.assignee or ''}@{clock.assigned_at.isoformat()}"
	moment = clock.hard_deadline if stage.anchor == "deadline" else clock.due or clock.hard_deadline
	return moment, (moment.isoformat() if moment is not None else "")


def _when(stage: Stage, anchor: dt.datetime, cal: BusinessCalendar, paused_hours: float = 0.0) -> dt.datetime:
	sign = 1 if stage.anchor == "assignment" else -1
	if stage.clock == "calendar":
		at = add_calendar_hours(cal, as_wall(cal, anchor), sign * stage.hours)
		# a pause is measured in business time; a calendar-clock stage is moved by as much of it
		return add_business_hours(cal, at, paused_hours) if sign > 0 and paused_hours else at
	if sign > 0:
		return add_business_hours(cal, anchor, stage.hours + paused_hours)
	return subtract_business_hours(cal, anchor, stage.hours)


def schedule(policy: Policy, clock: TaskClock, cal: BusinessCalendar) -> list[Step]:
	"""Every step of ``policy`` that applies to the task now, sorted by due time (then stage order).

	A completed task has none; an acknowledged one has no ``not_acknowledged`` steps; a stage whose
	anchor is missing (not assigned, no due time, no hard deadline) has none. A paused task keeps only
	the stages anchored on its legal deadline; the assignment clock resumes ``paused_hours`` later (the
	due time itself is moved by the services when the task resumes).
	"""
	if clock.completed:
		return []
	planned = []
	for order, stage in enumerate(policy.stages):
		if stage.watch == "not_acknowledged" and clock.acknowledged:
			continue
		if clock.paused and stage.anchor != "deadline":
			continue
		anchor, version = _anchor(stage, clock)
		if anchor is None:
			continue
		at = _when(stage, anchor, cal, clock.paused_hours if stage.anchor == "assignment" else 0.0)
		planned.append((at, order, Step(stage.key, at, version, stage.action)))
	planned.sort(key=lambda p: (p[0], p[1]))
	return [p[2] for p in planned]


def next_due_at(
	policy: Policy, clock: TaskClock, cal: BusinessCalendar, done: Collection[tuple[str, str]]
) -> dt.datetime | None:
	"""When the earliest step not yet in ``done`` (``(stage, version)`` pairs) falls due, or ``None``.

	The time may already be past (a step overdue); the sweep then runs it at once."""
	for step in schedule(policy, clock, cal):
		if (step.stage, step.version) not in done:
			return step.at
	return None


def due_steps(
	policy: Policy,
	clock: TaskClock,
	cal: BusinessCalendar,
	now: dt.datetime,
	done: Collection[tuple[str, str]],
) -> list[Step]:
	"""The steps to run at ``now``: due (``at <= now``) and not in ``done``, in order.

	Catch-up: when more than one reminder is overdue only the last is returned, with the others in its
	``collapsed``/``collapsed_versions`` (record them all, see :attr:`Step.ledger_keys`).
	"""
	now = as_wall(cal, now)
	pending = [s for s in schedule(policy, clock, cal) if s.at <= now and (s.stage, s.version) not in done]
	reminders = [s for s in pending if s.action == "remind"]
	if len(reminders) < 2:
		return pending
	last, folded = reminders[-1], reminders[:-1]
	merged = replace(
		last,
		collapsed=tuple(s.stage for s in folded),
		collapsed_versions=tuple(s.version for s in folded),
	)
	return [merged if s is last else s for s in pending if s.action != "remind" or s is last]


# ------------------------------------------------------------------------------------------ summary
# A line of the manager's summary as a code and its parameters, for services/messages.py to word in the
# reader's language (summary_lines below words them in English):
#   ("task", {"title"}), ("case", {"title"}), ("assignee", {"user"}): None when not set;
#   ("due", Moment), ("hard_deadline", Moment); then ("outstanding", {"count"}) and one ("item", {"text"})
#   per open checklist item, or ("nothing_outstanding", {}).
# A Moment is {"at": the datetime, date or text given (None: not set)}, with, when ``now`` is given and
# ``at`` is a date or datetime, "ahead" (True: still to come) and either "hours" (under 48) or "days".
SummaryLine: TypeAlias = tuple[str, dict[str, Any]]


def _moment_code(value: dt.datetime | dt.date | str | None, now: dt.datetime | None) -> dict[str, Any]:
	if value is None or value == "":
		return {"at": None}
	code: dict[str, Any] = {"at": value}
	if now is None or isinstance(value, str):
		return code
	if isinstance(value, dt.datetime):
		moment = value.replace(tzinfo=None)
	else:
		moment = dt.datetime.combine(value, dt.time(23, 59, 59))
	hours = (moment - now.replace(tzinfo=None)).total_seconds() / 3600
	amount = abs(hours)
	code["ahead"] = hours >= 0
	if amount < 48:
		code["hours"] = int(f"{amount:.0f}")
	else:
		code["days"] = round(amount / 24)
	return code


def summary_codes(
	task_title: str | None,
	case_title: str | None,
	assignee: str | None,
	due: dt.datetime | dt.date | str | None,
	hard_deadline: dt.datetime | dt.date | str | None,
	outstanding_checklist: list[str],
	now: dt.datetime | None = None,
) -> list[SummaryLine]:
	"""The manager's summary of an escalated task, one coded line per fact, then what is still
	outstanding. With ``now`` each time also says how far away (or how long ago) it is."""
	lines: list[SummaryLine] = [
		("task", {"title": task_title or None}),
		("case", {"title": case_title or None}),
		("assignee", {"user": assignee or None}),
		("due", _moment_code(due, now)),
		("hard_deadline", _moment_code(hard_deadline, now)),
	]
	items = [str(i).strip() for i in outstanding_checklist or () if str(i).strip()]
	if items:
		lines.append(("outstanding", {"count": len(items)}))
		lines += [("item", {"text": item}) for item in items]
	else:
		lines.append(("nothing_outstanding", {}))
	return lines


def _moment(code: dict[str, Any]) -> str:
	value = code["at"]
	if value is None:
		return "not set"
	if isinstance(value, str):
		return value
	text = f"{value:%a %d %b %Y %H:%M}" if isinstance(value, dt.datetime) else f"{value:%a %d %b %Y}"
	if "hours" in code:
		unit = f"{code['hours']} hour" + ("" if code["hours"] == 1 else "s")
	elif "days" in code:
		unit = f"{code['days']} days"
	else:
		return text
	return f"{text} (" + (f"in {unit}" if code["ahead"] else f"{unit} ago") + ")"


def summary_lines(
	task_title: str | None,
	case_title: str | None,
	assignee: str | None,
	due: dt.datetime | dt.date | str | None,
	hard_deadline: dt.datetime | dt.date | str | None,
	outstanding_checklist: list[str],
	now: dt.datetime | None = None,
) -> list[str]:
	""":func:`summary_codes` in plain English (tests, logs); users read them through services/messages.py."""
	codes = summary_codes(task_title, case_title, assignee, due, hard_deadline, outstanding_checklist, now)
	return [_english(code, params) for code, params in codes]


def _english(code: str, p: dict[str, Any]) -> str:
	if code == "task":
		return f"Task: {p['title'] or 'Untitled task'}"
	if code == "case":
		return f"Case: {p['title'] or 'no case'}"
	if code == "assignee":
		return f"Assigned to: {p['user'] or 'nobody'}"
	if code == "due":
		return f"Due: {_moment(p)}"
	if code == "hard_deadline":
		return f"Hard deadline: {_moment(p)}"
	if code == "outstanding":
		return f"Outstanding: {p['count']} checklist item" + ("" if p["count"] == 1 else "s")
	if code == "item":
		return f"- {p['text']}"
	return "Outstanding: no checklist items; the task itself is still open"
