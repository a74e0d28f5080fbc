"""Rule-set checks on the site: on demand (api.check_rule_set, managers only) and on save (a warning that
never blocks), with the site's own Select options, case types, templates, teams, policies, roles and users."""

from __future__ import annotations

import html
import json

import frappe
import pytest
from helpers import add_rule

from legist_routing import api
from legist_routing.services import ruleset_checks

STOPPER = {
	"ruleName": "Checks_RFE_First",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE"},
	"actions": [{"createTask": "Checks RFE triage", "assignTo": "case.leadAttorney"}],
	"priority": 900,
	"stopProcessing": True,
}
SHADOWED = {
	"ruleName": "Checks_RFE_AOS",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE", "case.type": "Adjustment of Status"},
	"actions": [{"assign": "case.primaryParalegal", "task": "Checks AOS RFE"}],
	"priority": 5,
}


def findings_of(rule: str) -> list[dict]:
	return [f for f in api.check_rule_set()["findings"] if f["rule"] == rule]


def _text(messages: list) -> str:
	return html.unescape(frappe.utils.strip_html(" ".join(str(m.get("message", m)) for m in messages)))


def test_a_deliberately_shadowed_rule_is_reported_with_the_fix(people):
	add_rule(STOPPER)
	add_rule(SHADOWED)
	frappe.set_user(people["manager"])
	report = api.check_rule_set()
	(finding,) = [f for f in report["findings"] if f["rule"] == "Checks_RFE_AOS"]
	assert finding["code"] == "shadowed" and finding["other"] == "Checks_RFE_First"
	assert finding["severity"] == "warning"
	assert "rule 'Checks_RFE_First' (priority 900) is evaluated first" in finding["message"]
	assert "give this rule a higher priority" in finding["message"]
	assert "Checks_RFE_AOS" in report["html"] and "/app/routing-rule/Checks_RFE_AOS" in report["html"]
	assert report["rules"] == frappe.db.count("Routing Rule")


def test_the_warning_on_save_names_the_rule_and_does_not_block(people):
	add_rule(STOPPER)
	frappe.clear_messages()
	doc = frappe.get_doc({"doctype": "Routing Rule", **_fields(SHADOWED)}).insert()
	assert frappe.db.exists("Routing Rule", doc.name)  # saved
	text = _text(frappe.local.message_log)
	assert "The rule-set checks found" in text and "Checks_RFE_AOS" in text and "Checks_RFE_First" in text
	# saving the rule that shadows another warns about the other too
	frappe.clear_messages()
	stopper = frappe.get_doc("Routing Rule", "Checks_RFE_First")
	stopper.description = "triage first"
	stopper.save()
	assert "Checks_RFE_AOS" in _text(frappe.local.message_log)
	# a rule the checks have nothing to say about saves silently
	frappe.clear_messages()
	frappe.get_doc(
		{
			"doctype": "Routing Rule",
			**_fields(dict(SHADOWED, ruleName="Checks_NOID", conditions={"document.type": "NOID"})),
		}
	).insert()
	assert not frappe.local.message_log


def _fields(rule: dict) -> dict:
	from legist_routing.services.rules import json_to_fields

	return json_to_fields(rule)


def test_values_no_case_has_and_missing_names_are_reported():
	add_rule(
		{
			"ruleName": "Checks_Typos",
			"trigger": "document.received",
			"conditions": {"case.priority": "Urgnt", "document.type": {"in": ["RFE", "Biometrics"]}},
			"actions": [
				{"assign": "team:No Such Team"},
				{"notify": "user:nobody@firm.test"},
			],
			"escalation": {
				"ifNotAcknowledgedHours": 4,
				"escalateTo": "role:No Such Role",
				"policy": "No Ladder",
			},
		}
	)
	found = {(f["code"], f["path"]): f["message"] for f in findings_of("Checks_Typos")}
	assert found[("never_fires", "conditions")].startswith("conditions: can never fire")
	messages = [f["message"] for f in findings_of("Checks_Typos")]
	assert (
		"conditions: case.priority is never 'Urgnt' (it is one of: High, Low, Standard, Urgent); did you mean 'Urgent'?"
		in messages
	)
	assert any("document.type is never 'Biometrics'" in m and "Biometrics Appointment" in m for m in messages)
	assert found[("missing_reference", "actions[0].assign")] == (
		"actions[0].assign: no Routing Team named 'No Such Team'; create it or correct the name"
	)
	assert "no enabled user 'nobody@firm.test'" in found[("missing_reference", "actions[1].notify")]
	assert "no Role named 'No Such Role'" in found[("missing_reference", "escalation.escalateTo")]
	assert "no Escalation Policy named 'No Ladder'" in found[("missing_reference", "escalation.policy")]


def test_two_rules_giving_the_same_work_to_different_people_are_reported():
	add_rule(
		dict(
			SHADOWED,
			ruleName="Checks_Draft_A",
			conditions={"document.type": "NOID"},
			actions=[{"createTask": "Checks Draft", "assignTo": "case.primaryParalegal"}],
		)
	)
	add_rule(
		dict(
			SHADOWED,
			ruleName="Checks_Draft_B",
			conditions={"case.priority": "High"},
			priority=1,
			actions=[{"createTask": "Checks Draft", "assignTo": "case.leadAttorney"}],
		)
	)
	# reported on the rule evaluated second (priority 1), naming the first (priority 5)
	(finding,) = findings_of("Checks_Draft_B")
	assert (finding["code"], finding["other"]) == ("conflicting_assignment", "Checks_Draft_A")
	assert "to case.lead_attorney instead of case.primary_paralegal" in finding["message"]
	assert "tick Stop After This Rule on the one evaluated first" in finding["message"]


def test_a_template_deleted_after_the_rule_was_saved_is_reported():
	template = frappe.get_doc(
		{"doctype": "Task Template", "template_name": "Checks Temp", "template_id": "checks_temp"}
	).insert()
	add_rule(
		dict(SHADOWED, ruleName="Checks_Template", actions=[{"createTask": "X", "templateId": "checks_temp"}])
	)
	frappe.delete_doc("Task Template", template.name, force=True)
	(finding,) = findings_of("Checks_Template")
	assert finding["code"] == "missing_reference" and finding["severity"] == "error"
	assert finding["message"] == (
		"actions[0].templateId: no Task Template with id or name 'checks_temp'; create it or correct the id"
	)


def test_a_stored_rule_that_no_longer_reads_is_reported():
	add_rule(dict(SHADOWED, ruleName="Checks_Stale"))
	frappe.db.set_value("Routing Rule", "Checks_Stale", "conditions", '{"case.type": ')  # not JSON any more
	(finding,) = findings_of("Checks_Stale")
	assert finding["code"] == "invalid_rule" and "conditions: is not valid JSON" in finding["message"]
	frappe.db.set_value("Routing Rule", "Checks_Stale", "conditions", json.dumps({"case.prority": "High"}))
	(finding,) = findings_of("Checks_Stale")
	assert "did you mean 'priority'?" in finding["message"]


def test_an_import_warns_once_about_what_it_brought(people):
	frappe.set_user(people["manager"])
	frappe.clear_messages()
	api.import_rules(json.dumps([STOPPER, SHADOWED]))
	text = _text(frappe.local.message_log)
	assert text.count("Checks_RFE_AOS") >= 1 and "never acts" in text
	assert len(frappe.local.message_log) == 1


def test_only_managers_run_the_checks(people):
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.check_rule_set()


def test_the_vocabulary_is_the_sites():
	vocabulary = ruleset_checks.vocabulary()
	assert vocabulary.values["case.priority"] == ["Urgent", "High", "Standard", "Low"]
	assert "RFE" in vocabulary.values["document.notice_type"]
	assert vocabulary.by_trigger["portal.upload"] == {"document.notice_type": ["Client Upload"]}
	assert "Legist Manager" in vocabulary.names["role"]
	assert "Administrator" in vocabulary.names["user"]
