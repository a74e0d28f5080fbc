"""The rule validation under fuzz: whatever JSON comes in, parse_rule answers with a rule or with
problems (never an exception), every problem has a known code, a path and a message, and the rule-set
checks take whatever parse_rule took."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.problems import TEMPLATES
from legist_routing.engine.rules import export_rule, parse_rule
from legist_routing.engine.ruleset_checks import Vocabulary, check_rules

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rule_strategies import JSON, SCALARS, TEXT, VALID_RULE, broken_rule

# Words the vocabulary knows, so that fuzzed rules get past the first checks and reach the deeper ones.
FACTS = st.sampled_from([*F.FACTS, *F.ALIASES, "case.prority", "nope.x"])
OPS = st.sampled_from([*C.OPERATORS, "inn", "between"])
RECIPIENTS = st.sampled_from(
	[
		*F.RECIPIENT_FACTS,
		"case.leadAttorney",
		"user:ana@firm.test",
		"team:Paralegals",
		"role:Legist Manager",
		"x",
	]
)
LEAF = st.one_of(
	st.builds(lambda f, v: {f: v}, FACTS, JSON),
	st.builds(lambda f, o, v: {"fact": f, "op": o, "value": v}, FACTS, OPS, JSON),
	st.builds(lambda f, a, b: {f: {"changed": {"from": a, "to": b}}}, FACTS, SCALARS, SCALARS),
)
CONDITIONS = st.recursive(
	LEAF,
	lambda inner: st.one_of(
		st.builds(lambda xs: {"all": xs}, st.lists(inner, max_size=3)),
		st.builds(lambda xs: {"any": xs}, st.lists(inner, max_size=3)),
		st.builds(lambda x: {"not": x}, inner),
	),
	max_leaves=8,
)
NUMBERS = st.one_of(SCALARS, st.integers(-10, 10_000))
ACTION = st.one_of(
	st.fixed_dictionaries(
		{"assign": RECIPIENTS},
		optional={"dueInDays": NUMBERS, "task": TEXT, "team": TEXT, "strategy": JSON, "priority": JSON},
	),
	st.fixed_dictionaries(
		{"notify": st.one_of(RECIPIENTS, st.lists(RECIPIENTS, max_size=3))},
		optional={"method": JSON, "notifyWithinHours": NUMBERS, "subject": TEXT, "message": TEXT},
	),
	st.fixed_dictionaries(
		{"createTask": TEXT},
		optional={"templateId": TEXT, "assignTo": RECIPIENTS, "dueDaysBeforeDeadline": NUMBERS},
	),
	JSON,
)
RULES = st.fixed_dictionaries(
	{},
	optional={
		"ruleName": TEXT,
		"trigger": st.one_of(st.sampled_from(list(F.TRIGGERS)), JSON),
		"conditions": st.one_of(CONDITIONS, JSON),
		"actions": st.one_of(st.lists(ACTION, max_size=3), JSON),
		"escalation": st.one_of(
			st.fixed_dictionaries(
				{}, optional={"ifNotAcknowledgedHours": NUMBERS, "escalateTo": JSON, "policy": TEXT}
			),
			JSON,
		),
		"priority": NUMBERS,
		"enabled": JSON,
		"stopProcessing": JSON,
		"description": TEXT,
	},
)
ANYTHING = st.one_of(RULES, VALID_RULE, broken_rule(), JSON)


def _is_answered(data) -> tuple:
	rule, problems = parse_rule(data, {"rfe_response_template"})
	assert (rule is None) is bool(problems)
	for problem in problems:
		assert problem.code in TEMPLATES, problem
		assert isinstance(problem.path, str)
		assert str(problem) and json.dumps(problem.as_dict()["message"])  # the message itself never fails
		assert len(problem.message) < 2000  # what the input held is shown bounded
	return rule, problems


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANYTHING)
def test_property_any_input_is_answered_with_a_rule_or_problems(data):
	before = copy.deepcopy(data) if data == data else None  # NaN never equals itself
	rule, _problems = _is_answered(data)
	if before is not None:
		assert data == before  # the input is not changed
	if rule is not None:
		# a rule that passes is stored, exported and read back as the same rule
		exported = export_rule(
			rule.name,
			rule.trigger,
			rule.source.get("conditions"),
			rule.source["actions"],
			rule.escalation,
			rule.priority,
			rule.enabled,
			rule.stop_processing,
			rule.description,
		)
		assert parse_rule(json.loads(json.dumps(exported)))[0] is not None


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANYTHING, max_size=5))
def test_property_the_rule_set_checks_take_any_rule_set(rules):
	vocabulary = Vocabulary(
		values={"case.priority": ["Urgent", "High", "Standard", "Low"]},
		names={"team": ["Paralegals"], "user": ["ana@firm.test"], "role": [], "policy": []},
	)
	for finding in check_rules(rules, vocabulary):
		assert finding.rule and finding.code


def test_nesting_beyond_any_limit_is_refused_not_recursed():
	tree: object = {"case.priority": "High"}
	for _ in range(600):
		tree = {"not": {"all": [tree]}}
	rule, problems = parse_rule(
		{"ruleName": "R", "trigger": "case.created", "conditions": tree, "actions": []}
	)
	assert rule is None and "too_deep" in [p.code for p in problems]
