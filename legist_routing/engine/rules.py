"""Routing rules as data: parsing with every problem named, and export back to the guide's shape.

A rule as the practice guide writes it::

        {
            "ruleName": "RFE_Adjustment_Assign",
            "trigger": "document.received",
            "conditions": {
                "document.type": "RFE",
                "case.type": "Adjustment of Status",
                "case.priority": "standard",
            },
            "actions": [
                {"assign": "case.primaryParalegal", "dueInDays": 3},
                {"notify": "case.leadAttorney", "method": "inApp", "notifyWithinHours": 2},
                {"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
            ],
            "escalation": {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"},
        }
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypedDict

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.problems import Problem, RuleError, hint, shown, unstorable
from legist_routing.engine.strategies import STRATEGIES, parse_chain

RULE_KEYS = (
	"ruleName",
	"trigger",
	"conditions",
	"actions",
	"escalation",
	"priority",
	"enabled",
	"stopProcessing",
	"description",
)
ACTION_KINDS = {"assign": "assign", "notify": "notify", "createTask": "create_task"}
NumericKey: TypeAlias = Literal[
	"dueInDays", "dueInHours", "dueDaysBeforeDeadline", "acknowledgeWithinHours", "notifyWithinHours"
]
NUMERIC_KEYS: tuple[NumericKey, ...] = (
	"dueInDays",
	"dueInHours",
	"dueDaysBeforeDeadline",
	"acknowledgeWithinHours",
	"notifyWithinHours",
)
_COMMON = (*NUMERIC_KEYS[:4], "priority")
ACTION_KEYS = {
	"assign": ("assign", "task", "templateId", "strategy", "team", *_COMMON),
	"notify": ("notify", "method", "notifyWithinHours", "subject", "message", "template"),
	"create_task": ("createTask", "templateId", "assignTo", "strategy", "team", *_COMMON),
}
METHODS = {"inApp": ("in_app",), "email": ("email",), "both": ("in_app", "email")}
ESCALATION_KEYS = (
	"ifNotAcknowledgedHours",
	"ifNotCompletedHours",
	"remindAfterHours",
	"escalateTo",
	"reassignTo",
	"policy",
)
PRIORITIES = ("urgent", "high", "standard", "low")

# Bounds. Names fit the database's columns (a Routing Rule's name, Data fields, links: 140 characters);
# no window or offset reaches beyond a year; a rule's priority stays well inside the column's integer.
MAX_NAME = 140
MAX_TEXT = 10_000  # a description or a notification's message
MAX_DAYS = 365
MAX_HOURS = MAX_DAYS * 24
MAX_PRIORITY = 1_000_000
DAY_KEYS = ("dueInDays", "dueDaysBeforeDeadline")
# Escalation targets besides recipients: everyone with a role, the assignee's team lead.
ESCALATION_SPECIAL = ("team.lead",)
# An action's texts and their bounds: a task's title and an Email Template are names; a subject and a
# message are text (a subject fits a Data column).
# (limit, a name?)
TEXT_LIMITS = {
	"task": (MAX_NAME, True),
	"template": (MAX_NAME, True),
	"subject": (MAX_NAME, False),
	"message": (MAX_TEXT, False),
}
_TAG = re.compile(r"<\s*[A-Za-z/!?]")  # the start of an HTML tag, comment or declaration


def text_problems(value: object, where: str, limit: int = MAX_NAME, name: bool = True) -> list[Problem]:
	"""What is wrong with a text a rule stores: not text (or blank), characters no column can store,
	longer than ``limit``, markup. A ``name`` (a rule's, a task's title, a team, a template, a person)
	refuses any '<' or '>' and line breaks; other text (a subject, a message, a description) refuses only
	what starts an HTML tag."""
	if not isinstance(value, str) or not value.strip():
		return [Problem(where, "not_text")]
	if unstorable(value, newlines=not name):
		return [Problem(where, "bad_characters")]
	if len(value.strip()) > limit:
		return [Problem(where, "too_long", {"max": limit, "length": len(value.strip())})]
	if ("<" in value or ">" in value) if name else _TAG.search(value) is not None:
		return [Problem(where, "markup")]
	return []


class ActionParams(TypedDict, total=False):
	"""An action's parsed parameters: the action as written (``_raw``, always there once parsed), the
	keys it wrote, and ``channels`` for notify."""

	_raw: dict[str, Any]
	dueInDays: float
	dueInHours: float
	dueDaysBeforeDeadline: float
	acknowledgeWithinHours: float
	notifyWithinHours: float
	channels: tuple[str, ...]  # notify: in_app / email, in order
	assignTo: str  # create_task: a recipient or "team:NAME"
	strategy: tuple[str, ...]  # the parsed chain (engine.strategies)
	templateId: str


@dataclass(frozen=True)
class Action:
	index: int
	kind: str  # assign | notify | create_task
	target: str | tuple[str, ...]  # assign: recipient; notify: tuple of recipients; create_task: title
	params: ActionParams = field(default_factory=ActionParams)

	@property
	def raw(self) -> dict[str, Any]:
		return self.params["_raw"]


@dataclass(frozen=True)
class Rule:
	name: str
	trigger: str
	conditions: C.Node
	actions: tuple[Action, ...]
	escalation: dict[str, Any] | None = None
	priority: int = 0
	enabled: bool = True
	stop_processing: bool = False
	description: str = ""
	source: dict[str, Any] = field(default_factory=dict, compare=False)


def _recipient(
	value: object, where: str, trigger: str | None, escalation: bool = False
) -> tuple[str | None, list[Problem]]:
	"""A recipient is a person-valued fact (``case.leadAttorney``) or a user id / e-mail; an escalation
	may also name everyone with a role (``role:Legist Manager``) or the assignee's ``team.lead``."""
	if not isinstance(value, str) or not value.strip():
		return None, [Problem(where, "not_text")]
	value = value.strip()
	if escalation and value in ESCALATION_SPECIAL:
		return value, []
	if escalation and value.startswith("role:"):
		role = value[5:].strip()
		problems = text_problems(role, where)
		return (None, problems) if problems else ("role:" + role, [])
	if value.startswith("user:"):
		value = value[5:]
	if "@" in value or value == "Administrator":
		problems = text_problems(value, where)
		return (None, problems) if problems else ("user:" + value, [])
	path = F.canonical(value)
	if path is None or F.FACTS.get(path) != F.USER:
		camel = any(c.isupper() for c in value)
		known = [F.camel(p) if camel else p for p in F.RECIPIENT_FACTS]
		choices = [*known, "user:EMAIL", *(("role:ROLE", *ESCALATION_SPECIAL) if escalation else ())]
		return None, [
			Problem(where, "unknown_recipient", {"value": value, "hint": hint(shown(value), known, choices)})
		]
	fact, problems = F.check_fact(value, where, trigger)
	return (fact.path if fact else None), problems


def _assignee(value: object, where: str, trigger: str | None) -> tuple[str | None, list[Problem]]:
	"""Who takes work: a recipient, or a whole team (``team:Paralegals``) for a strategy to choose from."""
	if isinstance(value, str) and value.strip().startswith("team:"):
		team = value.strip()[5:].strip()
		problems = text_problems(team, where)
		return (None, problems) if problems else ("team:" + team, [])
	return _recipient(value, where, trigger)


def _number(value: Any, where: str, unit: str = "hours") -> tuple[float | None, list[Problem]]:
	"""``value`` (any JSON value: 3, 2.5, "48") as a finite number of zero or more, at most a year of
	``unit`` (days or hours), or the problem."""
	if isinstance(value, bool):
		return None, [Problem(where, "not_a_number", {"value": value})]
	if not isinstance(value, int | float):
		try:
			value = float(value)
		except (TypeError, ValueError):
			return None, [Problem(where, "not_a_number", {"value": value})]
	if isinstance(value, float) and not math.isfinite(value):
		# "nan" and "inf" pass float() but would break every due-date computation later.
		return None, [Problem(where, "not_a_number", {"value": value})]
	if value < 0:
		return None, [Problem(where, "not_positive", {"value": value})]
	if unit == "days" and value > MAX_DAYS:
		return None, [Problem(where, "too_many_days", {"max": MAX_DAYS, "value": value})]
	if unit == "hours" and value > MAX_HOURS:
		return None, [Problem(where, "too_many_hours", {"max": MAX_HOURS, "value": value})]
	return float(value), []


def _parse_action(
	raw: object, index: int, trigger: str | None, templates: Container[str] | None
) -> tuple[Action | None, list[Problem]]:
	where = f"actions[{index}]"
	if not isinstance(raw, dict):
		return None, [Problem(where, "not_an_object")]
	kinds = [k for k in raw if k in ACTION_KINDS]
	if len(kinds) != 1:
		problems: list[Problem] = []
		if not kinds:
			for key in raw:
				if key not in {k for keys in ACTION_KEYS.values() for k in keys}:
					problems.append(
						Problem(
							f"{where}.{key}", "unknown_action", {"key": key, "hint": hint(key, ACTION_KINDS)}
						)
					)
		kinds_text = ", ".join(f"'{k}'" for k in ACTION_KINDS)
		return None, [
			*problems,
			Problem(where, "action_kind", {"kinds": kinds_text, "found": ", ".join(kinds) or "none"}),
		]
	written = kinds[0]
	kind = ACTION_KINDS[written]
	problems = []
	for key in raw:
		if key not in ACTION_KEYS[kind]:
			problems.append(
				Problem(
					f"{where}.{key}",
					"unknown_key",
					{"key": key, "hint": hint(key, ACTION_KEYS[kind], ACTION_KEYS[kind])},
				)
			)
	params: ActionParams = {"_raw": raw}
	for key in NUMERIC_KEYS:
		if key in raw:
			number, found = _number(raw[key], f"{where}.{key}", "days" if key in DAY_KEYS else "hours")
			if number is not None:
				params[key] = number
			problems += found
	target: str | tuple[str, ...] | None = None
	if kind == "assign":
		target, found = _assignee(raw["assign"], f"{where}.assign", trigger)
		problems += found
	elif kind == "notify":
		recipients = raw["notify"] if isinstance(raw["notify"], list) else [raw["notify"]]
		if not recipients:
			problems.append(Problem(f"{where}.notify", "no_recipients"))
		resolved: list[str | None] = []
		for i, r in enumerate(recipients):
			path, found = _recipient(
				r, f"{where}.notify" + (f"[{i}]" if isinstance(raw["notify"], list) else ""), trigger
			)
			problems += found
			resolved.append(path)
		target = tuple(r for r in resolved if r is not None)  # a None is among the problems
		method = raw.get("method", "inApp")
		methods = method if isinstance(method, list) else [method]
		if not methods:
			problems.append(Problem(f"{where}.method", "required"))
		channels: list[str] = []
		for m in methods:
			if not isinstance(m, str) or m not in METHODS:
				problems.append(
					Problem(
						f"{where}.method",
						"unknown_method",
						{"value": m, "hint": hint(shown(m), METHODS, METHODS)},
					)
				)
			else:
				channels += [c for c in METHODS[m] if c not in channels]
		params["channels"] = tuple(channels)
	else:
		target = raw["createTask"]
		problems += text_problems(target, f"{where}.createTask")
		if "assignTo" in raw:
			assign_to, found = _assignee(raw["assignTo"], f"{where}.assignTo", trigger)
			if assign_to is not None:
				params["assignTo"] = assign_to
			problems += found
	if kind in ("assign", "create_task"):
		if "team" in raw:
			problems += text_problems(raw["team"], f"{where}.team")
		if "strategy" in raw:
			strategy = raw["strategy"]
			if isinstance(strategy, list):  # nested lists or objects are unknown names, shown short
				strategy = [shown(s) if isinstance(s, list | dict) else s for s in strategy]
			elif isinstance(strategy, dict):  # a name or a list of names, never an object
				strategy = [shown(strategy)]
			chain, unknown = parse_chain(strategy)
			for name in unknown:
				problems.append(
					Problem(
						f"{where}.strategy",
						"unknown_strategy",
						{"value": name, "hint": hint(shown(name), STRATEGIES, STRATEGIES)},
					)
				)
			params["strategy"] = chain
	if "templateId" in raw:
		template = raw["templateId"]
		found = text_problems(template, f"{where}.templateId")
		if not found and templates is not None and template not in templates:
			found = [Problem(f"{where}.templateId", "unknown_template", {"value": template})]
		problems += found
		params["templateId"] = template  # decide() looks the template up by it
	if "priority" in raw and shown(raw["priority"]).lower() not in PRIORITIES:
		problems.append(
			Problem(
				f"{where}.priority", "bad_value", {"value": raw["priority"], "type": "/".join(PRIORITIES)}
			)
		)
	for key in ("task", "subject", "message", "template"):
		if key in raw and not isinstance(raw[key], str):
			problems.append(Problem(f"{where}.{key}", "not_text"))
	for key, (limit, is_name) in TEXT_LIMITS.items():
		if isinstance(raw.get(key), str) and raw[key].strip():  # blank: the default (title, subject...)
			problems += text_problems(raw[key], f"{where}.{key}", limit, is_name)
	if problems or target is None:  # no target (unknown recipient) is among the problems
		return None, problems
	return Action(index, kind, target, params), []


def _parse_escalation(raw: object, trigger: str | None) -> list[Problem]:
	if raw is None:
		return []
	if not isinstance(raw, dict):
		return [Problem("escalation", "not_an_object")]
	problems: list[Problem] = []
	for key, value in raw.items():
		where = f"escalation.{key}"
		if key not in ESCALATION_KEYS:
			problems.append(
				Problem(
					where, "unknown_key", {"key": key, "hint": hint(key, ESCALATION_KEYS, ESCALATION_KEYS)}
				)
			)
		elif key.endswith("Hours"):
			problems += _number(value, where)[1]
		elif key == "policy":
			problems += text_problems(value, where)
		else:  # escalateTo, reassignTo
			for i, r in enumerate(value if isinstance(value, list) else [value]):
				at = where + (f"[{i}]" if isinstance(value, list) else "")
				problems += _recipient(r, at, trigger, escalation=True)[1]
	return problems


def parse_rule(data: object, templates: Container[str] | None = None) -> tuple[Rule | None, list[Problem]]:
	"""Parse one rule. Returns ``(rule, [])`` or ``(None, problems)`` naming every problem at once.

	``templates`` is the set of known Task Template ids and names; ``None`` skips that check.
	"""
	if not isinstance(data, dict):
		return None, [Problem("", "not_an_object")]
	problems: list[Problem] = []
	for key in data:
		if key not in RULE_KEYS:
			problems.append(
				Problem(key, "unknown_key", {"key": key, "hint": hint(key, RULE_KEYS, RULE_KEYS)})
			)
	name = data.get("ruleName")
	if name is None or (isinstance(name, str) and not name.strip()):
		problems.append(Problem("ruleName", "required"))
		name = ""
	else:
		found = text_problems(name, "ruleName")
		problems += found
		name = "" if found else name
	trigger = data.get("trigger")
	if not isinstance(trigger, str) or trigger not in F.TRIGGERS:
		if not trigger:
			problems.append(Problem("trigger", "required"))
		else:
			problems.append(
				Problem(
					"trigger",
					"unknown_trigger",
					{"value": trigger, "hint": hint(shown(trigger), F.TRIGGERS, F.TRIGGERS)},
				)
			)
		trigger = None
	tree, found = C.parse(data.get("conditions"), trigger)
	problems += found
	actions: list[Action] = []
	raw_actions = data.get("actions")
	if not isinstance(raw_actions, list) or not raw_actions:
		problems.append(Problem("actions", "required" if not raw_actions else "not_a_list"))
	else:
		for i, raw in enumerate(raw_actions):
			action, found = _parse_action(raw, i, trigger, templates)
			problems += found
			if action:
				actions.append(action)
	problems += _parse_escalation(data.get("escalation"), trigger)
	priority = data.get("priority", 0)
	if isinstance(priority, bool) or not isinstance(priority, int):
		problems.append(Problem("priority", "not_a_number", {"value": priority}))
	elif not -MAX_PRIORITY <= priority <= MAX_PRIORITY:
		problems.append(
			Problem(
				"priority", "out_of_range", {"min": -MAX_PRIORITY, "max": MAX_PRIORITY, "value": priority}
			)
		)
	for key in ("enabled", "stopProcessing"):
		flag = data.get(key, False)
		if not isinstance(flag, bool) and not (isinstance(flag, int) and flag in (0, 1)):
			problems.append(Problem(key, "not_a_boolean", {"value": flag}))
	if data.get("description") not in (None, ""):
		problems += text_problems(data["description"], "description", MAX_TEXT, name=False)
	if problems or trigger is None or tree is None:  # a missing trigger or tree is among the problems
		return None, problems
	rule = Rule(
		name=name.strip(),
		trigger=trigger,
		conditions=tree,
		actions=tuple(actions),
		escalation=copy.deepcopy(data.get("escalation")),
		priority=priority,
		enabled=bool(data.get("enabled", True)),
		stop_processing=bool(data.get("stopProcessing", False)),
		description=data.get("description") or "",
		source=copy.deepcopy(data),
	)
	return rule, []


def require_rule(data: object, templates: Container[str] | None = None) -> Rule:
	rule, problems = parse_rule(data, templates)
	if rule is None:  # exactly when there are problems
		raise RuleError(problems)
	return rule


def export_rule(
	name: str,
	trigger: str,
	conditions: object,
	actions: list[dict[str, Any]],
	escalation: dict[str, Any] | None = None,
	priority: int = 0,
	enabled: bool = True,
	stop_processing: bool = False,
	description: str = "",
) -> dict[str, Any]:
	"""A stored rule back in the guide's JSON shape; defaults are left out so the guide's rule round-trips."""
	out: dict[str, Any] = {"ruleName": name, "trigger": trigger}
	if conditions not in (None, {}, []):
		out["conditions"] = conditions
	out["actions"] = actions
	if escalation:
		out["escalation"] = escalation
	if priority:
		out["priority"] = priority
	if not enabled:
		out["enabled"] = False
	if stop_processing:
		out["stopProcessing"] = True
	if description:
		out["description"] = description
	return out
