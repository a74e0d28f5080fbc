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
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypedDict

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.problems import Problem, RuleError, hint
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
	"notify": ("notify", "method", "notifyWithinHours", "subject", "message"),
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


def _recipient(value: object, where: str, trigger: str | None) -> tuple[str | None, list[Problem]]:
	"""A recipient is a person-valued fact (``case.leadAttorney``) or a user id / e-mail."""
	if not isinstance(value, str) or not value.strip():
		return None, [Problem(where, "not_text")]
	value = value.strip()
	if value.startswith("user:"):
		value = value[5:]
	if "@" in value or value == "Administrator":
		return "user:" + value, []
	path = F.canonical(value)
	if path is None or F.FACTS.get(path) != F.USER:
		camel = any(c.isupper() for c in value)
		known = [F.camel(p) if camel else p for p in F.RECIPIENT_FACTS]
		return None, [Problem(where, "unknown_recipient", {"value": value, "hint": hint(value, known)})]
	fact, problems = F.check_fact(value, where, trigger)
	return (fact.path if fact else None), problems


def _assignee(value: object, where: str, trigger: str | None) -> tuple[str | None, list[Problem]]:
	"""Who takes work: a recipient, or a whole team (``team:Paralegals``) for a strategy to choose from."""
	if isinstance(value, str) and value.strip().startswith("team:"):
		team = value.strip()[5:].strip()
		return ("team:" + team, []) if team else (None, [Problem(where, "not_text")])
	return _recipient(value, where, trigger)


def _number(value: Any, where: str) -> tuple[float | None, list[Problem]]:
	"""``value`` (any JSON value: 3, 2.5, "48") as a finite number of zero or more, or the problem."""
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
				Problem(f"{where}.{key}", "unknown_key", {"key": key, "hint": hint(key, ACTION_KEYS[kind])})
			)
	params: ActionParams = {"_raw": raw}
	for key in NUMERIC_KEYS:
		if key in raw:
			number, found = _number(raw[key], f"{where}.{key}")
			if number is not None:
				params[key] = number
			problems += found
	target: str | tuple[str, ...] | None = None
	if kind == "assign":
		target, found = _assignee(raw["assign"], f"{where}.assign", trigger)
		problems += found
	elif kind == "notify":
		recipients = raw["notify"] if isinstance(raw["notify"], list) else [raw["notify"]]
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
		channels: list[str] = []
		for m in methods:
			if not isinstance(m, str) or m not in METHODS:
				problems.append(
					Problem(f"{where}.method", "unknown_method", {"value": m, "hint": hint(str(m), METHODS)})
				)
			else:
				channels += [c for c in METHODS[m] if c not in channels]
		params["channels"] = tuple(channels)
	else:
		target = raw["createTask"]
		if not isinstance(target, str) or not target.strip():
			problems.append(Problem(f"{where}.createTask", "not_text"))
		if "assignTo" in raw:
			assign_to, found = _assignee(raw["assignTo"], f"{where}.assignTo", trigger)
			if assign_to is not None:
				params["assignTo"] = assign_to
			problems += found
	if kind in ("assign", "create_task"):
		if "team" in raw and (not isinstance(raw["team"], str) or not raw["team"].strip()):
			problems.append(Problem(f"{where}.team", "not_text"))
		if "strategy" in raw:
			chain, unknown = parse_chain(raw["strategy"])
			for name in unknown:
				problems.append(
					Problem(
						f"{where}.strategy",
						"unknown_strategy",
						{"value": name, "hint": hint(str(name), STRATEGIES)},
					)
				)
			params["strategy"] = chain
	if "templateId" in raw:
		template = raw["templateId"]
		if not isinstance(template, str) or not template.strip():
			problems.append(Problem(f"{where}.templateId", "not_text"))
		elif templates is not None and template not in templates:
			problems.append(Problem(f"{where}.templateId", "unknown_template", {"value": template}))
		params["templateId"] = template  # decide() looks the template up by it
	if "priority" in raw and str(raw["priority"]).lower() not in PRIORITIES:
		problems.append(
			Problem(
				f"{where}.priority", "bad_value", {"value": raw["priority"], "type": "/".join(PRIORITIES)}
			)
		)
	for key in ("task", "subject", "message"):
		if key in raw and not isinstance(raw[key], str):
			problems.append(Problem(f"{where}.{key}", "not_text"))
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
			problems.append(Problem(where, "unknown_key", {"key": key, "hint": hint(key, ESCALATION_KEYS)}))
		elif key.endswith("Hours"):
			problems += _number(value, where)[1]
		elif key in ("escalateTo", "reassignTo"):
			for i, r in enumerate(value if isinstance(value, list) else [value]):
				problems += _recipient(r, where + (f"[{i}]" if isinstance(value, list) else ""), trigger)[1]
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
			problems.append(Problem(key, "unknown_key", {"key": key, "hint": hint(key, RULE_KEYS)}))
	name = data.get("ruleName")
	if not isinstance(name, str) or not name.strip():
		problems.append(Problem("ruleName", "required"))
		name = ""
	trigger = data.get("trigger")
	if not isinstance(trigger, str) or trigger not in F.TRIGGERS:
		if not trigger:
			problems.append(Problem("trigger", "required"))
		else:
			problems.append(
				Problem(
					"trigger", "unknown_trigger", {"value": trigger, "hint": hint(str(trigger), F.TRIGGERS)}
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
