"""A rule's conditions and actions as the rows of a form, and back: the generated form's child tables.

Conditions are a tree; the rows are its nodes in order (depth first), each with its ``depth``: a group
row (*All of*, *Any of*, *None of*) holds the rows below it that are one level deeper. The rows at depth
0 are combined by the rule's ``match`` (``all``, ``any``, ``not``), or are the guide's shorthand (a
mapping of facts to values: ``{"document.type": "RFE", "case.type": "H-1B"}``) when ``match`` is
``shorthand``. Actions are one row each.

``conditions_to_rows`` and ``rows_to_conditions`` are inverse on the shapes the guide and the app write
(shorthand mappings, groups, explicit leaves with ``op``); other spellings of the same condition come back
in that canonical shape. Values are text in a row and typed back by the fact's type (a number, a yes/no,
a list one item per line). Every problem of a row names it: ``conditions_table[3].value``,
``actions_table[2].dueInDays``.

Pure: no frappe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.conditions import GROUPS, OPERATORS
from legist_routing.engine.problems import Problem

GROUP_NODES = {"all": "All of", "any": "Any of", "not": "None of"}
NODE_GROUPS = {label: key for key, label in GROUP_NODES.items()}
LEAF = "Condition"
MATCHES = ("shorthand", "all", "any", "not")
LIST_OPS = ("in", "not_in")
NO_VALUE_OPS = ("is_set", "is_not_set")
# Action keys that hold numbers, and those that hold text, in the order a row writes them back.
ACTION_NUMBERS = (
	"dueInDays",
	"dueInHours",
	"dueDaysBeforeDeadline",
	"acknowledgeWithinHours",
	"notifyWithinHours",
)
ACTION_TEXTS = ("templateId", "assignTo", "team", "priority", "task", "subject", "message", "template")
ACTION_KINDS = ("assign", "notify", "createTask")


@dataclass
class ConditionRow:
	"""One node: a group (``node`` is a GROUP_NODES label) or a leaf (``node`` is ``Condition``)."""

	depth: int = 0
	node: str = LEAF
	fact: str = ""
	operator: str = "equals"
	value: str = ""
	changed_from: str = ""
	changed_to: str = ""
	# the node was written as the guide's shorthand (``{"fact": value}``), so it is written back so
	shorthand: bool = False


@dataclass
class ActionRow:
	action: str = "createTask"
	target: str = ""  # assign: a recipient; notify: recipients, one per line; createTask: the title
	target_list: bool = False  # notify named a list (even of one)
	method: str = ""
	strategy: str = ""
	values: dict[str, Any] = field(default_factory=dict)  # the number and text keys that are set


# -------------------------------------------------------------------------------- JSON -> rows
def conditions_to_rows(conditions: object) -> tuple[str, list[ConditionRow]]:
	"""``(match, rows)`` for a rule's conditions (``None`` or ``{}``: shorthand and no rows)."""
	if conditions in (None, {}):
		return "shorthand", []
	if not isinstance(conditions, Mapping):
		raise ValueError("conditions must be a JSON object")
	group = _group_key(conditions)
	if group is None and not _is_leaf(conditions):
		return "shorthand", _shorthand_rows(conditions, 0)
	if group == "not":
		return "not", _rows(conditions["not"], 0)
	if group is not None:
		return group, [row for child in _list(conditions, group) for row in _rows(child, 0)]
	return "all", _rows(conditions, 0)


def _list(node: Mapping[str, Any], group: str) -> list[Any]:
	children = node[group]
	if not isinstance(children, list):
		raise ValueError(f"'{group}' must hold a list")
	return children


def _group_key(node: Mapping[str, Any]) -> str | None:
	if len(node) == 1:
		key = next(iter(node))
		if key in GROUPS:
			return key
	return None


def _is_leaf(node: Mapping[str, Any]) -> bool:
	return "fact" in node


def _rows(node: object, depth: int) -> list[ConditionRow]:
	if not isinstance(node, Mapping):
		raise ValueError("each condition must be a JSON object")
	group = _group_key(node)
	if group == "not":
		return [ConditionRow(depth, GROUP_NODES["not"]), *_rows(node["not"], depth + 1)]
	if group is not None:
		kids = _list(node, group)
		return [ConditionRow(depth, GROUP_NODES[group]), *(r for c in kids for r in _rows(c, depth + 1))]
	if _is_leaf(node):
		return [_explicit_leaf(node, depth)]
	if len(node) == 1:
		return _shorthand_rows(node, depth)
	return [ConditionRow(depth, GROUP_NODES["all"], shorthand=True), *_shorthand_rows(node, depth + 1)]


def as_text(value: object) -> str:
	"""A JSON scalar as a row shows it (``true``, ``3`` for 3.0)."""
	if value is None:
		return ""
	if isinstance(value, bool):
		return "true" if value else "false"
	if isinstance(value, float) and value.is_integer():
		return str(int(value))
	return str(value)


def _value_text(value: object) -> str:
	if isinstance(value, list):
		return "\n".join(as_text(v) for v in value)
	return as_text(value)


def _explicit_leaf(node: Mapping[str, Any], depth: int) -> ConditionRow:
	op = OPERATORS.get(str(node.get("op", node.get("operator", "equals"))), str(node.get("op", "equals")))
	return ConditionRow(
		depth,
		LEAF,
		fact=str(node.get("fact", "")),
		operator=op,
		value=_value_text(node.get("value")),
		changed_from=as_text(node.get("from")),
		changed_to=as_text(node.get("to")),
	)


def _shorthand_rows(node: Mapping[str, Any], depth: int) -> list[ConditionRow]:
	rows = []
	for fact, value in node.items():
		row = ConditionRow(depth, LEAF, fact=str(fact), shorthand=True)
		if isinstance(value, list):
			row.operator, row.value = "in", _value_text(value)
		elif isinstance(value, Mapping) and len(value) == 1 and next(iter(value)) in OPERATORS:
			written = next(iter(value))
			row.operator = OPERATORS[written]
			inner = value[written]
			if row.operator == "changed" and isinstance(inner, Mapping):
				row.changed_from, row.changed_to = as_text(inner.get("from")), as_text(inner.get("to"))
			else:
				row.value = _value_text(inner)
		else:
			row.value = _value_text(value)
		rows.append(row)
	return rows


# -------------------------------------------------------------------------------- rows -> JSON
def rows_to_conditions(
	match: str, rows: Sequence[ConditionRow], trigger: str | None = None
) -> tuple[object, list[Problem]]:
	"""The conditions the rows say, and the problems of each row, its path naming the row
	(``conditions_table[N]``, 1-based): its shape (depth, node), then each condition checked by the
	condition parser on its own, for the trigger's facts."""
	problems: list[Problem] = []
	if match not in MATCHES:
		return None, [Problem("match", "bad_value", {"value": match, "type": "/".join(MATCHES)})]
	for i, row in enumerate(rows):
		deepest = 0 if i == 0 else rows[i - 1].depth + (0 if rows[i - 1].node == LEAF else 1)
		if row.depth < 0 or row.depth > deepest:
			problems.append(Problem(f"conditions_table[{i + 1}].depth", "bad_depth", {"value": row.depth}))
		if row.node != LEAF and row.node not in NODE_GROUPS:
			kinds = "/".join((LEAF, *NODE_GROUPS))
			problems.append(
				Problem(f"conditions_table[{i + 1}].node", "bad_value", {"value": row.node, "type": kinds})
			)
	if problems:
		return None, problems
	if not rows:
		return ({} if match == "shorthand" else None), []
	top, _end = _children(rows, 0, 0, trigger, problems)
	if match == "shorthand" and all(row.node == LEAF and row.shorthand for row, _node in top):
		merged: dict[str, Any] = {}
		for _row, node in top:
			merged.update(node)  # type: ignore[call-overload]
		return merged, problems
	nodes = [node for _row, node in top]
	if match == "not":
		return {"not": nodes[0] if len(nodes) == 1 else {"any": nodes}}, problems
	return {"all" if match == "shorthand" else match: nodes}, problems


def _children(
	rows: Sequence[ConditionRow], start: int, depth: int, trigger: str | None, problems: list[Problem]
) -> tuple[list[tuple[ConditionRow, object]], int]:
	"""The nodes at ``depth`` from ``start`` up to the next shallower row, as (row, JSON) pairs."""
	out: list[tuple[ConditionRow, object]] = []
	i = start
	while i < len(rows) and rows[i].depth >= depth:
		row, number = rows[i], i + 1
		if row.node == LEAF:
			out.append((row, _leaf(row, number, trigger, problems)))
			i += 1
			continue
		kids, i = _children(rows, i + 1, depth + 1, trigger, problems)
		group = NODE_GROUPS[row.node]
		nodes = [node for _kid, node in kids]
		if not kids:
			problems.append(Problem(f"conditions_table[{number}]", "empty_group", {"group": row.node}))
		if (
			row.shorthand
			and group == "all"
			and kids
			and all(k.node == LEAF and k.shorthand for k, _n in kids)
		):
			merged: dict[str, Any] = {}
			for node in nodes:
				merged.update(node)  # type: ignore[call-overload]
			out.append((row, merged))
		elif group == "not":
			out.append((row, {"not": nodes[0] if len(nodes) == 1 else {"any": nodes}}))
		else:
			out.append((row, {group: nodes}))
	return out, i


def _typed(fact: str, text: str) -> object:
	"""A row's text as the JSON value the fact's type wants (text stays text)."""
	kind = F.FACTS.get(F.canonical(fact) or "", F.TEXT)
	stripped = text.strip()
	if kind == F.NUMBER and re.fullmatch(r"-?\d+(\.\d+)?", stripped):
		number = float(stripped)
		return int(number) if number.is_integer() else number
	if kind == F.BOOL and stripped.lower() in ("true", "false"):
		return stripped.lower() == "true"
	return stripped


def _value(row: ConditionRow) -> object:
	if row.operator in LIST_OPS:
		return [_typed(row.fact, line) for line in row.value.splitlines() if line.strip()]
	return _typed(row.fact, row.value)


def _changed(row: ConditionRow) -> dict[str, object]:
	out: dict[str, object] = {}
	if row.changed_from.strip():
		out["from"] = _typed(row.fact, row.changed_from)
	if row.changed_to.strip():
		out["to"] = _typed(row.fact, row.changed_to)
	return out


def _leaf(row: ConditionRow, number: int, trigger: str | None, problems: list[Problem]) -> object:
	"""The row's condition as JSON (shorthand when it was written so), checked on its own."""
	fact = row.fact.strip()
	node: dict[str, Any]
	if row.shorthand and row.operator == "changed":
		node = {fact: {"changed": _changed(row)}}
	elif row.shorthand and row.operator in ("equals", "in"):
		node = {fact: _value(row)}
	elif row.shorthand and row.operator in NO_VALUE_OPS:
		node = {fact: {row.operator: True}}
	elif row.shorthand:
		node = {fact: {row.operator: _value(row)}}
	else:
		node = {"fact": fact, "op": row.operator}
		if row.operator == "changed":
			node.update(_changed(row))
		elif row.operator not in NO_VALUE_OPS:
			node["value"] = _value(row)
	where = f"conditions_table[{number}]"
	if not fact:
		problems.append(Problem(f"{where}.fact", "required"))
	elif row.operator in LIST_OPS and not _value(row):
		problems.append(Problem(f"{where}.value", "operator_needs_list", {"op": row.operator}))
	elif row.operator not in (*NO_VALUE_OPS, "changed") and not row.value.strip():
		problems.append(Problem(f"{where}.value", "required"))
	else:
		_tree, found = C.parse(node, trigger, where)
		problems += found
	return node


# ------------------------------------------------------------------------------------- actions
def actions_to_rows(actions: object) -> list[ActionRow]:
	if actions in (None, []):
		return []
	if not isinstance(actions, list):
		raise ValueError("actions must be a list")
	rows = []
	for raw in actions:
		if not isinstance(raw, Mapping):
			raise ValueError("each action must be a JSON object")
		kind = next((k for k in ACTION_KINDS if k in raw), "")
		target = raw.get(kind) if kind else ""
		row = ActionRow(
			action=kind,
			target=_value_text(target),
			target_list=isinstance(target, list),
			method=_value_text(raw.get("method")),
			strategy=_value_text(raw.get("strategy")),
		)
		for key in (*ACTION_NUMBERS, *ACTION_TEXTS):
			if key in raw:
				row.values[key] = raw[key]
		rows.append(row)
	return rows


def rows_to_actions(rows: Sequence[ActionRow]) -> tuple[list[dict[str, Any]], list[Problem]]:
	problems: list[Problem] = []
	out = []
	for i, row in enumerate(rows, start=1):
		where = f"actions_table[{i}]"
		if row.action not in ACTION_KINDS:
			problems.append(
				Problem(f"{where}.action", "bad_value", {"value": row.action, "type": "/".join(ACTION_KINDS)})
			)
			continue
		lines = [line.strip() for line in row.target.splitlines() if line.strip()]
		if not lines:
			problems.append(Problem(f"{where}.target", "required"))
		target: object = (
			lines if (row.target_list or len(lines) > 1) and row.action == "notify" else " ".join(lines)
		)
		action: dict[str, Any] = {row.action: target}
		for key in ACTION_NUMBERS:
			value = row.values.get(key)
			if value not in (None, ""):
				action[key] = _number(value, f"{where}.{key}", problems)
		if row.method.strip():
			methods = [m.strip() for m in row.method.splitlines() if m.strip()]
			action["method"] = methods if len(methods) > 1 else methods[0]
		if row.strategy.strip():
			action["strategy"] = row.strategy.strip()
		for key in ACTION_TEXTS:
			value = row.values.get(key)
			if value not in (None, ""):
				action[key] = value
		out.append(_ordered(action))
	return out, problems


def _number(value: object, where: str, problems: list[Problem]) -> object:
	try:
		number = float(str(value))
	except ValueError:
		problems.append(Problem(where, "not_a_number", {"value": value}))
		return value
	return int(number) if number.is_integer() else number


# The order the guide writes an action's keys in, kept when a row is written back.
KEY_ORDER = (
	*ACTION_KINDS,
	"task",
	"templateId",
	"assignTo",
	"method",
	"strategy",
	"team",
	*ACTION_NUMBERS,
	"priority",
	"subject",
	"message",
	"template",
)


def _ordered(action: dict[str, Any]) -> dict[str, Any]:
	return {key: action[key] for key in sorted(action, key=lambda k: KEY_ORDER.index(k))}


def row_path(path: str) -> str:
	"""A rule validation's path into the actions list, as the path of the form's row:
	``actions[2].dueInDays`` -> ``actions_table[3].dueInDays``."""
	found = re.match(r"^actions\[(\d+)\]", path)
	if not found:
		return path
	return f"actions_table[{int(found.group(1)) + 1}]" + path[found.end() :]
