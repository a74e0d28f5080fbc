"""Condition trees: parsed and type-checked once, evaluated many times, each result explained.

Accepted shapes (all may nest):

- the guide's shorthand, a mapping of fact paths to values: ``{"document.type": "RFE", "case.type": "H-1B"}``
  (all must hold; a list value means "in"; a mapping value names an operator: ``{"case.priority": {"in": [...]}}``);
- groups: ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``;
- explicit leaves: ``{"fact": "case.priority", "op": "in", "value": ["urgent", "high"]}`` and
  ``{"fact": "case.status", "op": "changed", "from": "Filed", "to": "RFE Received"}``.

Text compares without regard to case or surrounding spaces ("standard" matches "Standard").
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, cast

from legist_routing.engine import facts as F
from legist_routing.engine.problems import Problem, hint, shown, unstorable

OPERATORS: dict[str, str] = {}
for _canon, _spellings in {
	"equals": ("equals", "eq", "==", "=", "is"),
	"not_equals": ("not_equals", "notEquals", "ne", "neq", "!=", "is_not", "isNot"),
	"in": ("in", "one_of", "oneOf"),
	"not_in": ("not_in", "notIn", "none_of", "noneOf"),
	"gt": ("gt", ">", "greater_than", "greaterThan", "after"),
	"gte": ("gte", ">=", "at_least", "atLeast"),
	"lt": ("lt", "<", "less_than", "lessThan", "before"),
	"lte": ("lte", "<=", "at_most", "atMost"),
	"contains": ("contains", "includes"),
	"is_set": ("is_set", "isSet", "set", "exists"),
	"is_not_set": ("is_not_set", "isNotSet", "not_set", "notSet", "missing"),
	"changed": ("changed", "changed_from_to", "changedFromTo"),
}.items():
	for _s in _spellings:
		OPERATORS[_s] = _canon
CANONICAL_OPERATORS = tuple(dict.fromkeys(OPERATORS.values()))
GROUPS = ("all", "any", "not")
LEAF_KEYS = ("fact", "op", "operator", "value", "from", "to")
_ORDERED_OPS = {"gt", "gte", "lt", "lte"}
_LIST_OPS = {"in", "not_in"}
_NO_VALUE_OPS = {"is_set", "is_not_set"}
_MISSING = object()
# How deep groups may nest (all / any / not inside one another): deeper trees are refused, not recursed.
MAX_DEPTH = 10
# How a problem names what a fact of each type takes.
TYPE_NAMES = {
	F.TEXT: "text",
	F.USER: "user (an e-mail address or user id, as text)",
	F.NUMBER: "number",
	F.DATE: "date (YYYY-MM-DD)",
	F.DATETIME: "date and time (YYYY-MM-DD HH:MM)",
	F.BOOL: "true/false value",
}
_BOOL_WORDS = ("true", "false", "yes", "no", "1", "0")

# A value in the form comparisons use (see _norm): a float for numbers, a date, a naive datetime, a bool
# for checks, casefolded text; None for "not set".
Value: TypeAlias = float | bool | str | dt.date | dt.datetime | None
# The explanation of one condition (tree), JSON-shaped for the Routing Log: {"fact", "op", "actual",
# "result", ...} for a leaf, {"all" | "any" | "not": [child traces], "result"} for a group.
Trace: TypeAlias = dict[str, Any]


class _Ordered(Protocol):
	"""What gt / gte / lt / lte compare: numbers, dates or datetimes, both sides of the fact's kind."""

	def __lt__(self, other: Any, /) -> bool: ...
	def __le__(self, other: Any, /) -> bool: ...
	def __gt__(self, other: Any, /) -> bool: ...
	def __ge__(self, other: Any, /) -> bool: ...


# ------------------------------------------------------------------------------------------ values
def _norm(value: Any, kind: str) -> Value:
	"""Bring a value to the form comparisons use for facts of ``kind``; raise ValueError when impossible.

	``value`` is anything a fact or a rule may hold; what cannot be converted raises TypeError or
	ValueError (``float([])``, ``date.fromisoformat("soon")``), which the callers catch.
	"""
	if value is None or (isinstance(value, str) and not value.strip()):
		return None  # blank text is "not set", like "": surrounding spaces never count
	if kind == F.NUMBER:
		if isinstance(value, bool):
			raise ValueError(value)
		return float(value)
	if kind == F.DATE:
		if isinstance(value, dt.datetime):
			return value.date()
		if isinstance(value, dt.date):
			return value
		return dt.date.fromisoformat(str(value)[:10])
	if kind == F.DATETIME:
		if isinstance(value, dt.datetime):
			return value.replace(tzinfo=None)
		if isinstance(value, dt.date):
			return dt.datetime.combine(value, dt.time())
		return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)
	if kind == F.BOOL:
		if isinstance(value, str):
			return value.strip().lower() in ("1", "true", "yes")
		return bool(value)
	return str(value).strip().casefold()


def _strict(value: Any, kind: str) -> Value:
	"""A value a rule wrote (not blank), checked against the fact's type and normalised like the facts.

	Stricter than :func:`_norm`, which reads whatever the database holds: text facts take text, numbers
	take finite numbers (or text that is one), dates take ISO text, checks take true / false (or 0 / 1,
	"yes" / "no"). Raises ValueError (or TypeError, OverflowError) when the value is not of the type."""
	if kind in (F.TEXT, F.USER):
		if not isinstance(value, str):
			raise TypeError(value)
		return _norm(value, kind)
	if kind == F.NUMBER:
		if isinstance(value, bool) or not isinstance(value, int | float | str):
			raise TypeError(value)
		number = float(value)
		if not math.isfinite(number):
			raise ValueError(value)
		return number
	if kind == F.BOOL:
		if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
			return bool(value)
		if isinstance(value, str) and value.strip().casefold() in _BOOL_WORDS:
			return _norm(value, kind)
		raise ValueError(value)
	if isinstance(value, dt.date):  # a rule built in Python (JSON writes dates as text)
		return _norm(value, kind)
	if not isinstance(value, str):
		raise TypeError(value)
	text = value.strip()
	if kind == F.DATE:
		return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
	return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def _scalar(value: object, fact: F.FactRef, where: str) -> tuple[Value, list[Problem]]:
	"""One value a condition compares with, type-checked (``None`` or blank: "not set")."""
	type_name = TYPE_NAMES[fact.type]
	if isinstance(value, list | dict):
		return None, [Problem(where, "not_a_scalar", {"value": value, "type": type_name})]
	if value is None or (isinstance(value, str) and not value.strip()):
		return None, []
	if isinstance(value, str) and unstorable(value):
		return None, [Problem(where, "bad_characters")]
	try:
		return _strict(value, fact.type), []
	except (TypeError, ValueError, OverflowError):
		return None, [Problem(where, "bad_value", {"value": value, "type": type_name})]


def jsonable(value: object) -> object:
	"""``value`` as a trace shows it: dates and datetimes as ISO text, anything else as it is."""
	if isinstance(value, dt.date | dt.datetime):
		return value.isoformat()
	return value


# ------------------------------------------------------------------------------------------- nodes
@dataclass(frozen=True)
class Leaf:
	fact: F.FactRef
	op: str
	value: Value | tuple[Value, ...] = None  # normalised expected value (a tuple for in / not_in)
	raw: object = None  # as written, for the trace and export (the whole spec for "changed")
	changed_from: object = _MISSING  # a normalised Value, or _MISSING when the rule names no "from"
	changed_to: object = _MISSING

	def evaluate(self, facts: F.Facts, previous: F.Facts) -> tuple[bool, Trace]:
		kind = self.fact.type
		actual_raw = facts.get(self.fact.path)
		try:
			actual = _norm(actual_raw, kind)
		except (TypeError, ValueError):
			actual = None
		op = self.op
		if op == "equals":
			result = actual == self.value
		elif op == "not_equals":
			result = actual != self.value
		elif op == "in":
			# parse() builds in / not_in leaves with a tuple of values
			result = actual in cast("tuple[Value, ...]", self.value)
		elif op == "not_in":
			result = actual not in cast("tuple[Value, ...]", self.value)
		elif op == "is_set":
			result = actual is not None
		elif op == "is_not_set":
			result = actual is None
		elif op == "contains":
			result = actual is not None and self.value is not None and str(self.value) in str(actual)
		elif op in _ORDERED_OPS:
			if actual is None or self.value is None:
				result = False
			elif op == "gt":
				result = cast(_Ordered, actual) > self.value
			elif op == "gte":
				result = cast(_Ordered, actual) >= self.value
			elif op == "lt":
				result = cast(_Ordered, actual) < self.value
			else:
				result = cast(_Ordered, actual) <= self.value
		else:  # changed
			trace: Trace = {"fact": self.fact.written, "op": "changed", "actual": jsonable(actual_raw)}
			if self.fact.path not in previous:
				trace.update(result=False, reason="unchanged")
				return False, trace
			before_raw = previous[self.fact.path]
			try:
				before = _norm(before_raw, kind)
			except (TypeError, ValueError):
				before = None
			result = before != actual
			spec = cast("dict[str, Any]", self.raw)  # a "changed" leaf keeps its whole spec as raw
			if self.changed_from is not _MISSING:
				result = result and before == self.changed_from
				trace["from"] = jsonable(spec.get("from"))
			if self.changed_to is not _MISSING:
				result = result and actual == self.changed_to
				trace["to"] = jsonable(spec.get("to"))
			trace.update(before=jsonable(before_raw), result=result)
			return result, trace
		trace = {"fact": self.fact.written, "op": op, "actual": jsonable(actual_raw), "result": result}
		if op not in _NO_VALUE_OPS:
			trace["value"] = jsonable(self.raw)
		return result, trace

	def paths(self) -> Iterator[str]:
		yield self.fact.path


@dataclass(frozen=True)
class Group:
	kind: str  # all | any | not
	children: tuple[Node, ...]

	def evaluate(self, facts: F.Facts, previous: F.Facts) -> tuple[bool, Trace]:
		# Every child is evaluated (no short cut) so that the trace shows each condition's result.
		results: list[bool] = []
		traces: list[Trace] = []
		for child in self.children:
			ok, trace = child.evaluate(facts, previous)
			results.append(ok)
			traces.append(trace)
		if self.kind == "all":
			result = all(results)
		elif self.kind == "any":
			result = any(results)
		else:
			result = not results[0]
		return result, {self.kind: traces, "result": result}

	def paths(self) -> Iterator[str]:
		for child in self.children:
			yield from child.paths()


# A compiled condition tree.
Node: TypeAlias = Leaf | Group

ALWAYS = Group("all", ())


# ------------------------------------------------------------------------------------------ parser
def parse(
	tree: object, trigger: str | None, where: str = "conditions", depth: int = 0
) -> tuple[Node | None, list[Problem]]:
	"""Compile a condition tree, returning it with every problem found (the tree is unusable if any,
	and may be None). ``depth``: how many groups enclose ``tree``."""
	if depth > MAX_DEPTH:
		return ALWAYS, [Problem(where, "too_deep", {"max": MAX_DEPTH})]
	if tree is None or tree == {} or tree == []:
		return ALWAYS, []
	if isinstance(tree, list):
		return _group("all", tree, trigger, where, depth)
	if not isinstance(tree, dict):
		return ALWAYS, [Problem(where, "not_an_object")]
	if "fact" in tree:
		return _explicit_leaf(tree, trigger, where)
	nodes: list[Node] = []
	problems: list[Problem] = []
	for key, value in tree.items():
		node: Node | None
		if key in ("all", "any"):
			node, found = _group(key, value, trigger, f"{where}.{key}", depth)
		elif key == "not":
			inner, found = parse(value, trigger, f"{where}.not", depth + 1)
			node = Group("not", (inner,)) if inner is not None else None
		else:
			node, found = _shorthand_leaf(key, value, trigger, f"{where}.{key}")
		problems += found
		if node is not None:
			nodes.append(node)
	if len(nodes) == 1 and isinstance(nodes[0], Group):
		return nodes[0], problems
	return Group("all", tuple(nodes)), problems


def _group(
	kind: str, items: object, trigger: str | None, where: str, depth: int
) -> tuple[Group, list[Problem]]:
	if not isinstance(items, list):
		return ALWAYS, [Problem(where, "not_a_list")]
	if not items:
		return ALWAYS, [Problem(where, "empty_group", {"group": kind})]
	children: list[Node] = []
	problems: list[Problem] = []
	for i, item in enumerate(items):
		node, found = parse(item, trigger, f"{where}[{i}]", depth + 1)
		if node is not None:
			children.append(node)
		problems += found
	return Group(kind, tuple(children)), problems


def _shorthand_leaf(
	path: str, value: object, trigger: str | None, where: str
) -> tuple[Leaf | None, list[Problem]]:
	if isinstance(value, dict):
		if len(value) != 1:
			return None, [Problem(where, "not_an_object")]
		((op, operand),) = value.items()
		if OPERATORS.get(op) == "changed":
			operand = operand if isinstance(operand, dict) else {}
			extra = [k for k in operand if k not in ("from", "to")]
			if extra:
				params = {"key": extra[0], "hint": hint(extra[0], ("from", "to"), ("from", "to"))}
				return None, [Problem(f"{where}.{extra[0]}", "unknown_key", params)]
			spec = {
				"fact": path,
				"op": op,
				"from": operand.get("from", _MISSING),
				"to": operand.get("to", _MISSING),
			}
			spec = {k: v for k, v in spec.items() if v is not _MISSING}
			return _explicit_leaf(spec, trigger, where, fact_where=where)
		return _explicit_leaf({"fact": path, "op": op, "value": operand}, trigger, where, fact_where=where)
	op = "in" if isinstance(value, list) else "equals"
	return _explicit_leaf({"fact": path, "op": op, "value": value}, trigger, where, fact_where=where)


def _explicit_leaf(
	spec: Mapping[str, Any], trigger: str | None, where: str, fact_where: str | None = None
) -> tuple[Leaf | None, list[Problem]]:
	problems: list[Problem] = []
	for key in spec:
		if key not in LEAF_KEYS:
			problems.append(
				Problem(where, "unknown_key", {"key": key, "hint": hint(key, LEAF_KEYS, LEAF_KEYS)})
			)
	fact, found = F.check_fact(spec.get("fact"), fact_where or f"{where}.fact", trigger)
	problems += found
	written_op = spec.get("op", spec.get("operator", "equals"))
	op = OPERATORS.get(written_op) if isinstance(written_op, str) else None
	if op is None:
		problems.append(
			Problem(
				where,
				"unknown_operator",
				{"op": written_op, "hint": hint(shown(written_op), OPERATORS, CANONICAL_OPERATORS)},
			)
		)
	if problems or fact is None or op is None:
		return None, problems
	raw = spec.get("value")
	value_where = where if fact_where else f"{where}.value"  # the shorthand writes the value at the fact
	if op == "changed":
		if "from" not in spec and "to" not in spec:
			return None, [Problem(where, "changed_needs_from_or_to")]
		kw: dict[str, Value] = {}
		for side in ("from", "to"):
			if side in spec:
				kw["changed_" + side], found = _scalar(spec[side], fact, f"{where}.{side}")
				problems += found
		if problems:
			return None, problems
		return Leaf(fact, op, None, dict(spec), **kw), []
	if op in _ORDERED_OPS and fact.type not in F.ORDERED:
		return None, [
			Problem(
				where, "operator_needs_order", {"op": written_op, "path": fact.written, "type": fact.type}
			)
		]
	if op == "contains" and fact.type not in (F.TEXT, F.USER):
		return None, [
			Problem(where, "operator_needs_text", {"op": written_op, "path": fact.written, "type": fact.type})
		]
	if op in _NO_VALUE_OPS:
		if isinstance(raw, list | dict):  # {"is_set": true} is the shorthand's way; nothing else is kept
			return None, [Problem(value_where, "no_value", {"op": written_op})]
		return Leaf(fact, op, None, raw), []
	if op in _LIST_OPS:
		if not isinstance(raw, list):
			return None, [Problem(where, "operator_needs_list", {"op": written_op})]
		if not raw:
			return None, [Problem(value_where, "empty_list", {"op": written_op})]
		values: list[Value] = []
		for i, item in enumerate(raw):
			normalised, found = _scalar(item, fact, f"{value_where}[{i}]")
			values.append(normalised)
			problems += found
		return (None, problems) if problems else (Leaf(fact, op, tuple(values), raw), [])
	if isinstance(raw, list | dict):
		return None, [Problem(value_where, "one_value", {"op": written_op})]
	value, problems = _scalar(raw, fact, value_where)
	if problems:
		return None, problems
	if value is None and op not in ("equals", "not_equals"):
		# equals / not_equals a blank value mean "not set"; nothing else compares with nothing
		return None, [Problem(value_where, "value_required", {"op": written_op})]
	return Leaf(fact, op, value, raw), []


def equality_keys(node: Node) -> list[tuple[str, object]]:
	"""The (fact, value) pairs that a tree requires at its top level: used to index rules."""
	if isinstance(node, Leaf):
		return [(node.fact.path, node.value)] if node.op == "equals" else []
	if isinstance(node, Group) and node.kind == "all":
		return [pair for child in node.children if isinstance(child, Leaf) for pair in equality_keys(child)]
	return []


def normalise(value: Any, path: str) -> Value:
	"""A fact's value as the index compares it."""
	try:
		return _norm(value, F.FACTS.get(path, F.TEXT))
	except (TypeError, ValueError):
		return None
