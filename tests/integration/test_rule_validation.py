"""Bad rules are refused with every problem named; nothing half-imported stays behind."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys

import frappe
import pytest
from helpers import SAMPLE_RULE

from legist_routing import api


def _error(fn, *args) -> str:
	with pytest.raises(frappe.ValidationError) as info:
		fn(*args)
	return html.unescape(frappe.utils.strip_html(str(info.value).replace("</li>", "\n")))


def test_import_names_every_problem_and_imports_nothing():
	good = dict(SAMPLE_RULE, ruleName="Good_One")
	bad = {
		"ruleName": "Bad_One",
		"trigger": "document.recieved",
		"conditions": {"case.prority": "standard", "document.type": {"inn": ["RFE"]}},
		"actions": [
			{"asign": "case.primaryParalegal"},
			{"createTask": "Draft", "templateId": "no_such_template"},
		],
	}
	text = _error(api.import_rules, json.dumps([good, bad]))
	assert "rules[1].trigger: unknown trigger 'document.recieved'; did you mean 'document.received'?" in text
	assert "rules[1].conditions.case.prority: unknown field 'prority'; did you mean 'priority'?" in text
	assert "rules[1].conditions.document.type: unknown operator 'inn'; did you mean 'in'?" in text
	assert "rules[1].actions[0].asign: unknown action 'asign'; did you mean 'assign'?" in text
	assert "rules[1].actions[1].templateId: no Task Template with id or name 'no_such_template'" in text
	assert not frappe.db.exists("Routing Rule", "Good_One")


def test_import_refuses_malformed_json():
	text = _error(api.import_rules, '{"ruleName": "x", "trigger": ')
	assert "is not valid JSON" in text


def test_form_validation_names_the_field():
	doc = frappe.get_doc(
		{
			"doctype": "Routing Rule",
			"rule_name": "Form_Rule",
			"trigger": "case.created",
			"conditions": '{"document.type": "RFE"}',
			"actions": '[{"notify": "case.leadAtorney"}]',
		}
	)
	text = _error(doc.insert)
	assert "conditions.document.type: 'document.type' is not available for trigger 'case.created'" in text
	assert (
		"actions[0].notify: unknown recipient 'case.leadAtorney'; did you mean 'case.leadAttorney'?" in text
	)


def test_only_managers_may_import(people):
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.import_rules(json.dumps(SAMPLE_RULE))


def test_bench_command_imports_a_file(tmp_path):
	path = tmp_path / "rules.json"
	path.write_text(json.dumps(dict(SAMPLE_RULE, ruleName="From_Cli")))
	bench = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
	cmd = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site]
	try:
		out = subprocess.run(
			[*cmd, "legist-import-rules", str(path)], cwd=f"{bench}/sites", capture_output=True, text=True
		)
		assert out.returncode == 0, out.stderr
		assert "Imported: From_Cli" in out.stdout
		exported = subprocess.run(
			[*cmd, "legist-export-rules"], cwd=f"{bench}/sites", capture_output=True, text=True
		)
		assert dict(SAMPLE_RULE, ruleName="From_Cli") in json.loads(exported.stdout)
		bad = tmp_path / "bad.json"
		bad.write_text(json.dumps(dict(SAMPLE_RULE, ruleName="Bad_Cli", trigger="nope")))
		out = subprocess.run(
			[*cmd, "legist-import-rules", str(bad)], cwd=f"{bench}/sites", capture_output=True, text=True
		)
		assert out.returncode == 1
		assert "trigger: unknown trigger 'nope'" in out.stderr
	finally:
		frappe.db.rollback()
		frappe.delete_doc("Routing Rule", "From_Cli", ignore_missing=True, force=True)
		frappe.db.commit()


def test_receipt_number_is_checked(people):
	from helpers import make_case, make_notice

	case = make_case(people)
	text = _error(lambda: make_notice(case, receipt_number="IOE12345"))
	assert "'IOE12345' is not a USCIS receipt number" in text
	ok = make_notice(case, receipt_number="ioe-0912345678")
	assert ok.receipt_number == "IOE0912345678"


def test_routing_log_is_for_managers_only(people):
	from helpers import make_case

	make_case(people)
	frappe.set_user(people["paralegal"])
	assert not frappe.has_permission("Routing Log", "read")
	frappe.set_user(people["manager"])
	assert frappe.has_permission("Routing Log", "read")
