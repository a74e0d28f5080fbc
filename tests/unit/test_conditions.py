"""Condition trees: every operator, groups, the guide's shorthand, problems and a few properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F


def compile_tree(tree, trigger=None):
	node, problems = C.parse(tree, trigger)
	assert problems == [], [str(p) for p in problems]
	return node


def holds(tree, facts, previous=None, trigger=None) -> bool:
	return compile_tree(tree, trigger).evaluate(facts, previous or {})[0]


def trace_of(tree, facts, previous=None) -> dict:
	return compile_tree(tree).evaluate(facts, previous or {})[1]


def problems_of(tree, trigger=None) -> list[str]:
	_node, problems = C.parse(tree, trigger)
	return [str(p) for p in problems]


def leaf(fact, op, value=None, **extra) -> dict:
	spec = {"fact": fact, "op": op, **extra}
	if value is not None:
		spec["value"] = value
	return spec


# ------------------------------------------------------------------------------------------ text
@pytest.mark.parametrize("actual", ["Standard", "standard", "STANDARD", "  Standard  "])
def test_text_equals_ignores_case_and_surrounding_spaces(actual):
	assert holds({"case.priority": "standard"}, {"case.priority": actual})
	assert not holds({"case.priority": "standard"}, {"case.priority": "Urgent"})


def test_text_not_equals():
	tree = leaf("case.priority", "not_equals", "Urgent")
	assert holds(tree, {"case.priority": "Standard"})
	assert not holds(tree, {"case.priority": "urgent"})
	assert holds(tree, {})  # a missing fact is not "Urgent"


def test_in_and_not_in_are_case_insensitive():
	tree_in = leaf("case.priority", "in", ["Urgent", "High"])
	tree_not_in = leaf("case.priority", "not_in", ["Urgent", "High"])
	assert holds(tree_in, {"case.priority": "high"})
	assert not holds(tree_in, {"case.priority": "standard"})
	assert not holds(tree_in, {})
	assert holds(tree_not_in, {"case.priority": "low"})
	assert not holds(tree_not_in, {"case.priority": "URGENT"})


def test_contains_is_case_insensitive_substring():
	tree = leaf("case.case_title", "contains", "adjustment")
	assert holds(tree, {"case.case_title": "Garcia - Adjustment of Status"})
	assert not holds(tree, {"case.case_title": "Garcia - H-1B"})
	assert not holds(tree, {})
	# contains "" would never hold: refused (see the problems below)
	assert problems_of(leaf("case.case_title", "contains", "")) == [
		"conditions.value: operator 'contains' needs a value to compare with"
	]


@pytest.mark.parametrize(
	("facts", "is_set"),
	[
		({"case.lead_attorney": "attorney@firm.test"}, True),
		({"case.lead_attorney": ""}, False),
		({"case.lead_attorney": None}, False),
		({}, False),
	],
)
def test_is_set_and_is_not_set(facts, is_set):
	assert holds(leaf("case.lead_attorney", "is_set"), facts) is is_set
	assert holds(leaf("case.lead_attorney", "is_not_set"), facts) is (not is_set)


def test_blank_text_counts_as_not_set():
	assert not holds(leaf("case.lead_attorney", "is_set"), {"case.lead_attorney": "   "})
	assert holds({"case.priority": ""}, {"case.priority": "  "})
	assert holds({"case.priority": "  "}, {})
	assert holds({"case.open_tasks": " "}, {"case.open_tasks": None})


def test_is_set_trace_has_no_value():
	trace = trace_of(leaf("case.lead_attorney", "is_set"), {"case.lead_attorney": "a@b.c"})
	assert trace == {"fact": "case.lead_attorney", "op": "is_set", "actual": "a@b.c", "result": True}


# --------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
	("op", "expected"),  # actual 5 against the value 5, then 4 and 6
	[
		("equals", (True, False, False)),
		("not_equals", (False, True, True)),
		("gt", (False, True, False)),
		("gte", (True, True, False)),
		("lt", (False, False, True)),
		("lte", (True, False, True)),
	],
)
def test_number_comparisons(op, expected):
	results = tuple(holds(leaf("case.open_tasks", op, value), {"case.open_tasks": 5}) for value in (5, 4, 6))
	assert results == expected


def test_numbers_compare_as_numbers_whatever_their_spelling():
	assert holds({"case.open_tasks": 3}, {"case.open_tasks": "3"})
	assert holds({"case.open_tasks": "3.0"}, {"case.open_tasks": 3})
	assert holds(leaf("case.open_tasks", "gt", "9"), {"case.open_tasks": 10})  # not "10" < "9"
	assert holds(leaf("case.open_tasks", "in", [1, "2"]), {"case.open_tasks": 2.0})


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
@pytest.mark.parametrize("actual", [None, "", "lots", True])
def test_ordered_operators_never_hold_for_missing_or_unreadable_facts(op, actual):
	assert not holds(leaf("case.open_tasks", op, 1), {"case.open_tasks": actual})


def test_unreadable_fact_counts_as_not_set():
	assert holds(leaf("case.open_tasks", "is_not_set"), {"case.open_tasks": "lots"})


# ----------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
	("op", "expected"),  # actual 2026-08-20 against the 19th, 20th and 21st
	[
		("equals", (False, True, False)),
		("gt", (True, False, False)),
		("after", (True, False, False)),
		("gte", (True, True, False)),
		("lt", (False, False, True)),
		("before", (False, False, True)),
		("lte", (False, True, True)),
	],
)
def test_date_comparisons(op, expected):
	facts = {"document.response_due_date": dt.date(2026, 8, 20)}
	days = ("2026-08-19", "2026-08-20", "2026-08-21")
	assert tuple(holds(leaf("document.response_due_date", op, d), facts) for d in days) == expected


@pytest.mark.parametrize(
	"actual",
	[dt.date(2026, 8, 20), "2026-08-20", dt.datetime(2026, 8, 20, 23, 59), "2026-08-20 10:00:00"],
)
def test_date_facts_accept_dates_datetimes_and_text(actual):
	assert holds({"document.response_due_date": "2026-08-20"}, {"document.response_due_date": actual})
	assert holds({"document.response_due_date": dt.date(2026, 8, 20)}, {"document.response_due_date": actual})


@pytest.mark.parametrize(
	("op", "expected"),
	[
		("equals", (False, True, False)),
		("gt", (True, False, False)),
		("gte", (True, True, False)),
		("lt", (False, False, True)),
		("lte", (False, True, True)),
	],
)
def test_datetime_comparisons(op, expected):
	facts = {"document.appointment_at": "2026-07-01 09:30:00"}
	values = ("2026-07-01T09:29:59", "2026-07-01 09:30", dt.datetime(2026, 7, 1, 9, 31))
	assert tuple(holds(leaf("document.appointment_at", op, v), facts) for v in values) == expected


def test_datetime_facts_accept_dates_and_drop_time_zones():
	assert holds({"case.hard_deadline": "2026-07-01 00:00"}, {"case.hard_deadline": dt.date(2026, 7, 1)})
	aware = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.timezone.utc)
	assert holds({"case.hard_deadline": "2026-07-01 09:30"}, {"case.hard_deadline": aware})
	assert holds({"case.deadline": "2026-07-01T09:30:00+02:00"}, {"case.hard_deadline": "2026-07-01 09:30"})


def test_trace_of_a_date_leaf_is_jsonable():
	facts = {"document.response_due_date": dt.date(2026, 8, 20)}
	trace = trace_of(leaf("document.response_due_date", "lt", dt.date(2026, 9, 1)), facts)
	assert trace == {
		"fact": "document.response_due_date",
		"op": "lt",
		"actual": "2026-08-20",
		"value": "2026-09-01",
		"result": True,
	}


# --------------------------------------------------------------------------------------- changed
PREVIOUS = {"case.status": "Filed"}


@pytest.mark.parametrize(
	("spec", "now_status", "expected"),
	[
		({"from": "Filed"}, "RFE Received", True),
		({"from": "filed"}, "RFE Received", True),
		({"from": "Draft"}, "RFE Received", False),
		({"to": "RFE Received"}, "RFE Received", True),
		({"to": "Approved"}, "RFE Received", False),
		({"from": "Filed", "to": "rfe received"}, "RFE Received", True),
		({"from": "Filed", "to": "Approved"}, "RFE Received", False),
		({"from": "Filed"}, "Filed", False),  # no change at all
		({"to": "Filed"}, "Filed", False),
	],
)
def test_changed_with_from_to_or_both(spec, now_status, expected):
	tree = {"fact": "case.status", "op": "changed", **spec}
	assert holds(tree, {"case.status": now_status}, PREVIOUS) is expected


def test_changed_does_not_hold_when_the_fact_has_no_previous_value():
	tree = {"fact": "case.status", "op": "changed", "to": "RFE Received"}
	ok, trace = compile_tree(tree).evaluate({"case.status": "RFE Received"}, {})
	assert not ok
	assert trace == {
		"fact": "case.status",
		"op": "changed",
		"actual": "RFE Received",
		"result": False,
		"reason": "unchanged",
	}


def test_changed_trace_names_before_from_and_to():
	tree = {"case.status": {"changed": {"from": "Filed", "to": "RFE Received"}}}
	_ok, trace = compile_tree(tree).evaluate({"case.status": "RFE Received"}, PREVIOUS)
	assert trace == {
		"all": [
			{
				"fact": "case.status",
				"op": "changed",
				"actual": "RFE Received",
				"from": "Filed",
				"to": "RFE Received",
				"before": "Filed",
				"result": True,
			}
		],
		"result": True,
	}


def test_changed_on_a_date_fact_and_an_unreadable_previous_value():
	tree = {"fact": "document.response_due_date", "op": "changed", "to": "2026-09-01"}
	facts = {"document.response_due_date": "2026-09-01"}
	assert holds(tree, facts, {"document.response_due_date": "2026-08-20"})
	assert holds(tree, facts, {"document.response_due_date": "garbage"})  # unreadable counts as unset
	assert not holds(tree, facts, {"document.response_due_date": dt.date(2026, 9, 1)})


def test_changed_reads_previous_values_by_canonical_path():
	tree = {"case.type": {"changedFromTo": {"to": "H-1B"}}}
	assert holds(tree, {"case.case_type": "H-1B"}, {"case.case_type": "L-1"})


# -------------------------------------------------------------------------------- operator names
def _spec_for(spelling: str, canonical: str) -> dict:
	if canonical in ("gt", "gte", "lt", "lte"):
		return {"fact": "case.open_tasks", "op": spelling, "value": 1}
	if canonical in ("in", "not_in"):
		return {"fact": "case.priority", "op": spelling, "value": ["high"]}
	if canonical == "changed":
		return {"fact": "case.priority", "op": spelling, "to": "high"}
	if canonical in ("is_set", "is_not_set"):
		return {"fact": "case.priority", "op": spelling}
	return {"fact": "case.priority", "op": spelling, "value": "high"}


@pytest.mark.parametrize(("spelling", "canonical"), sorted(C.OPERATORS.items()))
def test_every_operator_spelling_maps_to_its_canonical_operator(spelling, canonical):
	node = compile_tree(_spec_for(spelling, canonical))
	assert isinstance(node, C.Leaf) and node.op == canonical


def test_operator_key_may_be_spelt_operator_and_defaults_to_equals():
	assert holds({"fact": "case.priority", "operator": "in", "value": ["high"]}, {"case.priority": "High"})
	node = compile_tree({"fact": "case.priority", "value": "high"})
	assert node.op == "equals" and node.value == "high" and node.raw == "high"


# ---------------------------------------------------------------------------------------- groups
FACTS = {"case.priority": "High", "case.case_type": "H-1B", "case.open_tasks": 2}
YES = {"case.priority": "high"}
NO = {"case.priority": "low"}


@pytest.mark.parametrize(
	("tree", "expected"),
	[
		({"all": [YES, {"case.type": "H-1B"}]}, True),
		({"all": [YES, NO]}, False),
		({"any": [NO, YES]}, True),
		({"any": [NO, NO]}, False),
		({"not": YES}, False),
		({"not": NO}, True),
		({"not": {"any": [NO, {"case.type": "L-1"}]}}, True),
		({"any": [{"all": [YES, NO]}, {"not": NO}]}, True),
		({"all": [{"any": [NO, YES]}, {"not": {"all": [YES, {"case.open_tasks": {"gt": 5}}]}}]}, True),
		({"all": [{"any": [NO, YES]}, {"not": {"all": [YES, {"case.open_tasks": {"lt": 5}}]}}]}, False),
		([YES, {"case.type": "H-1B"}], True),  # a list is "all"
		([YES, NO], False),
	],
)
def test_groups_and_nesting(tree, expected):
	assert holds(tree, FACTS) is expected


@pytest.mark.parametrize("tree", [None, {}, []])
def test_no_conditions_always_hold(tree):
	node, problems = C.parse(tree, "case.created")
	assert problems == [] and node is C.ALWAYS
	assert node.evaluate({}, {}) == (True, {"all": [], "result": True})


def test_groups_evaluate_every_child_for_the_trace():
	_ok, trace = compile_tree({"any": [YES, NO]}).evaluate(FACTS, {})
	assert trace["result"] is True
	assert [t["result"] for t in trace["any"][0]["all"] + trace["any"][1]["all"]] == [True, False]


def test_shorthand_is_all_of_its_facts_with_lists_meaning_in_and_mappings_naming_operators():
	tree = {
		"document.type": "RFE",
		"case.type": ["Adjustment of Status", "Naturalization"],
		"case.open_tasks": {"lte": 3},
	}
	node = compile_tree(tree, "document.received")
	assert isinstance(node, C.Group) and node.kind == "all"
	assert [(c.fact.path, c.op) for c in node.children] == [
		("document.notice_type", "equals"),
		("case.case_type", "in"),
		("case.open_tasks", "lte"),
	]
	facts = {"document.notice_type": "rfe", "case.case_type": "naturalization", "case.open_tasks": 3}
	assert node.evaluate(facts, {})[0]
	assert not node.evaluate({**facts, "case.open_tasks": 4}, {})[0]


def test_shorthand_mixed_with_groups():
	tree = {"document.type": "RFE", "any": [{"case.priority": "urgent"}, {"case.type": "H-1B"}]}
	node = compile_tree(tree)
	assert node.kind == "all" and len(node.children) == 2
	assert node.evaluate({"document.notice_type": "RFE", "case.case_type": "H-1B"}, {})[0]
	assert not node.evaluate({"document.notice_type": "NOID", "case.case_type": "H-1B"}, {})[0]


def test_a_single_explicit_leaf_compiles_to_a_leaf():
	node = compile_tree({"fact": "document.type", "op": "equals", "value": "RFE"})
	assert node == C.Leaf(F.FactRef("document.notice_type", "document.type", F.TEXT), "equals", "rfe", "RFE")


# -------------------------------------------------------------------------------------- problems
@pytest.mark.parametrize(
	("tree", "trigger", "expected"),
	[
		("RFE", None, ["conditions: must be a JSON object"]),
		(
			{"case.priority": {"in": ["a"], "gt": 1}},
			None,
			["conditions.case.priority: must be a JSON object"],
		),
		({"all": {"case.priority": "high"}}, None, ["conditions.all: must be a list"]),
		({"any": []}, None, ["conditions.any: 'any' needs at least one condition"]),
		({"not": {"all": []}}, None, ["conditions.not.all: 'all' needs at least one condition"]),
		(
			{"case.prority": "standard"},
			None,
			["conditions.case.prority: unknown field 'prority'; did you mean 'priority'?"],
		),
		(
			{"any": [{"case.type": "H-1B"}, {"case.prority": "urgent"}]},
			None,
			["conditions.any[1].case.prority: unknown field 'prority'; did you mean 'priority'?"],
		),
		(
			[{"fact": "priority", "value": "x"}],
			None,
			[
				"conditions[0].fact: unknown fact 'priority'; facts start with "
				"appointment., case., deadline., document., operations., task."
			],
		),
		(
			{"document.type": "RFE"},
			"case.created",
			[
				"conditions.document.type: 'document.type' is not available for trigger 'case.created' "
				"(available: case., operations.)"
			],
		),
		(
			{"fact": "case.priority", "op": "in", "vaule": ["high"]},
			None,
			["conditions: unknown key 'vaule'; did you mean 'value'?"],
		),
		(
			{"case.priority": {"equal": "high"}},
			None,
			["conditions.case.priority: unknown operator 'equal'; did you mean 'equals'?"],
		),
		(
			{"fact": "case.priority", "op": "xyzzy"},
			None,
			[
				"conditions: unknown operator 'xyzzy'; use one of: equals, not_equals, in, not_in, gt, gte, lt, lte, contains, is_set, is_not_set, changed"
			],
		),
		(
			{"fact": "case.priority", "op": 3},
			None,
			[
				"conditions: unknown operator '3'; use one of: equals, not_equals, in, not_in, gt, gte, lt, lte, contains, is_set, is_not_set, changed"
			],
		),
		(
			{"case.priority": {"in": "high"}},
			None,
			["conditions.case.priority: operator 'in' needs a list of values"],
		),
		(
			{"fact": "case.priority", "op": "noneOf", "value": "high"},
			None,
			["conditions: operator 'noneOf' needs a list of values"],
		),
		(
			{"case.type": {">": "H"}},
			None,
			["conditions.case.type: operator '>' compares numbers or dates, but 'case.type' is text"],
		),
		({"case.open_tasks": "many"}, None, ["conditions.case.open_tasks: 'many' is not a valid number"]),
		({"case.open_tasks": True}, None, ["conditions.case.open_tasks: 'True' is not a valid number"]),
		(
			{"document.response_due_date": {"before": "2026-13-01"}},
			None,
			["conditions.document.response_due_date: '2026-13-01' is not a valid date (YYYY-MM-DD)"],
		),
		(
			{"document.appointment_at": {"gte": "tomorrow"}},
			None,
			[
				"conditions.document.appointment_at: 'tomorrow' is not a valid date and time "
				"(YYYY-MM-DD HH:MM)"
			],
		),
		(
			{"case.open_tasks": {"in": [1, "x"]}},
			None,
			["conditions.case.open_tasks[1]: 'x' is not a valid number"],
		),
		(
			{"fact": "case.status", "op": "changed"},
			None,
			["conditions: 'changed' needs 'from', 'to' or both"],
		),
		(
			{"case.status": {"changed": True}},
			None,
			["conditions.case.status: 'changed' needs 'from', 'to' or both"],
		),
		(
			{"case.filing_date": {"changed": {"from": "last week"}}},
			None,
			["conditions.case.filing_date.from: 'last week' is not a valid date (YYYY-MM-DD)"],
		),
		({"fact": 12, "value": "x"}, None, ["conditions.fact: must be text"]),
	],
)
def test_problems_are_named_with_path_and_message(tree, trigger, expected):
	assert problems_of(tree, trigger) == expected


def test_every_problem_in_a_tree_is_reported_at_once():
	tree = {
		"case.prority": "high",
		"all": [{"case.open_tasks": {"gt": "x"}}, {"fact": "task.status", "op": "is", "valeu": 1}],
		"any": [],
		"document.type": "RFE",
	}
	problems = problems_of(tree, "case.created")
	assert problems == [
		"conditions.case.prority: unknown field 'prority'; did you mean 'priority'?",
		"conditions.all[0].case.open_tasks: 'x' is not a valid number",
		"conditions.all[1]: unknown key 'valeu'; did you mean 'value'?",
		"conditions.all[1].fact: 'task.status' is not available for trigger 'case.created' "
		"(available: case., operations.)",
		"conditions.any: 'any' needs at least one condition",
		"conditions.document.type: 'document.type' is not available for trigger 'case.created' "
		"(available: case., operations.)",
	]


def test_unknown_key_and_unknown_operator_reported_together():
	_node, problems = C.parse({"fact": "case.priority", "opp": "in", "op": "inn"}, None)
	assert [p.code for p in problems] == ["unknown_key", "unknown_operator"]
	assert problems[1].params == {"op": "inn", "hint": "; did you mean 'in'?"}


# ------------------------------------------------------------------------------ index and values
def test_equality_keys_are_the_top_level_equalities():
	node = compile_tree({"document.type": "RFE", "case.priority": ["high"], "case.open_tasks": 2})
	assert C.equality_keys(node) == [("document.notice_type", "rfe"), ("case.open_tasks", 2.0)]
	assert C.equality_keys(compile_tree({"fact": "case.type", "value": "H-1B"})) == [
		("case.case_type", "h-1b")
	]
	assert C.equality_keys(compile_tree({"fact": "case.type", "op": "ne", "value": "H-1B"})) == []
	assert C.equality_keys(compile_tree({"any": [{"document.type": "RFE"}, {"document.type": "NOID"}]})) == []
	assert C.equality_keys(compile_tree({"not": {"document.type": "RFE"}})) == []
	assert C.equality_keys(C.ALWAYS) == []
	assert C.equality_keys(None) == []


def test_paths_lists_every_fact_a_tree_reads():
	node = compile_tree(
		{"document.type": "RFE", "any": [{"case.type": "H-1B"}, {"not": {"case.priority": "low"}}]}
	)
	assert list(node.paths()) == ["document.notice_type", "case.case_type", "case.priority"]


@pytest.mark.parametrize(
	("value", "path", "expected"),
	[
		(" RFE ", "document.notice_type", "rfe"),
		("3", "case.open_tasks", 3.0),
		("2026-08-20", "document.response_due_date", dt.date(2026, 8, 20)),
		("x", "case.open_tasks", None),
		(None, "case.priority", None),
		("Anything", "no.such.path", "anything"),
	],
)
def test_normalise(value, path, expected):
	assert C.normalise(value, path) == expected


def test_jsonable():
	assert C.jsonable(dt.date(2026, 8, 20)) == "2026-08-20"
	assert C.jsonable(dt.datetime(2026, 8, 20, 17, 0)) == "2026-08-20T17:00:00"
	assert C.jsonable(["a", 1]) == ["a", 1]
	assert C.jsonable(None) is None


@pytest.mark.parametrize(
	("value", "expected"),
	[
		("yes", True),
		("TRUE", True),
		(" 1 ", True),
		("no", False),
		("0", False),
		(1, True),
		(0, False),
		("", None),
	],
)
def test_check_values_normalise_to_booleans(value, expected):
	assert C._norm(value, F.BOOL) is expected


# ------------------------------------------------------------------------------------ properties
TEXT_VALUES = st.sampled_from(["RFE", "rfe", "NOID", "Receipt", "Approval", "", None])
NUMBERS = st.one_of(st.none(), st.integers(-50, 50), st.floats(-1e6, 1e6, allow_nan=False))
DATES = st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))


@st.composite
def leaf_and_facts(draw):
	"""Any valid leaf with a fact value of the right kind (or missing)."""
	kind = draw(st.sampled_from(["text", "number", "date"]))
	if kind == "text":
		fact, values, ops = (
			"document.notice_type",
			TEXT_VALUES,
			["equals", "not_equals", "contains", "is_set"],
		)
		ops += ["is_not_set", "in", "not_in"]
	elif kind == "number":
		fact, values = "case.open_tasks", NUMBERS
		ops = ["equals", "not_equals", "gt", "gte", "lt", "lte", "is_set", "is_not_set", "in", "not_in"]
	else:
		fact, values = "document.response_due_date", DATES
		ops = ["equals", "not_equals", "gt", "gte", "lt", "lte", "is_set", "is_not_set", "in", "not_in"]
	op = draw(st.sampled_from(ops))
	if op in ("in", "not_in"):
		value = draw(st.lists(values, min_size=1, max_size=4))
	elif op in ("equals", "not_equals", "is_set"):
		value = draw(values)
	else:  # the operators that compare with something need a value
		value = draw(values.filter(lambda v: v not in (None, "")))
	spec = {"fact": fact, "op": op, "value": value}
	facts = {fact: draw(values)} if draw(st.booleans()) else {}
	return spec, facts


@settings(max_examples=150, deadline=None)
@given(leaf_and_facts())
def test_property_not_of_a_leaf_is_its_negation(case):
	spec, facts = case
	assert holds({"not": spec}, facts) is (not holds(spec, facts))


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT_VALUES, min_size=1, max_size=5), TEXT_VALUES)
def test_property_in_is_any_of_equals_and_not_in_is_its_negation(values, actual):
	facts = {"document.notice_type": actual}
	any_of = {"any": [{"fact": "document.type", "op": "equals", "value": v} for v in values]}
	expected = holds(any_of, facts)
	assert holds({"document.type": values}, facts) is expected
	assert holds({"document.type": {"not_in": values}}, facts) is (not expected)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -", min_size=1, max_size=20))
def test_property_text_equality_ignores_case_and_padding(value):
	facts = {"case.case_type": f"  {value.swapcase()} "}
	assert holds({"case.type": value}, facts)
	assert holds({"case.type": {"in": ["x", value]}}, facts)


@settings(max_examples=100, deadline=None)
@given(NUMBERS.filter(lambda v: v is not None), NUMBERS.filter(lambda v: v is not None))
def test_property_ordered_operators_partition_when_both_sides_are_set(actual, value):
	facts = {"case.open_tasks": actual}
	gt, gte, lt, lte, eq = (
		holds(leaf("case.open_tasks", op, value), facts) for op in ("gt", "gte", "lt", "lte", "eq")
	)
	assert gt is (not lte)
	assert lt is (not gte)
	assert [gt, lt, eq].count(True) == 1


# ------------------------------------------------------------------ values checked against the fact
FLAG = F.FactRef("x.flag", "x.flag", F.BOOL)


@pytest.mark.parametrize(
	("value", "expected"),
	[(True, True), (0, False), (1, True), (" Yes ", True), ("no", False), ("0", False), (None, None)],
)
def test_a_check_fact_takes_true_false_or_their_spellings(value, expected):
	assert C._scalar(value, FLAG, "w") == (expected, [])


@pytest.mark.parametrize("value", [2, "maybe", 0.5])
def test_a_check_fact_refuses_anything_else(value):
	assert [str(p) for p in C._scalar(value, FLAG, "w")[1]] == [
		f"w: '{value}' is not a valid true/false value"
	]


@pytest.mark.parametrize(
	("path", "value", "type_name"),
	[
		("document.response_due_date", 20260820, "date (YYYY-MM-DD)"),
		("document.appointment_at", 1.5, "date and time (YYYY-MM-DD HH:MM)"),
		("case.open_tasks", [3], None),
	],
)
def test_dates_take_text_and_no_value_is_a_list(path, value, type_name):
	fact = F.FactRef(path, path, F.FACTS[path])
	(problem,) = C._scalar(value, fact, "w")[1]
	if type_name:
		assert str(problem) == f"w: '{value}' is not a valid {type_name}"
	else:
		assert problem.code == "not_a_scalar"


def test_python_dates_are_accepted_as_rule_values():
	fact = F.FactRef("document.appointment_at", "document.appointment_at", F.DATETIME)
	assert C._scalar(dt.date(2026, 7, 1), fact, "w") == (dt.datetime(2026, 7, 1), [])
	assert C._scalar("2026-07-01", fact, "w") == (dt.datetime(2026, 7, 1), [])
