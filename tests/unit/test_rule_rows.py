"""The rule builder's rows: conditions and actions to the form's child-table rows and back, exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legist_routing.engine.rule_rows import (
	ActionRow,
	ConditionRow,
	actions_to_rows,
	conditions_to_rows,
	row_path,
	rows_to_actions,
	rows_to_conditions,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = json.loads((ROOT / "tests" / "fixtures" / "guide_sample_rule.json").read_text())
RECIPES = json.loads((ROOT / "legist_routing" / "recipes" / "rules.json").read_text())

SHAPES = [
	{"document.type": "RFE", "case.type": "Adjustment of Status", "case.priority": "standard"},
	{"case.priority": ["urgent", "high"]},
	{"task.status": {"changed": {"from": "Open", "to": "Draft Ready"}}},
	{"deadline.days_left": {"lte": 7}},
	{"case.lead_attorney": {"is_set": True}},
	{"all": [{"fact": "document.type", "op": "equals", "value": "RFE"}]},
	{"any": [{"fact": "case.priority", "op": "in", "value": ["urgent", "high"]}, {"document.type": "RFE"}]},
	{"not": {"fact": "case.type", "op": "equals", "value": "H-1B"}},
	{"not": {"any": [{"case.type": "H-1B"}, {"case.type": "Asylum"}]}},
	{"not": {"all": [{"case.type": "H-1B"}, {"case.priority": "low"}]}},
	{"all": [{"not": {"case.type": "H-1B"}}, {"any": [{"document.type": "RFE"}, {"document.type": "NOID"}]}]},
	{"all": [{"document.type": "RFE", "case.priority": "standard"}, {"deadline.days_left": {"gt": 3}}]},
	{"all": [{"fact": "appointment.confirmed", "op": "equals", "value": False}]},
	{
		"all": [
			{"fact": "task.status", "op": "changed", "to": "Completed"},
			{"fact": "case.secondary_owner", "op": "is_not_set"},
		]
	},
	{"fact": "deadline.days_left", "op": "lt", "value": 7.5},
]


@pytest.mark.parametrize("rule", [GUIDE, *RECIPES], ids=lambda r: r["ruleName"])
def test_the_guides_and_the_shipped_rules_round_trip_exactly(rule):
	match, rows = conditions_to_rows(rule["conditions"])
	conditions, problems = rows_to_conditions(match, rows, rule["trigger"])
	assert problems == []
	assert json.dumps(conditions) == json.dumps(rule["conditions"])  # the same keys, in the same order
	actions, problems = rows_to_actions(actions_to_rows(rule["actions"]))
	assert problems == []
	assert json.dumps(actions) == json.dumps(rule["actions"])


@pytest.mark.parametrize("tree", SHAPES, ids=range(len(SHAPES)))
def test_every_shape_round_trips(tree):
	match, rows = conditions_to_rows(tree)
	back, problems = rows_to_conditions(match, rows, None)
	wanted = {"all": [tree]} if "fact" in tree else tree
	assert json.dumps(back) == json.dumps(wanted)
	assert [p for p in problems if p.code not in ("fact_not_available",)] == []


def test_no_conditions_are_no_rows():
	assert conditions_to_rows(None) == ("shorthand", [])
	assert rows_to_conditions("shorthand", []) == ({}, [])
	assert rows_to_conditions("all", []) == (None, [])
	assert actions_to_rows(None) == [] and rows_to_actions([]) == ([], [])


def test_rows_built_in_the_form_become_a_tree():
	rows = [
		ConditionRow(0, "Condition", "document.type", "equals", "RFE"),
		ConditionRow(0, "Any of"),
		ConditionRow(1, "Condition", "case.priority", "in", "urgent\nhigh"),
		ConditionRow(1, "None of"),
		ConditionRow(2, "Condition", "case.type", "equals", "H-1B"),
		ConditionRow(0, "Condition", "document.days_to_deadline", "lte", "30"),
	]
	tree, problems = rows_to_conditions("all", rows, "document.received")
	assert problems == []
	assert tree == {
		"all": [
			{"fact": "document.type", "op": "equals", "value": "RFE"},
			{
				"any": [
					{"fact": "case.priority", "op": "in", "value": ["urgent", "high"]},
					{"not": {"fact": "case.type", "op": "equals", "value": "H-1B"}},
				]
			},
			{"fact": "document.days_to_deadline", "op": "lte", "value": 30},
		]
	}
	tree, _ = rows_to_conditions("not", rows[:1] + rows[-1:], "document.received")
	assert list(tree) == ["not"] and list(tree["not"]) == ["any"]


def paths(problems):
	return [(p.path, p.code) for p in problems]


def test_a_bad_row_is_named_by_its_number_and_field():
	rows = [
		ConditionRow(0, "Condition", "case.prority", "equals", "high"),
		ConditionRow(0, "Condition", "case.priority", "gt", "high"),
		ConditionRow(0, "Condition", "", "equals", "x"),
		ConditionRow(0, "Condition", "case.priority", "in", "  \n"),
		ConditionRow(0, "Condition", "case.priority", "equals", " "),
		ConditionRow(0, "Condition", "case.status", "changed"),
		ConditionRow(0, "Any of"),
	]
	_tree, problems = rows_to_conditions("all", rows, "document.received")
	found = paths(problems)
	assert found[0][0].startswith("conditions_table[1]") and found[0][1] == "unknown_field"
	assert ("conditions_table[2]", "operator_needs_order") in [(p.split(".")[0], c) for p, c in found]
	assert ("conditions_table[3].fact", "required") in found
	assert ("conditions_table[4].value", "operator_needs_list") in found
	assert ("conditions_table[5].value", "required") in found
	assert any(p.startswith("conditions_table[6]") and c == "changed_needs_from_or_to" for p, c in found)
	assert ("conditions_table[7]", "empty_group") in found


def test_rows_out_of_shape_are_refused_before_anything_else():
	assert paths(
		rows_to_conditions("all", [ConditionRow(1, "Condition", "case.type", "equals", "H-1B")])[1]
	) == [("conditions_table[1].depth", "bad_depth")]
	assert paths(rows_to_conditions("all", [ConditionRow(0, "Some of")])[1]) == [
		("conditions_table[1].node", "bad_value")
	]
	assert paths(rows_to_conditions("most", [])[1]) == [("match", "bad_value")]
	assert paths(
		rows_to_conditions("all", [ConditionRow(-1, "Condition", "case.type", "equals", "x")])[1]
	) == [("conditions_table[1].depth", "bad_depth")]


def test_values_are_typed_by_the_fact():
	rows = [
		ConditionRow(0, "Condition", "appointment.confirmed", "equals", "FALSE"),
		ConditionRow(0, "Condition", "deadline.days_left", "lt", "7"),
		ConditionRow(0, "Condition", "deadline.days_left", "gt", "2.5"),
		ConditionRow(
			0, "Condition", "deadline.days_left", "gt", "soon"
		),  # left as text: the parser refuses it
		ConditionRow(0, "Condition", "case.type", "equals", "7"),  # a text fact keeps text
	]
	tree, problems = rows_to_conditions("all", rows, None)
	assert [leaf["value"] for leaf in tree["all"]] == [False, 7, 2.5, "soon", "7"]
	assert [p.path.split(".")[0] for p in problems if p.code != "fact_not_available"] == [
		"conditions_table[4]"
	]


def test_shorthand_rows_with_other_operators():
	match, rows = conditions_to_rows(
		{"deadline.days_left": {"lt": 3}, "case.secondary_owner": {"is_not_set": True}}
	)
	assert [(r.operator, r.value) for r in rows] == [("lt", "3"), ("is_not_set", "true")]
	rows[1].value = ""
	back, _ = rows_to_conditions(match, rows)
	assert back == {"deadline.days_left": {"lt": 3}, "case.secondary_owner": {"is_not_set": True}}


def test_malformed_json_cannot_become_rows():
	for bad in ([1], "x", {"all": "x"}, {"all": [1]}, {"all": [{"any": "x"}]}):
		with pytest.raises(ValueError):
			conditions_to_rows(bad)
	for bad in ({"assign": "x"}, [1]):
		with pytest.raises(ValueError):
			actions_to_rows(bad)


def test_action_rows_name_their_problems():
	rows = [
		ActionRow("createTask", "", values={"dueInDays": "three"}),
		ActionRow("shout", "x"),
		ActionRow("notify", "case.leadAttorney\noperations.manager", method="inApp\nemail"),
		ActionRow("notify", "case.leadAttorney", target_list=True, values={"notifyWithinHours": 2.0}),
		ActionRow("createTask", "Draft", strategy=" round_robin ", values={"dueInHours": "1.5", "team": "A"}),
	]
	actions, problems = rows_to_actions(rows)
	assert paths(problems) == [
		("actions_table[1].target", "required"),
		("actions_table[1].dueInDays", "not_a_number"),
		("actions_table[2].action", "bad_value"),
	]
	assert actions[1] == {"notify": ["case.leadAttorney", "operations.manager"], "method": ["inApp", "email"]}
	assert actions[2] == {"notify": ["case.leadAttorney"], "notifyWithinHours": 2}
	assert actions[3] == {"createTask": "Draft", "strategy": "round_robin", "team": "A", "dueInHours": 1.5}
	assert conditions_to_rows({"deadline.days_left": 3.0})[1][0].value == "3"


def test_validation_paths_into_actions_name_the_row():
	assert row_path("actions[0].dueInDays") == "actions_table[1].dueInDays"
	assert row_path("actions[2]") == "actions_table[3]"
	assert row_path("conditions.case.type") == "conditions.case.type"
