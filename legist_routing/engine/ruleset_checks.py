"""Rule-set checks: what a manager should know about a set of rules before an event finds out. Pure.

Each finding names a rule (and, for two rules that interact, the other one) and a code that
``services/messages.py`` words:

- ``invalid_rule``: a stored rule that no longer parses (its problems are listed);
- ``never_fires``: no event can satisfy the rule's conditions (they contradict each other, or ask for
  values no case can have);
- ``impossible_value``: a condition compares a fact with a value it never takes (a Select option that
  does not exist, a case type that is not there); ``unknown_user``: a condition names a person who is no
  user;
- ``missing_reference``: an action or the escalation names a template, team, policy, role or user that
  does not exist;
- ``shadowed``: the rule never acts, because a rule evaluated before it (higher priority, or the same
  priority and older) matches whenever it does and stops processing;
- ``conflicting_assignment``: two rules that fire on the same event give the same work to different
  people; ``duplicate_work``: to the same person (the task would be made twice).

The conditions are analysed exactly as :mod:`engine.conditions` evaluates them: a tree is brought to a
disjunction of conjunctions of leaves (at most :data:`MAX_TERMS`, else the check says nothing), and a
conjunction holds for some event exactly when, for every fact, one of a finite set of candidate values
satisfies all the leaves on it. The candidates are "not set", every constant the leaves name, the values
between and around them, and a text no constant equals (containing what the leaves require), so the
answer is exact for text, numbers, dates and checks; a leaf the analysis cannot model (``changed`` inside
a ``not``) is taken as satisfiable, so a contradiction reported is always real.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, cast

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.decide import Template
from legist_routing.engine.problems import Problem, did_you_mean
from legist_routing.engine.rules import Action, Rule, parse_rule

MAX_TERMS = 256  # alternatives a condition tree may expand to before the analysis gives up on it
LISTED = 8  # how many options a finding lists

# The kinds of name a rule may refer to, as Vocabulary.names keys them.
REFERENCE_KINDS = ("template", "team", "policy", "role", "user")


@dataclass(frozen=True)
class Finding:
	rule: str
	code: str
	params: dict[str, Any] = field(default_factory=dict)
	path: str = ""  # where in the rule (conditions, actions[0].team, escalation.policy)
	other: str | None = None  # the other rule, for shadowed / conflicting_assignment / duplicate_work
	problems: tuple[Problem, ...] = ()  # invalid_rule: why


@dataclass(frozen=True)
class Vocabulary:
	"""What the site holds, for the checks. Whatever is left out is not checked.

	``values``: fact path -> every value the fact can take when set (a Select's options, the case types
	that exist); ``by_trigger`` overrides it per trigger (a portal upload's ``document.notice_type``).
	``names``: reference kind (:data:`REFERENCE_KINDS`) -> the names that exist; for ``user`` these
	also check the people conditions compare with. ``templates``: Task Templates by id and by name,
	for template references and to tell which actions make the same work."""

	values: Mapping[str, Collection[object]] = field(default_factory=dict)
	by_trigger: Mapping[str, Mapping[str, Collection[object]]] = field(default_factory=dict)
	names: Mapping[str, Collection[str]] = field(default_factory=dict)
	templates: Mapping[str, Template] | None = None


# --------------------------------------------------------------------------------- satisfiability
Literal: TypeAlias = tuple[C.Leaf, bool]  # a leaf and whether it must hold (False: must not hold)
Term: TypeAlias = tuple[Literal, ...]  # all of them at once


@dataclass(frozen=True)
class _Constraint:
	"""What one literal asks of one fact (``before:PATH``: the fact's value before a change)."""

	path: str
	written: str
	kind: str  # the fact's type
	constants: tuple[C.Value, ...]  # the values it names
	test: Callable[[C.Value], bool]
	required: str | None = None  # a text the value must contain


def _constraints(leaf: C.Leaf, positive: bool) -> list[_Constraint]:
	path, written = leaf.fact.path, leaf.fact.written
	if leaf.op != "changed":
		value = leaf.value
		constants = value if isinstance(value, tuple) else (value,)
		required = value if leaf.op == "contains" and positive and isinstance(value, str) else None
		return [
			_Constraint(
				path,
				written,
				leaf.fact.type,
				constants,
				lambda v: leaf.evaluate({path: v}, {})[0] is positive,
				required,
			)
		]
	if not positive:
		return []  # "did not change (as described)": not modelled, taken as satisfiable
	spec = cast("dict[str, Any]", leaf.raw)  # a "changed" leaf keeps its whole spec
	out: list[_Constraint] = []
	to, before = cast(C.Value, leaf.changed_to), cast(C.Value, leaf.changed_from)
	if "to" in spec:
		out.append(_Constraint(path, written, leaf.fact.type, (to,), lambda v: v == to))
	if "from" in spec:
		out.append(_Constraint("before:" + path, written, leaf.fact.type, (before,), lambda v: v == before))
		if "to" in spec and to == before:
			# changed from X to X: never
			out.append(_Constraint(path, written, leaf.fact.type, (), lambda _v: False))
	return out


def _around(values: list[Any], step: Any) -> list[Any]:
	"""Each value and a step either side of it (what lies beyond the first or last date is left out)."""
	out: list[Any] = []
	for v in values:
		out.append(v)
		for delta in (-step, step):
			try:
				out.append(v + delta)
			except OverflowError:
				pass
	return out


def _candidates(kind: str, constraints: list[_Constraint], domain: set[C.Value] | None) -> list[C.Value]:
	"""Values enough to decide whether any value of the fact satisfies all ``constraints``: every
	literal's truth is the same for all values strictly between (or beyond) the constants they name."""
	if domain is not None:
		return [None, *domain]
	constants = [c for constraint in constraints for c in constraint.constants]
	if kind == F.BOOL:
		return [None, True, False]
	if kind == F.NUMBER:
		numbers = sorted({c for c in constants if isinstance(c, float)})
		middles = [(a + b) / 2 for a, b in itertools.pairwise(numbers)]
		return [None, *_around(numbers, 1.0), *middles] if numbers else [None, 0.0]
	if kind in (F.DATE, F.DATETIME):
		moments = sorted({c for c in constants if isinstance(c, dt.date)})  # of the fact's kind
		step = dt.timedelta(days=1) if kind == F.DATE else dt.timedelta(microseconds=1)
		return [None, *_around(moments, step)] if moments else [None, dt.date(2000, 1, 1)]
	texts = sorted({c for c in constants if isinstance(c, str)})
	# A text equal to no constant that holds what "contains" requires and nothing else a rule names
	# (rules never write control characters; NUL and SOH are not spaces, which comparisons strip).
	required = [c.required for c in constraints if c.required is not None]
	return [None, *texts, "\x00".join([*required, "\x01"])]


class _Solver:
	"""Satisfiability of condition trees for one trigger, with the site's closed domains."""

	def __init__(self, trigger: str, vocabulary: Vocabulary):
		raw = {**vocabulary.values, **vocabulary.by_trigger.get(trigger, {})}
		self.domains = {path: {C.normalise(v, path) for v in values} for path, values in raw.items()}
		self.options = {
			path: sorted({str(v) for v in values if v not in (None, "")}) for path, values in raw.items()
		}
		self._conflicts: dict[tuple[tuple[int, bool], ...], list[str]] = {}  # by the term's leaves

	def dnf(self, node: C.Node, positive: bool = True, prune: bool = True) -> list[Term] | None:
		"""``node`` (or its negation) as alternatives of literals (those found impossible while expanding
		dropped, when ``prune``); ``None`` when there would be more than MAX_TERMS."""
		if isinstance(node, C.Leaf):
			return [((node, positive),)]
		if node.kind == "not":
			return self.dnf(node.children[0], not positive, prune)
		parts: list[list[Term]] = []
		for child in node.children:
			part = self.dnf(child, positive, prune)
			if part is None:
				return None
			parts.append(part)
		if (node.kind == "all") is positive:  # a conjunction: every child (each, or its negation)
			terms: list[Term] = [()]
			for part in parts:
				terms = [t + u for t in terms for u in part if not (prune and self.conflicts(t + u))]
				if len(terms) > MAX_TERMS:
					return None
			return terms
		terms = [t for part in parts for t in part]
		return terms if len(terms) <= MAX_TERMS else None

	def conflicts(self, term: Term) -> list[str]:
		"""The facts (as written) on which no value satisfies the term's literals; empty: it can hold."""
		key = tuple((id(leaf), positive) for leaf, positive in term)  # the rules' leaves outlive the check
		if key not in self._conflicts:
			self._conflicts[key] = self._find_conflicts(term)
		return self._conflicts[key]

	def _find_conflicts(self, term: Term) -> list[str]:
		by_path: dict[str, list[_Constraint]] = {}
		for leaf, positive in term:
			for constraint in _constraints(leaf, positive):
				by_path.setdefault(constraint.path, []).append(constraint)
		bad: list[str] = []
		for path, constraints in by_path.items():
			domain = self.domains.get(path.removeprefix("before:"))
			candidates = _candidates(constraints[0].kind, constraints, domain)
			if not any(all(c.test(v) for c in constraints) for v in candidates):
				bad.append(constraints[0].written)
		return bad

	def satisfiable(self, node: C.Node) -> bool | None:
		"""Whether some event satisfies ``node``; ``None``: too many alternatives to tell."""
		terms = self.dnf(node)
		return None if terms is None else any(not self.conflicts(t) for t in terms)

	def contradictions(self, node: C.Node) -> list[str]:
		"""The facts on which a tree that can never hold contradicts itself, alternative by alternative."""
		facts: list[str] = []
		for term in self.dnf(node, prune=False) or []:
			facts += [f for f in self.conflicts(term) if f not in facts]
		return facts


def _disjoint(a: Rule, b: Rule) -> bool:
	"""A quick sure answer: both rules require one fact to equal different values (so both never hold)."""
	required = dict(C.equality_keys(a.conditions))
	return any(path in required and required[path] != value for path, value in C.equality_keys(b.conditions))


def _both(a: C.Node, b: C.Node) -> C.Node:
	return C.Group("all", (a, b))


def _but_not(a: C.Node, b: C.Node) -> C.Node:
	return C.Group("all", (a, C.Group("not", (b,))))


# ------------------------------------------------------------------------------------ per rule
def _leaves(node: C.Node) -> Iterator[C.Leaf]:
	if isinstance(node, C.Leaf):
		yield node
	else:
		for child in node.children:
			yield from _leaves(child)


def _written_values(leaf: C.Leaf) -> list[object]:
	"""The values a leaf compares with, as the rule wrote them (blank ones left out)."""
	if leaf.op == "changed":
		spec = cast("dict[str, Any]", leaf.raw)  # a "changed" leaf keeps its whole spec
		values = [spec[k] for k in ("from", "to") if k in spec]
	elif leaf.op in ("equals", "not_equals", "in", "not_in"):
		values = leaf.raw if isinstance(leaf.raw, list) else [leaf.raw]
	else:
		values = []  # contains: a part of a value; ordered: a bound; is_set: none
	return [v for v in values if v is not None and not (isinstance(v, str) and not v.strip())]


def _value_findings(rule: Rule, solver: _Solver, users: set[str] | None) -> list[Finding]:
	out: list[Finding] = []
	for leaf in _leaves(rule.conditions):
		path = leaf.fact.path
		domain = solver.domains.get(path)
		for value in _written_values(leaf):
			if domain is not None and C.normalise(value, path) not in domain:
				options = solver.options[path]
				listed = ", ".join(options[:LISTED]) + (", …" if len(options) > LISTED else "")
				best = did_you_mean(str(value), options)
				params = {"fact": leaf.fact.written, "value": value, "options": listed, "best": best}
				out.append(Finding(rule.name, "impossible_value", params, "conditions"))
			elif users is not None and F.FACTS[path] == F.USER and str(value).strip().casefold() not in users:
				params = {"fact": leaf.fact.written, "value": value}
				out.append(Finding(rule.name, "unknown_user", params, "conditions"))
	return out


def _targets(value: object) -> list[str]:
	items = value if isinstance(value, list) else [value]
	return [t.strip() for t in items if isinstance(t, str) and t.strip()]


def references(rule: Rule) -> list[tuple[str, str, str]]:
	"""Every name the rule refers to: (kind, name, where), kinds as in :data:`REFERENCE_KINDS`."""
	out: list[tuple[str, str, str]] = []
	for action in rule.actions:
		where = f"actions[{action.index}]"
		people: list[tuple[str, str]] = []  # (target, the key that names it)
		if action.kind == "assign":
			people.append((str(action.target), "assign"))
		elif action.kind == "notify":
			people += [(t, "notify") for t in action.target]
		if "assignTo" in action.params:
			people.append((action.params["assignTo"], "assignTo"))
		for target, key in people:
			if target.startswith(("team:", "user:")):
				out.append((target[:4], target[5:], f"{where}.{key}"))
		if "templateId" in action.params:
			out.append(("template", action.params["templateId"], f"{where}.templateId"))
		if isinstance(action.raw.get("team"), str):
			out.append(("team", action.raw["team"].strip(), f"{where}.team"))
	escalation = rule.escalation or {}
	if isinstance(escalation.get("policy"), str):
		out.append(("policy", escalation["policy"].strip(), "escalation.policy"))
	for key in ("escalateTo", "reassignTo"):
		for target in _targets(escalation.get(key)):
			if target.startswith("role:"):
				out.append(("role", target[5:].strip(), f"escalation.{key}"))
			elif target.startswith("user:") or "@" in target or target == "Administrator":
				out.append(("user", target.removeprefix("user:"), f"escalation.{key}"))
	return out


def _known(vocabulary: Vocabulary) -> dict[str, set[str]]:
	"""The names that exist, by kind, as references are compared: templates exactly (routing looks
	them up so), the others without regard to case (as the database compares names)."""
	known = {k: {n.casefold() for n in v} for k, v in vocabulary.names.items() if k != "template"}
	if vocabulary.templates is not None:
		known["template"] = set(vocabulary.templates)
	return known


def _reference_findings(rule: Rule, known: dict[str, set[str]]) -> list[Finding]:
	out: list[Finding] = []
	for kind, name, where in references(rule):
		if kind in known and (name if kind == "template" else name.casefold()) not in known[kind]:
			out.append(Finding(rule.name, "missing_reference", {"kind": kind, "value": name}, where))
	return out


# ------------------------------------------------------------------------------ between rules
@dataclass(frozen=True)
class _Work:
	rule: Rule
	action: Action
	what: tuple[str, str]  # ("template", name) | ("title", casefolded title) | ("default", trigger)
	label: str  # what the finding shows
	who: str  # who it goes to: a fact path, user:..., team:..., with a named pool


def _work(rule: Rule, action: Action, templates: Mapping[str, Template]) -> _Work:
	params, raw = action.params, action.raw
	ref = params.get("templateId")
	title = action.target if action.kind == "create_task" else raw.get("task")
	# a created task without a templateId still follows the template of its title (decide does so)
	key = ref or (title if action.kind == "create_task" and isinstance(title, str) else "")
	template = templates.get(key) if key else None
	if template is not None:
		what, label = ("template", template.name), template.name
	elif ref:
		what, label = ("template", ref), ref
	elif isinstance(title, str) and title.strip():
		what, label = ("title", title.strip().casefold()), title.strip()
	else:
		what, label = ("default", rule.trigger), ""
	if action.kind == "assign":
		source = str(action.target)
	else:
		source = params.get("assignTo") or (template.default_slot if template else "case.primary_paralegal")
	pool = raw.get("team")
	team = pool.strip() if isinstance(pool, str) else ""
	return _Work(rule, action, what, label, source + (f" ({team})" if team else ""))


class _Order:
	"""Which rule the engine evaluates first (decide.RuleSet: priority, then the order given)."""

	def __init__(self, rules: Sequence[Rule]):
		self.rank = {id(r): (-r.priority, i) for i, r in enumerate(rules)}

	def before(self, a: Rule, b: Rule) -> bool:
		return self.rank[id(a)] < self.rank[id(b)]


def _shadow_findings(
	rules: list[Rule], solver: _Solver, order: _Order, dead: set[int]
) -> list[tuple[Rule, Finding]]:
	out: list[tuple[Rule, Finding]] = []
	stoppers = [r for r in rules if r.stop_processing and id(r) not in dead]
	for rule in rules:
		if id(rule) in dead:
			continue
		for stopper in stoppers:
			if (
				order.before(stopper, rule)
				and not _disjoint(rule, stopper)
				and solver.satisfiable(_but_not(rule.conditions, stopper.conditions)) is False
			):
				params = {"priority": stopper.priority}
				out.append((rule, Finding(rule.name, "shadowed", params, "", stopper.name)))
				break
	return out


def _conflict_findings(
	rules: list[Rule], solver: _Solver, order: _Order, templates: Mapping[str, Template]
) -> list[tuple[Rule, Finding]]:
	groups: dict[tuple[str, str], list[_Work]] = {}
	for rule in rules:
		for action in rule.actions:
			if action.kind != "notify":
				work = _work(rule, action, templates)
				groups.setdefault(work.what, []).append(work)
	stoppers = [r for r in rules if r.stop_processing]
	out: list[tuple[Rule, Finding]] = []
	reported: set[tuple[int, int]] = set()
	for works in groups.values():
		for i, a in enumerate(works):
			for b in works[i + 1 :]:
				first, second = (a, b) if order.before(a.rule, b.rule) else (b, a)
				pair = (id(first.rule), id(second.rule))
				if a.rule is b.rule or pair in reported or _disjoint(a.rule, b.rule):
					continue  # one rule's own actions; a pair already reported; never both
				together = _both(first.rule.conditions, second.rule.conditions)
				if solver.satisfiable(together) is not True:
					continue
				# a rule evaluated before the second that stops whenever both match keeps them apart
				if any(
					order.before(s, second.rule)
					and solver.satisfiable(_but_not(together, s.conditions)) is False
					for s in stoppers
				):
					continue
				reported.add(pair)
				code = "duplicate_work" if first.who == second.who else "conflicting_assignment"
				params = {"work": first.label, "who": second.who, "other_who": first.who}
				finding = Finding(
					second.rule.name, code, params, f"actions[{second.action.index}]", first.rule.name
				)
				out.append((second.rule, finding))
	return out


# ---------------------------------------------------------------------------------------- entry
def check_rules(rules: Sequence[object], vocabulary: Vocabulary | None = None) -> list[Finding]:
	"""Check a rule set: each rule in the guide's JSON shape, in the order the site evaluates rules of
	equal priority (oldest first). Every rule is checked on its own; the enabled ones also against each
	other. Findings come rule by rule, in the order given."""
	vocabulary = vocabulary or Vocabulary()
	known = _known(vocabulary)
	users = known.get("user")
	found: list[tuple[int, Finding]] = []
	place: dict[int, int] = {}  # id(rule) -> its place in ``rules``
	parsed: list[Rule] = []
	for i, data in enumerate(rules):
		rule, problems = parse_rule(data)
		if rule is None:
			name = data.get("ruleName") if isinstance(data, dict) else None
			label = name.strip() if isinstance(name, str) and name.strip() else f"#{i + 1}"
			found.append((i, Finding(label, "invalid_rule", problems=tuple(problems))))
			continue
		place[id(rule)] = i
		parsed.append(rule)
	order = _Order(parsed)
	by_trigger: dict[str, list[Rule]] = {}
	for rule in parsed:
		by_trigger.setdefault(rule.trigger, []).append(rule)
	for trigger, group in by_trigger.items():
		solver = _Solver(trigger, vocabulary)
		dead: set[int] = set()  # rules that never fire
		for rule in group:
			own = _value_findings(rule, solver, users)
			if solver.satisfiable(rule.conditions) is False:
				dead.add(id(rule))
				facts = ", ".join(solver.contradictions(rule.conditions))
				own.insert(0, Finding(rule.name, "never_fires", {"facts": facts}, "conditions"))
			own += _reference_findings(rule, known)
			found += [(place[id(rule)], f) for f in own]
		enabled = [r for r in group if r.enabled]
		pairs = _shadow_findings(enabled, solver, order, dead)
		live = [r for r in enabled if id(r) not in dead]
		pairs += _conflict_findings(live, solver, order, vocabulary.templates or {})
		found += [(place[id(rule)], f) for rule, f in pairs]
	found.sort(key=lambda p: p[0])
	return [f for _place, f in found]


def involving(findings: Sequence[Finding], name: str) -> list[Finding]:
	"""The findings about one rule, or in which it is the other rule (the checks on save)."""
	return [f for f in findings if f.rule == name or f.other == name]
