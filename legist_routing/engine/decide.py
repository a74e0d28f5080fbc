"""The decision: given an event, its facts and the rules, say what must happen and why.

Pure: no Frappe, no clock (``ctx.now`` comes in), no I/O. The services apply the intents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypedDict, cast

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.calendar import BusinessCalendar
from legist_routing.engine.deadlines import as_date, buffer_due
from legist_routing.engine.rules import Action, ActionParams, Rule

# Facts preferred as a rule's index key, most selective first.
INDEX_PREFERENCE = ("document.notice_type", "case.case_type", "task.status", "case.status", "case.priority")


# ----------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Event:
	trigger: str
	key: str  # identifies the event: the same delivery twice has the same key
	case: str | None = None
	reference_doctype: str | None = None
	reference_name: str | None = None
	previous: F.Facts = field(default_factory=dict)  # canonical path -> value before the change


@dataclass(frozen=True)
class Template:
	name: str
	template_id: str | None = None
	default_slot: str = "case.primary_paralegal"
	estimated_hours: float = 0
	ack_sla_hours: float | None = None
	due_anchor: str = "Assignment"  # or "Response Deadline"
	due_offset_days: int = 0
	checklist: tuple[tuple[str, bool, bool], ...] = ()  # (item, required, attachment required)
	kind: str = "Work"  # "Review": never given to whoever prepared the work (four eyes)


@dataclass(frozen=True)
class Context:
	now: dt.datetime  # naive, in the firm's time zone
	templates: Mapping[str, Template] = field(default_factory=dict)  # by id and by name
	due_hour: int = 17
	default_ack_hours: float = 24
	calendar: BusinessCalendar | None = None  # buffers that land on a closed day move earlier


# ---------------------------------------------------------------------------------------- intents
# The triggers whose document is a notice (or an upload) the tasks they make belong to.
NOTICE_TRIGGERS = ("document.received", "portal.upload", "appointment.approaching", "appointment.passed")
# How the services name a task the rule gave no title: (kind, value), e.g. ("intake", "RFE").
TitleCode: TypeAlias = tuple[str, object]


class Topic(TypedDict):
	"""What a notification is about, for the services to word its subject."""

	trigger: str
	case: str | None
	case_title: str | None
	notice_type: str | None
	status: str | None
	task_title: str | None


@dataclass(frozen=True)
class CreateTask:
	key: str
	rule: str
	case: str | None
	title: str | None  # None: the services name it from title_code
	title_code: TitleCode | tuple[()] = ()
	assignee: str | None = None
	assignee_source: str | None = None
	due: dt.datetime | None = None
	ack_due: dt.datetime | None = None
	hard_deadline: dt.datetime | None = None
	template: str | None = None
	checklist: tuple[tuple[str, bool, bool], ...] = ()
	estimated_hours: float = 0
	priority: str | None = None
	kind: str = "Work"
	notice: str | None = None
	escalation: Mapping[str, Any] | None = None  # the rule's escalation block
	# Who may take it: the services choose with engine.strategies, using load and leave from the database.
	team: str | None = None  # the pool (None: the team of the first preferred person)
	strategy: tuple[str, ...] = ("role_slot", "least_loaded")
	preferred: tuple[tuple[str, str | None], ...] = ()  # ((slot, user or None), ...): the fallback chain
	exclude: tuple[str, ...] = ()  # four eyes: who prepared the work under review
	case_type: str | None = None
	practice_group: str | None = None
	language: str | None = None


@dataclass(frozen=True)
class Notify:
	key: str
	rule: str
	case: str | None
	recipients: tuple[str, ...]  # users
	recipient_sources: tuple[str, ...]  # as the rule named them: fact paths or "user:..."
	channels: tuple[str, ...]
	topic: Topic
	subject: str | None = None
	message: str | None = None
	respond_by: dt.datetime | None = None
	# the firm's message template (an Email Template, in the recipient's language): a client gets it in
	# the portal and by e-mail
	template: str | None = None


@dataclass(frozen=True)
class Unresolved:
	key: str
	rule: str
	action_index: int
	code: str
	params: Mapping[str, Any] = field(default_factory=dict)  # for the message (services/messages.py)


Intent: TypeAlias = CreateTask | Notify | Unresolved


# ----------------------------------------------------------------------------------------- traces
class _NoteBase(TypedDict):
	note: str  # no_deadline | due_capped_at_deadline


class Note(_NoteBase, total=False):
	fallback: str


class _ActionTraceBase(TypedDict):
	index: int
	kind: str


class ActionTrace(_ActionTraceBase, total=False):
	intent: str  # the intent's key
	unresolved: str  # or why there is none
	params: dict[str, Any]
	notes: list[Note]


class _RuleTraceBase(TypedDict):
	rule: str
	priority: int
	matched: bool
	conditions: C.Trace


class RuleTrace(_RuleTraceBase, total=False):
	failed: list[C.Trace]  # not matched: the leaves that made it fail
	actions: list[ActionTrace]  # matched


class SetAside(TypedDict):
	rule: str
	needs: object  # the value the rule's index condition needs


class Pruned(TypedDict):
	"""Rules the index set aside for one fact without evaluating them."""

	fact: str
	actual: object
	rules: int
	set_aside: list[SetAside]  # up to RuleSet.NAMED_PRUNED of them


class _DecisionTraceBase(TypedDict):
	event: str
	key: str
	rules: list[RuleTrace]
	pruned: list[Pruned]


class DecisionTrace(_DecisionTraceBase, total=False):
	stopped_by: str
	considered: int  # always there once decide() returns
	matched: list[str]  # always there once decide() returns


@dataclass(frozen=True)
class Decision:
	intents: tuple[Intent, ...]
	trace: DecisionTrace
	matched: tuple[str, ...]

	@property
	def problems(self) -> tuple[Unresolved, ...]:
		return tuple(i for i in self.intents if isinstance(i, Unresolved))


# ---------------------------------------------------------------------------------------- ruleset
class RuleSet:
	"""Enabled rules, grouped by trigger and indexed by one equality condition each.

	A rule that requires ``document.notice_type == "RFE"`` is only evaluated for RFE notices: with a
	thousand rules an event evaluates the handful that could match, and the trace says how many the
	index set aside and why.
	"""

	NAMED_PRUNED = 25

	def __init__(self, rules: Iterable[Rule]):
		self.rules = tuple(r for r in rules if r.enabled)
		self._order = {r.name: i for i, r in enumerate(self.rules)}
		# trigger -> (rules without an index key, {path: {value: rules}})
		self._by_trigger: dict[str, tuple[list[Rule], dict[str, dict[object, list[Rule]]]]] = {}
		for rule in self.rules:
			loose, indexed = self._by_trigger.setdefault(rule.trigger, ([], {}))
			key = self._index_key(rule)
			if key is None:
				loose.append(rule)
			else:
				indexed.setdefault(key[0], {}).setdefault(key[1], []).append(rule)

	@staticmethod
	def _index_key(rule: Rule) -> tuple[str, object] | None:
		pairs = [p for p in C.equality_keys(rule.conditions) if p[1] is not None]
		for preferred in INDEX_PREFERENCE:
			for path, value in pairs:
				if path == preferred:
					return path, value
		return pairs[0] if pairs else None

	def __len__(self) -> int:
		return len(self.rules)

	def candidates(self, trigger: str, facts: F.Facts) -> tuple[list[Rule], list[Pruned]]:
		loose, indexed = self._by_trigger.get(trigger, ([], {}))
		found = list(loose)
		pruned: list[Pruned] = []
		for path, buckets in indexed.items():
			actual = C.normalise(facts.get(path), path)
			hit = buckets.get(actual, [])
			found += hit
			skipped = sum(len(b) for b in buckets.values()) - len(hit)
			if skipped:
				# Name the set-aside rules (up to a few dozen) with the value each needed.
				named = [
					SetAside(rule=r.name, needs=C.jsonable(value))
					for value, bucket in buckets.items()
					if value != actual
					for r in bucket[: self.NAMED_PRUNED]
				][: self.NAMED_PRUNED]
				pruned.append(
					{
						"fact": path,
						"actual": C.jsonable(facts.get(path)),
						"rules": skipped,
						"set_aside": named,
					}
				)
		found.sort(key=lambda r: (-r.priority, self._order[r.name]))
		return found, pruned


# ---------------------------------------------------------------------------------------- helpers
def _at(day: dt.date, hour: int) -> dt.datetime:
	return dt.datetime.combine(day, dt.time(hour=hour))


def _as_datetime(value: object) -> dt.datetime | None:
	if value in (None, ""):
		return None
	if isinstance(value, dt.datetime):
		return value.replace(tzinfo=None)
	if isinstance(value, dt.date):
		return dt.datetime.combine(value, dt.time())
	return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


def response_deadline(facts: F.Facts) -> dt.date | None:
	"""The external deadline the work protects: the notice's response date, else the case's nearest one."""
	return as_date(facts.get("document.response_due_date")) or as_date(facts.get("case.next_uscis_deadline"))


def _resolve(source: str, facts: F.Facts) -> str | None:
	if source.startswith("user:"):
		return source[5:]
	value = facts.get(source)
	return value or None


def _default_title(event: Event, facts: F.Facts) -> TitleCode:
	if event.trigger in ("document.received", "portal.upload"):
		return ("intake", facts.get("document.notice_type") or "Document")
	if event.trigger == "case.status_changed":
		return ("status", facts.get("case.status") or "")
	if event.trigger == "task.status_changed":
		return ("follow_up", facts.get("task.title") or "")
	if event.trigger == "deadline.approaching":
		return ("deadline", facts.get("deadline.days_left"))
	if event.trigger in ("appointment.approaching", "appointment.passed"):
		return ("appointment", facts.get("document.notice_type") or "Appointment")
	return ("case_intake", facts.get("case.case_title") or facts.get("case.name") or "")


def _due(
	params: ActionParams, template: Template | None, facts: F.Facts, ctx: Context, notes: list[Note]
) -> dt.datetime | None:
	before = params.get("dueDaysBeforeDeadline")
	if before is None and template and template.due_anchor == "Response Deadline":
		before = template.due_offset_days
	if before is not None:
		deadline = response_deadline(facts)
		if deadline is not None:
			if ctx.calendar is not None:
				return buffer_due(ctx.calendar, deadline, int(before), ctx.due_hour)
			return _at(deadline - dt.timedelta(days=before), ctx.due_hour)
		notes.append({"note": "no_deadline", "fallback": "dueInDays"})
	in_hours, in_days = params.get("dueInHours"), params.get("dueInDays")
	if in_hours is not None:
		return ctx.now + dt.timedelta(hours=in_hours)
	if in_days is not None:
		return ctx.now + dt.timedelta(days=in_days)
	if template and template.due_offset_days:
		return ctx.now + dt.timedelta(days=template.due_offset_days)
	return None


def _task_intent(
	rule: Rule, action: Action, event: Event, facts: F.Facts, ctx: Context, key: str, trace: ActionTrace
) -> CreateTask | Unresolved:
	params = action.params
	target = cast(str, action.target)  # assign: who; create_task: the title (only notify has a tuple)
	template: Template | None = None
	if params.get("templateId"):
		template = ctx.templates.get(params["templateId"])
		if template is None:
			return Unresolved(
				key, rule.name, action.index, "unknown_template", {"value": params["templateId"]}
			)
	elif action.kind == "create_task":
		template = ctx.templates.get(target)
	if action.kind == "assign":
		source = target
	else:
		source = params.get("assignTo") or (template.default_slot if template else "case.primary_paralegal")
	team: str | None = (params["_raw"].get("team") or "").strip() or None  # trimmed like "team:NAME"
	assignee: str | None
	preferred: tuple[tuple[str, str | None], ...]
	if source.startswith("team:"):
		team, assignee, preferred = source[5:], None, ()
	else:
		assignee = _resolve(source, facts)
		# The fallback chain: the named slot, then the case's secondary owner (the team lead and the pool
		# are added by the services, which know the teams).
		preferred = tuple((s, _resolve(s, facts)) for s in dict.fromkeys((source, "case.secondary_owner")))
		if not any(user for _slot, user in preferred) and not team:
			return Unresolved(key, rule.name, action.index, "slot_empty", {"slot": source})
	exclude: tuple[str, ...] = ()
	if template is not None and template.kind == "Review" and facts.get("task.assigned_to"):
		exclude = (facts["task.assigned_to"],)
	notes: list[Note] = []
	due = _due(params, template, facts, ctx, notes)
	deadline = response_deadline(facts)
	hard = _at(deadline, ctx.due_hour) if deadline else _as_datetime(facts.get("case.hard_deadline"))
	if due is not None and hard is not None and due > hard:
		notes.append({"note": "due_capped_at_deadline"})
		due = hard
	ack_hours = params.get("acknowledgeWithinHours")
	if ack_hours is None:
		ack_hours = template.ack_sla_hours if template and template.ack_sla_hours else ctx.default_ack_hours
	title: str | None
	title_code: TitleCode | tuple[()]
	if action.kind == "create_task":
		title, title_code = target, ()
	elif params["_raw"].get("task"):
		title, title_code = params["_raw"]["task"], ()
	else:
		title, title_code = None, _default_title(event, facts)
	if notes:
		trace["notes"] = notes
	return CreateTask(
		key=key,
		rule=rule.name,
		case=event.case,
		title=title,
		title_code=title_code,
		assignee=assignee,
		assignee_source=source,
		due=due,
		ack_due=ctx.now + dt.timedelta(hours=ack_hours),
		hard_deadline=hard,
		template=template.name if template else None,
		checklist=template.checklist if template else (),
		estimated_hours=template.estimated_hours if template else 0,
		priority=(params["_raw"].get("priority") or facts.get("case.priority") or "Standard").title(),
		notice=facts.get("document.name") if event.trigger in NOTICE_TRIGGERS else None,
		kind=template.kind if template else "Work",
		escalation=rule.escalation,
		team=team,
		strategy=params.get("strategy")
		or (("role_slot", "least_loaded") if preferred else ("least_loaded",)),
		preferred=preferred,
		exclude=exclude,
		case_type=facts.get("case.case_type"),
		practice_group=facts.get("case.practice_group"),
		language=facts.get("case.preferred_language"),
	)


def _notify_intent(
	rule: Rule, action: Action, event: Event, facts: F.Facts, ctx: Context, key: str
) -> Notify | Unresolved:
	recipients: list[str] = []
	missing: list[str] = []
	for source in action.target:  # a notify's target: the tuple of recipients
		user = _resolve(source, facts)
		(recipients if user else missing).append(user or source)
	if missing:
		return Unresolved(key, rule.name, action.index, "slot_empty", {"slot": ", ".join(missing)})
	hours = action.params.get("notifyWithinHours")
	raw = action.params["_raw"]
	return Notify(
		key=key,
		rule=rule.name,
		case=event.case,
		recipients=tuple(dict.fromkeys(recipients)),
		recipient_sources=tuple(action.target),
		channels=action.params["channels"],
		topic={
			"trigger": event.trigger,
			"case": event.case,
			"case_title": facts.get("case.case_title"),
			"notice_type": facts.get("document.notice_type"),
			"status": facts.get("case.status"),
			"task_title": facts.get("task.title"),
		},
		subject=raw.get("subject"),
		message=raw.get("message"),
		respond_by=ctx.now + dt.timedelta(hours=hours) if hours is not None else None,
		template=raw.get("template"),
	)


# --------------------------------------------------------------------------------------- decide
def decide(event: Event, facts: F.Facts, rules: RuleSet, ctx: Context) -> Decision:
	"""Evaluate the rules for ``event`` and return the intents to apply with a full trace."""
	candidates, pruned = rules.candidates(event.trigger, facts)
	trace: DecisionTrace = {"event": event.trigger, "key": event.key, "rules": [], "pruned": pruned}
	intents: list[Intent] = []
	matched: list[str] = []
	for rule in candidates:
		ok, cond_trace = rule.conditions.evaluate(facts, event.previous)
		entry: RuleTrace = {
			"rule": rule.name,
			"priority": rule.priority,
			"matched": ok,
			"conditions": cond_trace,
		}
		trace["rules"].append(entry)
		if not ok:
			entry["failed"] = _failed_leaves(cond_trace)
			continue
		matched.append(rule.name)
		entry["actions"] = []
		for action in rule.actions:
			key = f"{event.key}|{rule.name}|{action.index}"
			action_trace: ActionTrace = {"index": action.index, "kind": action.kind}
			intent: Intent
			if action.kind == "notify":
				intent = _notify_intent(rule, action, event, facts, ctx, key)
			else:
				intent = _task_intent(rule, action, event, facts, ctx, key, action_trace)
			if isinstance(intent, Unresolved):
				action_trace["unresolved"] = intent.code
				action_trace["params"] = dict(intent.params)
			else:
				action_trace["intent"] = key
			entry["actions"].append(action_trace)
			intents.append(intent)
		if rule.stop_processing:
			trace["stopped_by"] = rule.name
			break
	trace["considered"] = len(candidates)
	trace["matched"] = matched
	return Decision(tuple(intents), trace, tuple(matched))


def _failed_leaves(node: C.Trace) -> list[C.Trace]:
	"""The leaf conditions that made a rule fail (for ``not`` groups, the ones that held)."""
	out: list[C.Trace] = []

	def walk(n: C.Trace, negated: bool = False) -> None:
		for kind in ("all", "any", "not"):
			if kind in n:
				if n.get("result") != negated:
					return  # this group held as required: nothing inside it made the rule fail
				for child in n[kind]:
					walk(child, negated != (kind == "not"))
				return
		if n.get("result") == negated:
			leaf = {k: v for k, v in n.items() if k != "result"}
			if negated:
				leaf["negated"] = True  # inside a "not": the rule needed this condition not to hold
			out.append(leaf)

	walk(node)
	return out


def explain_failure(entry: Mapping[str, Any]) -> str:
	"""One line for a manager: why a rule did not fire (``entry``: a :class:`RuleTrace`, or one read back
	from the Routing Log's JSON)."""
	parts: list[str] = []
	for leaf in entry.get("failed", []):
		op = ("not " if leaf.get("negated") else "") + str(leaf.get("op"))
		if leaf.get("op") == "changed":
			how = "changed, which the rule excludes" if leaf.get("negated") else "did not change as required"
			parts.append(f"{leaf['fact']} {how} (was {leaf.get('before')!r}, now {leaf.get('actual')!r})")
		elif "value" in leaf:
			parts.append(f"{leaf['fact']} is {leaf.get('actual')!r}, rule needs {op} {leaf['value']!r}")
		else:
			parts.append(f"{leaf['fact']} is {leaf.get('actual')!r}, rule needs {op}")
	return "; ".join(parts)


__all__ = [
	"Context",
	"CreateTask",
	"Decision",
	"Event",
	"F",
	"Notify",
	"RuleSet",
	"Template",
	"Unresolved",
	"decide",
	"explain_failure",
]
