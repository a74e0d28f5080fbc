"""The decision: given an event, its facts and the rules, say what must happen and why.

Pure: no Frappe, no clock (``ctx.now`` comes in), no I/O. The services apply the intents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.deadlines import as_date, buffer_due
from legist_routing.engine.rules import Rule

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
	previous: Mapping = field(default_factory=dict)  # canonical path -> value before the change


@dataclass(frozen=True)
class Template:
	name: str
	template_id: str | None = None
	default_slot: str = "case.primary_paralegal"
	estimated_hours: float = 0
	ack_sla_hours: float | None = None
	due_anchor: str = "Assignment"  # or "Response Deadline"
	due_offset_days: int = 0
	checklist: tuple = ()
	kind: str = "Work"  # "Review": never given to whoever prepared the work (four eyes)


@dataclass(frozen=True)
class Context:
	now: dt.datetime  # naive, in the firm's time zone
	templates: Mapping[str, Template] = field(default_factory=dict)  # by id and by name
	due_hour: int = 17
	default_ack_hours: float = 24
	calendar: object = None  # a calendar.BusinessCalendar: buffers that land on a closed day move earlier


# ---------------------------------------------------------------------------------------- intents
@dataclass(frozen=True)
class CreateTask:
	key: str
	rule: str
	case: str | None
	title: str | None  # None: the services name it from title_code
	title_code: tuple = ()
	assignee: str | None = None
	assignee_source: str | None = None
	due: dt.datetime | None = None
	ack_due: dt.datetime | None = None
	hard_deadline: dt.datetime | None = None
	template: str | None = None
	checklist: tuple = ()
	estimated_hours: float = 0
	priority: str | None = None
	kind: str = "Work"
	notice: str | None = None
	escalation: Mapping | None = None
	# Who may take it: the services choose with engine.strategies, using load and leave from the database.
	team: str | None = None  # the pool (None: the team of the first preferred person)
	strategy: tuple = ("role_slot", "least_loaded")
	preferred: tuple = ()  # ((slot, user or None), ...): the fallback chain, in order
	exclude: tuple = ()  # four eyes: who prepared the work under review
	case_type: str | None = None
	practice_group: str | None = None
	language: str | None = None


@dataclass(frozen=True)
class Notify:
	key: str
	rule: str
	case: str | None
	recipients: tuple
	recipient_sources: tuple
	channels: tuple
	topic: Mapping
	subject: str | None = None
	message: str | None = None
	respond_by: dt.datetime | None = None


@dataclass(frozen=True)
class Unresolved:
	key: str
	rule: str
	action_index: int
	code: str
	params: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
	intents: tuple
	trace: dict
	matched: tuple

	@property
	def problems(self) -> tuple:
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
		self._by_trigger: dict[str, tuple[list, dict]] = {}
		for rule in self.rules:
			loose, indexed = self._by_trigger.setdefault(rule.trigger, ([], {}))
			key = self._index_key(rule)
			if key is None:
				loose.append(rule)
			else:
				indexed.setdefault(key[0], {}).setdefault(key[1], []).append(rule)

	@staticmethod
	def _index_key(rule: Rule):
		pairs = [p for p in C.equality_keys(rule.conditions) if p[1] is not None]
		for preferred in INDEX_PREFERENCE:
			for path, value in pairs:
				if path == preferred:
					return path, value
		return pairs[0] if pairs else None

	def __len__(self) -> int:
		return len(self.rules)

	def candidates(self, trigger: str, facts: Mapping) -> tuple[list[Rule], list[dict]]:
		loose, indexed = self._by_trigger.get(trigger, ([], {}))
		found = list(loose)
		pruned = []
		for path, buckets in indexed.items():
			actual = C.normalise(facts.get(path), path)
			hit = buckets.get(actual, [])
			found += hit
			skipped = sum(len(b) for b in buckets.values()) - len(hit)
			if skipped:
				# Name the set-aside rules (up to a few dozen) with the value each needed.
				named = [
					{"rule": r.name, "needs": C.jsonable(value)}
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


def _as_datetime(value) -> dt.datetime | None:
	if value in (None, ""):
		return None
	if isinstance(value, dt.datetime):
		return value.replace(tzinfo=None)
	if isinstance(value, dt.date):
		return dt.datetime.combine(value, dt.time())
	return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


def response_deadline(facts: Mapping) -> dt.date | None:
	"""The external deadline the work protects: the notice's response date, else the case's nearest one."""
	return as_date(facts.get("document.response_due_date")) or as_date(facts.get("case.next_uscis_deadline"))


def _resolve(source: str, facts: Mapping) -> str | None:
	if source.startswith("user:"):
		return source[5:]
	value = facts.get(source)
	return value or None


def _default_title(event: Event, facts: Mapping) -> tuple:
	if event.trigger in ("document.received", "portal.upload"):
		return ("intake", facts.get("document.notice_type") or "Document")
	if event.trigger == "case.status_changed":
		return ("status", facts.get("case.status") or "")
	if event.trigger == "task.status_changed":
		return ("follow_up", facts.get("task.title") or "")
	if event.trigger == "deadline.approaching":
		return ("deadline", facts.get("deadline.days_left"))
	return ("case_intake", facts.get("case.case_title") or facts.get("case.name") or "")


def _due(
	params: Mapping, template: Template | None, facts: Mapping, ctx: Context, notes: list
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
	if params.get("dueInHours") is not None:
		return ctx.now + dt.timedelta(hours=params["dueInHours"])
	if params.get("dueInDays") is not None:
		return ctx.now + dt.timedelta(days=params["dueInDays"])
	if template and template.due_offset_days:
		return ctx.now + dt.timedelta(days=template.due_offset_days)
	return None


def _task_intent(rule: Rule, action, event: Event, facts: Mapping, ctx: Context, key: str, trace: dict):
	params = action.params
	template = None
	if params.get("templateId"):
		template = ctx.templates.get(params["templateId"])
		if template is None:
			return Unresolved(
				key, rule.name, action.index, "unknown_template", {"value": params["templateId"]}
			)
	elif action.kind == "create_task":
		template = ctx.templates.get(action.target)
	if action.kind == "assign":
		source = action.target
	else:
		source = params.get("assignTo") or (template.default_slot if template else "case.primary_paralegal")
	team = (params["_raw"].get("team") or "").strip() or None  # trimmed like "team:NAME"
	if source.startswith("team:"):
		team, assignee, preferred = source[5:], None, ()
	else:
		assignee = _resolve(source, facts)
		# The fallback chain: the named slot, then the case's secondary owner (the team lead and the pool
		# are added by the services, which know the teams).
		preferred = tuple((s, _resolve(s, facts)) for s in dict.fromkeys((source, "case.secondary_owner")))
		if not any(user for _slot, user in preferred) and not team:
			return Unresolved(key, rule.name, action.index, "slot_empty", {"slot": source})
	exclude = ()
	if template is not None and template.kind == "Review" and facts.get("task.assigned_to"):
		exclude = (facts["task.assigned_to"],)
	notes: list = []
	due = _due(params, template, facts, ctx, notes)
	deadline = response_deadline(facts)
	hard = _at(deadline, ctx.due_hour) if deadline else _as_datetime(facts.get("case.hard_deadline"))
	if due is not None and hard is not None and due > hard:
		notes.append({"note": "due_capped_at_deadline"})
		due = hard
	ack_hours = params.get("acknowledgeWithinHours")
	if ack_hours is None:
		ack_hours = template.ack_sla_hours if template and template.ack_sla_hours else ctx.default_ack_hours
	if action.kind == "create_task":
		title, title_code = action.target, ()
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
		notice=facts.get("document.name")
		if event.trigger in ("document.received", "portal.upload")
		else None,
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


def _notify_intent(rule: Rule, action, event: Event, facts: Mapping, ctx: Context, key: str):
	recipients, missing = [], []
	for source in action.target:
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
	)


# --------------------------------------------------------------------------------------- decide
def decide(event: Event, facts: Mapping, rules: RuleSet, ctx: Context) -> Decision:
	"""Evaluate the rules for ``event`` and return the intents to apply with a full trace."""
	candidates, pruned = rules.candidates(event.trigger, facts)
	trace: dict = {"event": event.trigger, "key": event.key, "rules": [], "pruned": pruned}
	intents: list = []
	matched: list[str] = []
	for rule in candidates:
		ok, cond_trace = rule.conditions.evaluate(facts, event.previous)
		entry: dict = {"rule": rule.name, "priority": rule.priority, "matched": ok, "conditions": cond_trace}
		trace["rules"].append(entry)
		if not ok:
			entry["failed"] = _failed_leaves(cond_trace)
			continue
		matched.append(rule.name)
		entry["actions"] = []
		for action in rule.actions:
			key = f"{event.key}|{rule.name}|{action.index}"
			action_trace: dict = {"index": action.index, "kind": action.kind}
			if action.kind == "notify":
				intent = _notify_intent(rule, action, event, facts, ctx, key)
			else:
				intent = _task_intent(rule, action, event, facts, ctx, key, action_trace)
			if isinstance(intent, Unresolved):
				action_trace.update(unresolved=intent.code, params=dict(intent.params))
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


def _failed_leaves(node: dict) -> list[dict]:
	"""The leaf conditions that made a rule fail (for ``not`` groups, the ones that held)."""
	out = []

	def walk(n, negated=False):
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


def explain_failure(entry: dict) -> str:
	"""One line for a manager: why a rule did not fire."""
	parts = []
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
