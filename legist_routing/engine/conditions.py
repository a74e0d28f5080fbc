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
from dataclasses import dataclass

from legist_routing.engine import facts as F
from legist_routing.engine.problems import Problem, hint

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
GROUPS = ("all", "any", "not")
LEAF_KEYS = ("fact", "op", "operator", "value", "from", "to")
_ORDERED_OPS = {"gt", "gte", "lt", "lte"}
_LIST_OPS = {"in", "not_in"}
_NO_VALUE_OPS = {"is_set", "is_not_set"}
_MISSING = object()


# ------------------------------------------------------------------------------------------ values
def _norm(value, kind: str):
	"""Bring a value to the form comparisons use for facts of ``kind``; raise ValueError when impossible."""
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


def jsonable(value):
	if isinstance(value, dt.date | dt.datetime):
		return value.isoformat()
	return value


# ------------------------------------------------------------------------------------------- nodes
@dataclass(frozen=True)
class Leaf:
	fact: F.FactRef
	op: str
	value: object = None  # normalised expected value (a tuple for in / not_in)
	raw: object = None  # as written, for the trace and export
	changed_from: object = _MISSING
	changed_to: object = _MISSING

	def evaluate(self, facts: dict, previous: dict) -> tuple[bool, dict]:
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
			result = actual in self.value
		elif op == "not_in":
			result = actual not in self.value
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
				result = actual > self.value
			elif op == "gte":
				result = actual >= self.value
			elif op == "lt":
				result = actual < self.value
			else:
				result = actual <= self.value
		else:  # changed
			trace = {"fact": self.fact.written, "op": "changed", "actual": jsonable(actual_raw)}
			if self.fact.path not in previous:
				trace.update(result=False, reason="unchanged")
				return False, trace
			before_raw = previous[self.fact.path]
			try:
				before = _norm(before_raw, kind)
			except (TypeError, ValueError):
				before = None
			result = before != actual
			if self.changed_from is not _MISSING:
				result = result and before == self.changed_from
				trace["from"] = jsonable(self.raw.get("from"))
			if self.changed_to is not _MISSING:
				result = result and actual == self.changed_to
				trace["to"] = jsonable(self.raw.get("to"))
			trace.update(before=jsonable(before_raw), result=result)
			return result, trace
		trace = {"fact": self.fact.written, "op": op, "actual": jsonable(actual_raw), "result": result}
		if op not in _NO_VALUE_OPS:
			trace["value"] = jsonable(self.raw)
		return result, trace

	def paths(self):
		yield self.fact.path


@dataclass(frozen=True)
class Group:
	kind: str  # all | any | not
	children: tuple

	def evaluate(self, facts: dict, previous: dict) -> tuple[bool, dict]:
		# Every child is evaluated (no short cut) so that the trace shows each condition's result.
		results, traces = [], []
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

	def paths(self):
		for child in self.children:
			yield from child.paths()


ALWAYS = Group("all", ())


# ------------------------------------------------------------------------------------------ parser
def parse(tree, trigger: str | None, where: str = "conditions") -> tuple[Group | Leaf, list[Problem]]:
	"""Compile a condition tree, returning it with every problem found (the tree is unusable if any)."""
	if tree is None or tree == {} or tree == []:
		return ALWAYS, []
	if isinstance(tree, list):
		return _group("all", tree, trigger, where)
	if not isinstance(tree, dict):
		return ALWAYS, [Problem(where, "not_an_object")]
	if "fact" in tree:
		return _explicit_leaf(tree, trigger, where)
	nodes, problems = [], []
	for key, value in tree.items():
		if key in ("all", "any"):
			node, found = _group(key, value, trigger, f"{where}.{key}")
		elif key == "not":
			node, found = parse(value, trigger, f"{where}.not")
			node = Group("not", (node,))
		else:
			node, found = _shorthand_leaf(key, value, trigger, f"{where}.{key}")
		problems += found
		if node is not None:
			nodes.append(node)
	if len(nodes) == 1 and isinstance(nodes[0], Group):
		return nodes[0], problems
	return Group("all", tuple(nodes)), problems


def _group(kind: str, items, trigger, where) -> tuple[Group, list[Problem]]:
	if not isinstance(items, list):
		return ALWAYS, [Problem(where, "not_a_list")]
	if not items:
		return ALWAYS, [Problem(where, "empty_group", {"group": kind})]
	children, problems = [], []
	for i, item in enumerate(items):
		node, found = parse(item, trigger, f"{where}[{i}]")
		children.append(node)
		problems += found
	return Group(kind, tuple(children)), problems


def _shorthand_leaf(path, value, trigger, where):
	if isinstance(value, dict):
		if len(value) != 1:
			return None, [Problem(where, "not_an_object")]
		((op, operand),) = value.items()
		if OPERATORS.get(op) == "changed":
			operand = operand if isinstance(operand, dict) else {}
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


def _explicit_leaf(spec: dict, trigger, where, fact_where=None):
	problems = []
	for key in spec:
		if key not in LEAF_KEYS:
			problems.append(Problem(where, "unknown_key", {"key": key, "hint": hint(key, LEAF_KEYS)}))
	fact, found = F.check_fact(spec.get("fact"), fact_where or f"{where}.fact", trigger)
	problems += found
	written_op = spec.get("op", spec.get("operator", "equals"))
	op = OPERATORS.get(written_op) if isinstance(written_op, str) else None
	if op is None:
		problems.append(
			Problem(where, "unknown_operator", {"op": written_op, "hint": hint(str(written_op), OPERATORS)})
		)
	if problems or fact is None or op is None:
		return None, problems
	raw = spec.get("value")
	if op == "changed":
		if "from" not in spec and "to" not in spec:
			return None, [Problem(where, "changed_needs_from_or_to")]
		kw = {}
		for side in ("from", "to"):
			if side in spec:
				try:
					kw["changed_" + side] = _norm(spec[side], fact.type)
				except (TypeError, ValueError):
					problems.append(
						Problem(f"{where}.{side}", "bad_value", {"value": spec[side], "type": fact.type})
					)
		if problems:
			return None, problems
		return Leaf(fact, op, None, dict(spec), **kw), []
	if op in _ORDERED_OPS and fact.type not in F.ORDERED:
		return None, [
			Problem(
				where, "operator_needs_order", {"op": written_op, "path": fact.written, "type": fact.type}
			)
		]
	if op in _LIST_OPS and not isinstance(raw, list):
		return None, [Problem(where, "operator_needs_list", {"op": written_op})]
	try:
		if op in _LIST_OPS:
			value = tuple(_norm(v, fact.type) for v in raw)
		elif op in _NO_VALUE_OPS:
			value = None
		elif op == "contains":
			value = _norm(raw, F.TEXT)
		else:
			value = _norm(raw, fact.type)
	except (TypeError, ValueError):
		return None, [Problem(where, "bad_value", {"value": raw, "type": fact.type})]
	return Leaf(fact, op, value, raw), []


def equality_keys(node) -> list[tuple[str, object]]:
	"""The (fact, value) pairs that a tree requires at its top level: used to index rules."""
	if isinstance(node, Leaf):
		return [(node.fact.path, node.value)] if node.op == "equals" else []
	if isinstance(node, Group) and node.kind == "all":
		return [pair for child in node.children if isinstance(child, Leaf) for pair in equality_keys(child)]
	return []


def normalise(value, path: str):
	"""A fact's value as the index compares it."""
	try:
		return _norm(value, F.FACTS.get(path, F.TEXT))
	except (TypeError, ValueError):
		return None
