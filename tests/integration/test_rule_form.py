"""Rules built in the generated form: conditions and actions as child-table rows, kept in step with the
guide's JSON (the import and export format), bad rows refused naming the row and the field."""

from __future__ import annotations

import json

import frappe
import pytest
from helpers import guide_rule_text

from legist_routing.services import rules


def rows(doc):
	return [(r.depth, r.node, r.fact or "", r.operator, r.value or "") for r in doc.conditions_table]


def test_the_guides_rule_imports_into_rows_and_exports_back_exactly():
	text = guide_rule_text()
	(name,) = rules.import_rules(text)
	doc = frappe.get_doc("Routing Rule", name)
	assert doc.match == "All of (guide shorthand)"
	assert rows(doc) == [
		(0, "Condition", "document.type", "equals", "RFE"),
		(0, "Condition", "case.type", "equals", "Adjustment of Status"),
		(0, "Condition", "case.priority", "equals", "standard"),
	]
	assert [(a.action, a.target, a.template_id, a.due_in_days) for a in doc.actions_table] == [
		("assign", "case.primaryParalegal", "", "3"),
		("notify", "case.leadAttorney", "", ""),
		("createTask", "Draft RFE Response", "rfe_response_template", ""),
	]
	# Saved again from the form, untouched: nothing changes.
	doc.save()
	assert rules.export_rules([name]) == [json.loads(text)]


def new_rule(**values):
	return frappe.get_doc(
		{"doctype": "Routing Rule", "rule_name": "Form_Built", "trigger": "document.received", **values}
	)


def test_a_rule_built_from_rows_becomes_the_guides_json_and_round_trips():
	doc = new_rule(
		match="All of",
		conditions_table=[
			{"depth": 0, "node": "Condition", "fact": "document.type", "operator": "equals", "value": "RFE"},
			{"depth": 0, "node": "Any of"},
			{
				"depth": 1,
				"node": "Condition",
				"fact": "case.priority",
				"operator": "in",
				"value": "Urgent\nHigh",
			},
			{
				"depth": 1,
				"node": "Condition",
				"fact": "document.days_to_deadline",
				"operator": "lte",
				"value": "30",
			},
		],
		actions_table=[
			{"action": "createTask", "target": "Draft RFE Response", "template_id": "rfe_response_template"},
			{"action": "notify", "target": "case.leadAttorney\noperations.manager", "method": "both"},
		],
	).insert()
	exported = rules.export_rules([doc.name])[0]
	assert exported["conditions"] == {
		"all": [
			{"fact": "document.type", "op": "equals", "value": "RFE"},
			{
				"any": [
					{"fact": "case.priority", "op": "in", "value": ["Urgent", "High"]},
					{"fact": "document.days_to_deadline", "op": "lte", "value": 30},
				]
			},
		]
	}
	assert exported["actions"] == [
		{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
		{"notify": ["case.leadAttorney", "operations.manager"], "method": "both"},
	]
	# The export imports again (as another rule) into the same rows.
	again = rules.import_rules(json.dumps({**exported, "ruleName": "Form_Built_Again"}))
	copy = frappe.get_doc("Routing Rule", again[0])
	assert rows(copy) == rows(doc)
	assert rules.export_rules(again)[0] == {**exported, "ruleName": "Form_Built_Again"}


def test_editing_the_json_rewrites_the_rows_and_editing_rows_rewrites_the_json():
	(name,) = rules.import_rules(guide_rule_text())
	doc = frappe.get_doc("Routing Rule", name)
	doc.conditions = json.dumps({"document.type": "NOID"})
	doc.save()
	assert rows(doc) == [(0, "Condition", "document.type", "equals", "NOID")]
	doc.reload()
	doc.conditions_table[0].value = "RFE"
	doc.append(
		"conditions_table",
		{
			"depth": 0,
			"node": "Condition",
			"fact": "case.type",
			"operator": "equals",
			"value": "H-1B",
			"shorthand": 1,
		},
	)
	doc.save()
	assert json.loads(doc.conditions) == {"document.type": "RFE", "case.type": "H-1B"}


@pytest.mark.parametrize(
	("row", "named"),
	[
		({"fact": "case.prority", "operator": "equals", "value": "high"}, ["Conditions, row 1", "prority"]),
		(
			{"fact": "case.priority", "operator": "equals", "value": "Hgh"},
			["Conditions, row 1 (value)", "Urgent, High, Standard, Low"],
		),
		(
			{"fact": "case.case_type", "operator": "equals", "value": "Martian Visa"},
			["Conditions, row 1 (value)", "Case Type", "Martian Visa"],
		),
		({"fact": "case.priority", "operator": "gt", "value": "High"}, ["Conditions, row 1"]),
		(
			{"fact": "task.status", "operator": "equals", "value": "Open"},
			["Conditions, row 1", "task.status"],
		),
		({"fact": "document.notice_date", "operator": "gt", "value": "soon"}, ["Conditions, row 1 (value)"]),
	],
)
def test_a_bad_condition_row_is_refused_naming_the_row_and_field(row, named):
	before = frappe.db.count("Routing Rule")
	doc = new_rule(
		conditions_table=[{"depth": 0, "node": "Condition", **row}],
		actions_table=[{"action": "createTask", "target": "X", "template_id": "rfe_response_template"}],
	)
	with pytest.raises(frappe.ValidationError) as refused:
		doc.insert()
	text = str(refused.value)
	for words in named:
		assert words in text, text
	assert frappe.db.count("Routing Rule") == before


def test_a_bad_action_row_is_refused_naming_the_row_and_field():
	doc = new_rule(
		conditions_table=[
			{"depth": 0, "node": "Condition", "fact": "document.type", "operator": "equals", "value": "RFE"}
		],
		actions_table=[
			{
				"action": "createTask",
				"target": "Draft",
				"template_id": "rfe_response_template",
				"due_in_days": "three",
			},
			{"action": "createTask", "target": "Draft", "template_id": "no_such_template"},
			{"action": "notify", "target": "case.favouriteUncle"},
		],
	)
	with pytest.raises(frappe.ValidationError) as refused:
		doc.insert()
	text = str(refused.value)
	assert "Actions, row 1 (dueInDays)" in text
	doc.actions_table[0].due_in_days = "3"
	with pytest.raises(frappe.ValidationError) as refused:
		doc.insert()
	text = str(refused.value)
	assert "Actions, row 2 (templateId)" in text and "no_such_template" in text
	assert "Actions, row 3 (notify)" in text and "favouriteUncle" in text


def test_the_same_document_saved_again_after_insert_keeps_a_json_edit():
	data = {**json.loads(guide_rule_text()), "ruleName": "Saved_Again"}
	doc = frappe.get_doc({"doctype": "Routing Rule", **rules.json_to_fields(data)}).insert()
	doc.conditions = json.dumps({"document.type": "NOID"})
	doc.save()  # the same in-memory document: its rows were written by the insert
	name = doc.name
	assert json.loads(frappe.db.get_value("Routing Rule", name, "conditions")) == {"document.type": "NOID"}
	assert rows(doc) == [(0, "Condition", "document.type", "equals", "NOID")]
	doc.description = "and once more"
	doc.save()
	assert json.loads(frappe.db.get_value("Routing Rule", name, "conditions")) == {"document.type": "NOID"}
