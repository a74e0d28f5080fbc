"""Versions of rules and policies on the real site: kept on every change (and only then), named by each
Routing Log, compared, restored; written once and readable by managers only."""

from __future__ import annotations

import json

import frappe
import pytest
from helpers import SAMPLE_RULE, add_rule, log_of, make_case, make_notice

from legist_routing import api
from legist_routing.services import rules, versions

VERSION = "Routing Config Version"


def _rule(name: str, **changes) -> str:
	add_rule({**SAMPLE_RULE, "ruleName": name, **changes})
	return name


def _versions(doctype: str, name: str) -> list:
	return frappe.get_all(
		VERSION,
		filters={"reference_doctype": doctype, "reference_name": name},
		fields=["name", "version", "source", "restored_from", "changed", "note", "content"],
		order_by="version asc",
	)


def _conditions(doc) -> dict:
	return json.loads(doc.conditions)


def test_each_change_is_a_numbered_version_and_a_save_that_changes_nothing_is_not():
	name = _rule("Versions_Numbered")
	doc = frappe.get_doc("Routing Rule", name)
	assert doc.version == 1
	assert [(v.version, v.source) for v in _versions("Routing Rule", name)] == [(1, "Imported")]

	doc.priority = 5
	doc.save()
	assert doc.version == 2
	second = _versions("Routing Rule", name)[1]
	assert (second.source, second.changed) == ("Edited", "priority")
	assert json.loads(second.content)["priority"] == 5

	doc.save()  # nothing changed
	doc.conditions = json.dumps(_conditions(doc))  # the same JSON, written another way
	doc.description = ""  # as it was
	doc.save()
	assert doc.reload().version == 2 and len(_versions("Routing Rule", name)) == 2

	doc.enabled = 0
	doc.stop_processing = 1
	doc.save()
	third = _versions("Routing Rule", name)[2]
	assert (third.version, third.changed) == (3, "enabled, stopProcessing")
	assert frappe.db.get_value("Routing Rule", name, "version") == 3

	made = frappe.get_doc(
		{
			"doctype": "Routing Rule",
			"rule_name": "Versions_Made_In_The_Form",
			"trigger": "case.created",
			"actions": json.dumps([{"assign": "case.primaryParalegal"}]),
		}
	).insert()
	assert made.version == 1
	assert [(v.version, v.source) for v in _versions("Routing Rule", made.name)] == [(1, "Created")]


def test_the_routing_log_names_the_version_that_decided_even_after_the_rule_changed(people):
	name = _rule("Versions_In_The_Log")
	v1 = frappe.db.get_value(VERSION, {"reference_name": name, "version": 1})
	first = log_of(make_notice(make_case(people)).name)
	assert [(r.rule, r.version, r.rule_version) for r in first.rules] == [(name, 1, v1)]

	doc = frappe.get_doc("Routing Rule", name)
	doc.actions = json.dumps([{"assign": "case.primaryParalegal", "dueInDays": 5}])
	doc.save()
	v2 = frappe.db.get_value(VERSION, {"reference_name": name, "version": 2})
	second = log_of(make_notice(make_case(people)).name)
	assert [(r.rule, r.version, r.rule_version) for r in second.rules] == [(name, 2, v2)]
	# the first log still names version 1
	assert [(r.version, r.rule_version) for r in frappe.get_doc("Routing Log", first.name).rules] == [(1, v1)]

	# The version is the compiled rule's: a number written since, without a recompile, is not the one used.
	ruleset, _templates = rules.get_compiled()
	assert ruleset.versions[name] == (2, v2)
	frappe.db.sql("update `tabRouting Rule` set version = 7 where name = %s", name)
	third = log_of(make_notice(make_case(people)).name)
	assert [(r.version, r.rule_version) for r in third.rules] == [(2, v2)]


def test_compare_shows_the_changed_condition():
	name = _rule("Versions_Compared")
	doc = frappe.get_doc("Routing Rule", name)
	doc.conditions = json.dumps({**SAMPLE_RULE["conditions"], "document.type": "NOID"})
	doc.save()

	diff = api.compare_versions("Routing Rule", name, 1, 2)
	assert diff["changed"] == ["conditions"]
	assert (diff["from"]["version"], diff["to"]["version"], diff["to"]["current"]) == (1, 2, True)
	fields = {f["field"]: f for f in diff["fields"]}
	assert fields["conditions"]["changes"] == [
		{"path": 'conditions["document.type"]', "kind": "changed", "before": "RFE", "after": "NOID"}
	]
	assert fields["conditions"]["before"] == SAMPLE_RULE["conditions"]
	assert fields["conditions"]["after"]["document.type"] == "NOID"
	assert fields["conditions"]["label"] == "Conditions"
	assert not fields["actions"]["changed"] and fields["actions"]["before"] == SAMPLE_RULE["actions"]
	# every field of the form is listed, defaults included
	assert fields["priority"] == {**fields["priority"], "before": 0, "after": 0, "changed": False}

	with pytest.raises(frappe.DoesNotExistError, match="to_version"):
		api.compare_versions("Routing Rule", name, 1, 9)
	with pytest.raises(frappe.ValidationError, match="from_version"):
		api.compare_versions("Routing Rule", name, "one", 2)
	with pytest.raises(frappe.ValidationError, match="doctype"):
		api.compare_versions("User", "Administrator", 1, 2)


def test_restore_brings_the_old_content_back_as_a_new_version():
	name = _rule("Versions_Restored")
	doc = frappe.get_doc("Routing Rule", name)
	old_conditions, old_actions = _conditions(doc), json.loads(doc.actions)
	doc.conditions = json.dumps({"document.type": "NOID"})
	doc.priority = 9
	doc.save()

	result = api.restore_version("Routing Rule", name, 1, note="NOID went to the wrong queue")
	assert result["restored"] and result["version"] == 3
	doc.reload()
	assert (_conditions(doc), json.loads(doc.actions), doc.priority, doc.version) == (
		old_conditions,
		old_actions,
		0,
		3,
	)
	third = _versions("Routing Rule", name)[2]
	assert (third.source, third.restored_from, third.note) == ("Restored", 1, "NOID went to the wrong queue")
	assert json.loads(third.content) == json.loads(_versions("Routing Rule", name)[0].content)
	assert set(third.changed.split(", ")) == {"conditions", "priority"}
	# what routing compiles is the restored rule
	ruleset, _templates = rules.get_compiled()
	assert ruleset.versions[name][0] == 3

	# Restoring what the rule already says changes nothing.
	again = api.restore_version("Routing Rule", name, 1)
	assert not again["restored"] and again["version"] == 3
	assert len(_versions("Routing Rule", name)) == 3

	listed = api.list_versions("Routing Rule", name)
	assert [(v.version, v.current) for v in listed] == [(3, True), (2, False), (1, False)]

	# the same document saved again with a change: an edit, not another restore
	restored = versions.restore("Routing Rule", name, 2)
	assert restored["version"] == 4
	doc = frappe.get_doc("Routing Rule", name)
	doc.flags.version_source, doc.flags.restored_from = "Restored", 2  # as restore leaves them
	versions.on_update(doc)  # nothing pending: nothing written, the flags cleared
	assert not doc.flags.get("version_source") and len(_versions("Routing Rule", name)) == 4
	doc.priority = 1
	doc.save()
	assert [(v.version, v.source, v.restored_from) for v in _versions("Routing Rule", name)][2:] == [
		(3, "Restored", 1),
		(4, "Restored", 2),
		(5, "Edited", 0),
	]


def test_a_restore_the_rule_would_refuse_names_the_field():
	frappe.get_doc(
		{
			"doctype": "Task Template",
			"template_name": "Versions Gone Template",
			"template_id": "versions_gone",
		}
	).insert()
	name = _rule(
		"Versions_Refused",
		actions=[{"createTask": "Gone Soon", "templateId": "versions_gone"}],
	)
	doc = frappe.get_doc("Routing Rule", name)
	doc.actions = json.dumps([{"assign": "case.primaryParalegal"}])
	doc.save()
	frappe.delete_doc("Task Template", "Versions Gone Template")
	rules.bump()

	with pytest.raises(frappe.ValidationError, match=r"actions\[0\]\.templateId"):
		api.restore_version("Routing Rule", name, 1)
	frappe.clear_messages()
	doc.reload()
	assert doc.version == 2 and json.loads(doc.actions) == [{"assign": "case.primaryParalegal"}]
	assert len(_versions("Routing Rule", name)) == 2

	with pytest.raises(frappe.DoesNotExistError, match="version"):
		api.restore_version("Routing Rule", name, 5)


def test_escalation_policy_versions_compare_and_restore():
	stage = {
		"stage_key": "remind",
		"watch": "Not Acknowledged",
		"anchor": "After Assignment",
		"hours": 4,
		"action": "Remind Assignee",
	}
	policy = frappe.get_doc(
		{"doctype": "Escalation Policy", "policy_name": "Versions Ladder", "stages": [stage]}
	).insert()
	assert policy.version == 1
	policy.stages[0].hours = 8
	policy.append(
		"stages",
		{
			"stage_key": "escalate",
			"watch": "Not Acknowledged",
			"anchor": "After Assignment",
			"hours": 24,
			"action": "Escalate",
			"target": "operations.manager",
		},
	)
	policy.save()
	assert policy.version == 2
	policy.save()
	assert policy.reload().version == 2

	diff = api.compare_versions("Escalation Policy", policy.name, 1, 2)
	assert diff["changed"] == ["stages"]
	changes = next(f for f in diff["fields"] if f["field"] == "stages")["changes"]
	assert {"path": "stages[0].hours", "kind": "changed", "before": 4.0, "after": 8.0} in changes
	assert any(c["path"] == "stages[1]" and c["kind"] == "added" for c in changes)

	assert api.restore_version("Escalation Policy", policy.name, 1)["version"] == 3
	policy.reload()
	assert [(s.stage_key, s.hours, s.watch, s.clock, s.channels) for s in policy.stages] == [
		("remind", 4, "Not Acknowledged", "Business Hours", "In-App and Email")
	]
	assert [v.source for v in _versions("Escalation Policy", policy.name)] == [
		"Created",
		"Edited",
		"Restored",
	]


def test_a_version_is_never_edited_and_only_a_system_manager_deletes_one(people):
	name = _rule("Versions_Immutable")
	row = frappe.get_doc(VERSION, {"reference_name": name, "version": 1})
	row.note = "rewritten history"
	with pytest.raises(frappe.PermissionError):
		row.save(ignore_permissions=True)

	frappe.set_user(people["manager"])
	try:
		with pytest.raises(frappe.PermissionError):
			frappe.delete_doc(VERSION, row.name)  # no delete permission
		with pytest.raises(frappe.PermissionError, match="System Manager"):
			frappe.delete_doc(VERSION, row.name, ignore_permissions=True)  # nor from a script
	finally:
		frappe.set_user("Administrator")

	# Two saves cannot take the same number: the database refuses the second.
	with pytest.raises((frappe.DuplicateEntryError, frappe.UniqueValidationError)):
		versions._insert(frappe.get_doc("Routing Rule", name), 1, {}, "Edited", [])

	frappe.delete_doc(VERSION, row.name)  # the System Manager may
	assert not frappe.db.exists(VERSION, row.name)


def test_a_deleted_rule_keeps_its_versions_and_comes_back_from_one():
	name = _rule("Versions_Deleted", conditions={"document.type": "NOID"})
	doc = frappe.get_doc("Routing Rule", name)
	doc.priority = 3
	doc.save()
	frappe.delete_doc("Routing Rule", name)
	assert [v.version for v in api.list_versions("Routing Rule", name)] == [2, 1]

	assert api.restore_version("Routing Rule", name, 1)["version"] == 3
	back = frappe.get_doc("Routing Rule", name)
	assert (_conditions(back), back.priority, back.version) == ({"document.type": "NOID"}, 0, 3)


def test_a_rule_saved_before_versions_were_kept_keeps_what_it_said_as_version_1():
	name = _rule("Versions_Older_Than_Versions", conditions={"document.type": "NOID"})
	frappe.db.delete(VERSION, {"reference_doctype": "Routing Rule", "reference_name": name})
	frappe.db.sql("update `tabRouting Rule` set version = 0 where name = %s", name)

	doc = frappe.get_doc("Routing Rule", name)
	doc.conditions = json.dumps({"document.type": "RFE"})
	doc.save()
	kept = _versions("Routing Rule", name)
	assert [(v.version, v.source) for v in kept] == [(1, "Recorded"), (2, "Edited")]
	assert json.loads(kept[0].content)["conditions"] == {"document.type": "NOID"}
	assert kept[1].changed == "conditions" and doc.version == 2

	# the patch for sites that had rules before: version 1 of each rule that has none, nothing else changed
	frappe.db.delete(VERSION, {"reference_doctype": "Routing Rule", "reference_name": name})
	modified = frappe.db.get_value("Routing Rule", name, "modified")
	versions.record_missing()
	assert [(v.version, v.source) for v in _versions("Routing Rule", name)] == [(1, "Recorded")]
	assert frappe.db.get_value("Routing Rule", name, ["version", "modified"]) == (1, modified)


def test_a_paralegal_reads_no_version_and_restores_nothing(people):
	name = _rule("Versions_Not_For_Paralegals")
	frappe.set_user(people["paralegal"])
	for call in (
		lambda: api.list_versions("Routing Rule", name),
		lambda: api.compare_versions("Routing Rule", name, 1, 1),
		lambda: api.restore_version("Routing Rule", name, 1),
		lambda: frappe.get_list(VERSION, filters={"reference_name": name}),
	):
		with pytest.raises(frappe.PermissionError):
			call()
	assert not frappe.has_permission(VERSION, "read")


def test_an_escalation_log_names_the_policy_version_it_used(people):
	import datetime as dt

	from legist_routing.services import apply, escalations

	policy = frappe.get_doc(
		{
			"doctype": "Escalation Policy",
			"policy_name": "Versions Remind Ladder",
			"stages": [
				{
					"stage_key": "remind",
					"watch": "Not Acknowledged",
					"anchor": "After Assignment",
					"hours": 2,
					"action": "Remind Assignee",
				}
			],
		}
	).insert()
	policy.stages[0].hours = 4
	policy.save()
	name = _rule(
		"Versions_Escalated", actions=[{"assign": "case.primaryParalegal", "task": "Versions Intake"}]
	)
	case = make_case(people)
	make_notice(case)
	task = frappe.get_doc("Case Task", {"case": case.name, "routing_rule": name})
	# Monday 7 Dec 2026, 10:00: 4 business hours later, 14:00, the reminder
	task.db_set({"escalation_policy": policy.name, "assigned_at": dt.datetime(2026, 12, 7, 10)})
	apply.rearm(frappe.get_doc("Case Task", task.name))
	escalations.sweep(now=dt.datetime(2026, 12, 7, 14, 1), enqueue=False)
	log = frappe.get_all(
		"Routing Log",
		filters={"reference_name": task.name, "event": "escalation.remind"},
		fields=["trace"],
	)
	assert [json.loads(r.trace)["policy_version"] for r in log] == [2]
	assert json.loads(log[0].trace)["policy"] == policy.name


# ------------------------------------------------------------------------------ several processes
CONCURRENT = "Versions_Concurrent"


def _processes(code: str, n: int = 2) -> list[str]:
	"""``code`` in ``n`` processes of their own, started together; their output."""
	import os
	import subprocess
	import sys
	import textwrap
	import time

	bench = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
	start = time.time() + 3  # all connected by then: they begin at the same moment
	procs = []
	for i in range(n):
		script = textwrap.dedent(
			f"""
			import os, time
			os.chdir({bench + "/sites"!r})
			import frappe
			frappe.init(site={frappe.local.site!r}, sites_path=".")
			frappe.connect()
			frappe.set_user("Administrator")
			me = {i}
			time.sleep(max(0, {start!r} - time.time()))
			"""
		) + textwrap.dedent(code)
		procs.append(
			subprocess.Popen(
				[sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
			)
		)
	out = []
	for p in procs:
		stdout, stderr = p.communicate(timeout=300)
		assert p.returncode == 0, stderr
		out.append(stdout)
	return out


@pytest.fixture
def committed_rules():
	yield
	frappe.db.rollback()
	names = frappe.get_all("Routing Rule", filters={"name": ["like", f"{CONCURRENT}%"]}, pluck="name")
	frappe.db.delete(
		VERSION, {"reference_doctype": "Routing Rule", "reference_name": ["like", f"{CONCURRENT}%"]}
	)
	for name in names:
		frappe.db.delete("Routing Rule Condition", {"parent": name})
		frappe.db.delete("Routing Rule Action", {"parent": name})
		frappe.db.delete("Routing Rule", {"name": name})
	frappe.db.commit()
	rules.bump()


def test_concurrent_saves_never_take_the_same_number(committed_rules):
	_rule(CONCURRENT, enabled=False)
	frappe.db.commit()
	saved = _processes(
		f"""
		done = 0
		for i in range(4):
			for attempt in range(20):
				try:
					doc = frappe.get_doc("Routing Rule", {CONCURRENT!r})
					doc.priority = me * 100 + i + 1
					doc.save()
					frappe.db.commit()
					done += 1
					break
				except (frappe.TimestampMismatchError, frappe.QueryDeadlockError):
					frappe.db.rollback()  # another process saved it first: load it again
					frappe.clear_messages()
		print(done)
		"""
	)
	frappe.db.rollback()
	numbers = [v.version for v in _versions("Routing Rule", CONCURRENT)]
	assert sum(int(s) for s in saved) == 8
	assert numbers == list(range(1, 10))  # the import's, then one per save: none twice, none skipped
	assert frappe.db.get_value("Routing Rule", CONCURRENT, "version") == 9


def test_rules_created_at_the_same_time_each_get_their_first_version(committed_rules):
	_processes(
		f"""
		for i in range(5):
			frappe.get_doc({{
				"doctype": "Routing Rule",
				"rule_name": f"{CONCURRENT}_{{me}}_{{i}}",
				"enabled": 0,
				"trigger": "case.created",
				"actions": '[{{"assign": "case.primaryParalegal"}}]',
			}}).insert()
			time.sleep(0.05)  # the two transactions overlap
		frappe.db.commit()
		"""
	)
	frappe.db.rollback()
	made = frappe.get_all(
		VERSION,
		filters={"reference_name": ["like", f"{CONCURRENT}_%"]},
		fields=["reference_name", "version", "source"],
	)
	assert len(made) == 10 and {(v.version, v.source) for v in made} == {(1, "Created")}
