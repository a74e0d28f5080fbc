"""The simulator on the real site: it predicts what routing then does, simulates disabled and unsaved rules,
names a malformed draft's problems, and writes nothing — not a row in any table, not a cursor, not a lock."""

from __future__ import annotations

import datetime as dt
import json

import frappe
import pymysql
import pytest
from frappe.utils import add_days, get_datetime, getdate, nowdate
from helpers import SAMPLE_RULE, add_rule, days_before, make_case, make_notice, tasks_of

from legist_routing import api
from legist_routing.services import rules, simulate

RFE = {"notice_type": "RFE", "receipt_number": "IOE0912345678"}


def close(predicted: str | None, real, within=dt.timedelta(minutes=2)) -> bool:
	"""A time the simulation counted from its own now, against the one routing counted a moment later."""
	if predicted is None or real is None:
		return predicted is None and real is None
	return abs(get_datetime(predicted) - get_datetime(real)) <= within


def leaves(node: dict) -> list[dict]:
	for kind in ("all", "any", "not"):
		if kind in node:
			return [leaf for child in node[kind] for leaf in leaves(child)]
	return [node]


# ------------------------------------------------------------------------------ it predicts routing
def test_the_prediction_is_what_routing_then_does(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	sim = simulate.simulate(
		"document.received",
		case=case.name,
		notice_values={**RFE, "response_due_date": add_days(nowdate(), 84)},
	)
	assert sim["ok"], sim["problems"]
	assert tasks_of(case) == []  # nothing was created by the simulation
	(rule,) = sim["rules"]
	assert rule["rule"] == "RFE_Adjustment_Assign" and rule["matched"] and rule["source"] == "saved"
	assert {(leaf["fact"], leaf["result"]) for leaf in leaves(rule["conditions"])} == {
		("document.type", True),
		("case.type", True),
		("case.priority", True),
	}

	notice = make_notice(case, due_in_days=84)  # the real thing
	real = {t.title: t for t in tasks_of(case)}
	predicted = {t["title"]: t for t in sim["tasks"]}
	assert (
		set(predicted)
		== set(real)
		== {"RFE Intake", "Draft RFE Response", f"Review: RFE received on {case.case_title}"}
	)
	for title, task in predicted.items():
		row = real[title]
		assert task["assignee"] == row.assigned_to, title
		assert task["kind"] == row.kind, title
		assert close(task["due"], row.due), (title, task["due"], row.due)
		assert close(task["ack_due"], row.ack_due), (title, task["ack_due"], row.ack_due)
		assert close(task["hard_deadline"], row.hard_deadline), title
		next_at = frappe.db.get_value("Case Task", row.name, "next_escalation_at")
		assert close(task["escalation"]["next_escalation_at"], next_at), (title, task["escalation"], next_at)

	intake = predicted["RFE Intake"]
	assert intake["assignee"] == people["paralegal"]  # the case's primary paralegal
	assert intake["why"].startswith("role slot: chose " + people["paralegal"])
	assert {v["user"]: v["eligible"] for v in intake["candidates"]}[people["paralegal"]] is True
	draft = predicted["Draft RFE Response"]
	# 10 days before the USCIS date (the template's buffer), at the due hour; the hard deadline is the response date.
	assert get_datetime(draft["due"]) == days_before(84, 10)
	assert getdate(draft["hard_deadline"]) == getdate(notice.response_due_date)
	# The rule's escalation block: 24 business hours unacknowledged -> the operations manager.
	(step,) = intake["escalation"]["steps"]
	assert (step["stage"], step["action"], step["recipients"]) == (
		"escalate",
		"escalate",
		[people["manager"]],
	)
	assert intake["escalation"]["source"] == "rule"
	(notification,) = sim["notifications"]
	assert notification["recipients"] == [people["attorney"]] and notification["channels"] == ["in_app"]

	text = simulate.report(sim)
	assert "RFE_Adjustment_Assign: matched" in text
	assert f"RFE Intake (RFE_Adjustment_Assign) -> {people['paralegal']}" in text


def test_a_described_case_and_notice_get_the_deadline_a_real_notice_gets(people):
	add_rule(SAMPLE_RULE)
	sim = simulate.simulate(
		"document.received",
		case_values={
			"type": "Adjustment of Status",
			"priority": "Standard",
			"primaryParalegal": people["paralegal2"],
			"lead_attorney": people["attorney"],
		},
		notice_values={"notice_type": "RFE"},  # no response date: computed by type, as on a real notice
	)
	assert sim["ok"], sim["problems"]
	assert sim["case"] is None and sim["matched"] == ["RFE_Adjustment_Assign"]
	draft = next(t for t in sim["tasks"] if t["title"] == "Draft RFE Response")
	assert draft["assignee"] == people["paralegal2"]
	notice = make_notice(make_case(people), response_due_date=None)
	assert notice.deadline_computed
	assert getdate(draft["hard_deadline"]) == getdate(notice.response_due_date)


# --------------------------------------------------------------------- disabled, unsaved, malformed
def test_a_disabled_rule_and_an_unsaved_draft_are_simulated(people):
	add_rule({**SAMPLE_RULE, "enabled": False})
	case = make_case(people)
	plain = simulate.simulate("document.received", case=case.name, notice_values=RFE)
	assert plain["matched"] == [] and plain["tasks"] == []

	# The disabled rule, as its form or export holds it: simulated, and said to be disabled.
	exported = rules.export_rules(["RFE_Adjustment_Assign"])
	sim = simulate.simulate(
		"document.received", case=case.name, notice_values=RFE, rules_json=json.dumps(exported)
	)
	assert sim["matched"] == ["RFE_Adjustment_Assign"]
	(rule,) = sim["rules"]
	assert (rule["source"], rule["enabled"]) == ("draft", False)
	assert [t["assignee"] for t in sim["tasks"] if t["title"] == "RFE Intake"] == [people["paralegal"]]
	assert frappe.db.get_value("Routing Rule", "RFE_Adjustment_Assign", "enabled") == 0

	# A rule never saved, as the Routing Rule form sends it (its JSON fields as text).
	form = {
		"doctype": "Routing Rule",
		"__islocal": 1,
		"name": "new-routing-rule-1",
		"rule_name": "Draft_NOID_Secondary",
		"trigger": "document.received",
		"conditions": json.dumps({"document.type": "NOID"}),
		"actions": json.dumps([{"assign": "case.secondaryOwner", "dueInHours": 4}]),
		"escalation": "",
		"enabled": 1,
		"priority": 0,
	}
	sim = simulate.simulate(
		"document.received",
		case=case.name,
		notice_values={"notice_type": "NOID"},
		rules_json=json.dumps(form),
		include_enabled=False,
	)
	assert sim["matched"] == ["Draft_NOID_Secondary"]
	(task,) = sim["tasks"]
	assert task["assignee"] == people["paralegal2"]
	assert close(task["due"], get_datetime(sim["now"]) + dt.timedelta(hours=4), dt.timedelta(0))
	assert not frappe.db.exists("Routing Rule", "Draft_NOID_Secondary")

	# On an RFE the draft does not fire, and the trace says which condition failed and why.
	sim = simulate.simulate(
		"document.received",
		case=case.name,
		notice_values=RFE,
		rules_json=json.dumps(form),
		include_enabled=False,
	)
	(rule,) = sim["rules"]
	assert rule["matched"] is False
	assert rule["why"] == "document.type is 'RFE', rule needs equals 'NOID'"
	assert [leaf["result"] for leaf in leaves(rule["conditions"])] == [False]


def test_a_draft_takes_the_place_of_the_saved_rule_of_its_name(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	edited = {**SAMPLE_RULE, "conditions": {**SAMPLE_RULE["conditions"], "case.priority": "high"}}
	sim = simulate.simulate("document.received", case=case.name, notice_values=RFE, rules_json=edited)
	(rule,) = sim["rules"]  # the draft only, not the saved rule beside it
	assert (rule["source"], rule["matched"]) == ("draft", False)
	assert rule["why"] == "case.priority is 'Standard', rule needs equals 'high'"


def test_a_malformed_draft_returns_its_problems_with_paths(people):
	case = make_case(people)
	bad = {
		"ruleName": "Bad",
		"trigger": "document.received",
		"conditions": {"case.prority": "high"},
		"actions": [{"assign": "case.primaryParalegal", "dueInDays": "soon"}],
	}
	sim = simulate.simulate("document.received", case=case.name, rules_json=json.dumps(bad))
	assert sim["ok"] is False
	problems = {p["path"]: p["message"] for p in sim["problems"]}
	assert "did you mean 'priority'?" in problems["conditions.case.prority"]
	assert "soon" in problems["actions[0].dueInDays"]

	sim = simulate.simulate("document.received", case=case.name, rules_json="{not json")
	assert [(p["path"], p["code"]) for p in sim["problems"]] == [("rules_json", "bad_json")]

	form = {
		"doctype": "Routing Rule",
		"rule_name": "F",
		"trigger": "document.received",
		"conditions": "{oops",
	}
	sim = simulate.simulate("document.received", case=case.name, rules_json=form)
	assert [(p["path"], p["code"]) for p in sim["problems"]] == [("conditions", "bad_json")]

	sim = simulate.simulate(
		"document.recieved", case="CASE-NOT-THERE", case_values={"prority": "High"}, rules_json=[bad, bad]
	)
	problems = {p["path"]: p for p in sim["problems"]}
	assert "did you mean 'document.received'?" in problems["trigger"]["message"]
	assert problems["case"]["code"] == "not_found"
	assert "did you mean 'priority'?" in problems["case_values.prority"]["message"]
	assert "rules[1].conditions.case.prority" in problems


# ------------------------------------------------------------------------------- it writes nothing
def row_counts() -> dict[str, int]:
	"""The rows of every table of the site's database, in this transaction's view."""
	tables = frappe.db.sql_list(
		"""select table_name from information_schema.tables
		where table_schema = database() and table_type = 'BASE TABLE' order by table_name"""
	)
	assert len(tables) > 100
	return dict(frappe.db.sql(" union all ".join(f"select '{t}', count(*) from `{t}`" for t in tables)))


def lock_from_another_connection(team: str):
	"""Take the team row's lock from a second connection, without waiting: fails while anyone holds it."""
	conn = pymysql.connect(
		host=frappe.conf.db_host or "127.0.0.1",
		port=int(frappe.conf.db_port or 3306),
		user=frappe.conf.db_user or frappe.conf.db_name,
		password=frappe.conf.db_password,
		database=frappe.conf.db_name,
	)
	try:
		with conn.cursor() as cur:
			cur.execute("begin")
			cur.execute(
				"select round_robin_cursor from `tabRouting Team` where name = %s for update nowait", team
			)
			return cur.fetchone()[0]
	finally:
		conn.rollback()
		conn.close()


@pytest.fixture
def committed_team(people):
	"""A round-robin team committed to the database, so that another connection can try its row lock."""
	name = f"Simulated Pool {frappe.generate_hash(length=6)}"
	frappe.get_doc(
		{
			"doctype": "Routing Team",
			"team_name": name,
			"default_strategy": "round_robin",
			"round_robin_cursor": people["paralegal"],
			"members": [
				{"user": people["paralegal"], "team_role": "Paralegal", "active": 1},
				{"user": people["paralegal2"], "team_role": "Paralegal", "active": 1},
			],
		}
	).insert()
	frappe.db.commit()
	yield name
	frappe.db.rollback()
	frappe.delete_doc("Routing Team", name, force=True)
	frappe.db.commit()


def test_a_simulation_writes_nothing_locks_nothing_and_moves_no_cursor(people, committed_team):
	add_rule(SAMPLE_RULE)
	add_rule(
		{
			"ruleName": "RFE_Pool_Round_Robin",
			"trigger": "document.received",
			"conditions": {"document.type": "RFE"},
			"actions": [{"assign": f"team:{committed_team}", "strategy": "round_robin", "dueInDays": 1}],
			"escalation": {
				"remindAfterHours": 2,
				"ifNotAcknowledgedHours": 8,
				"reassignTo": "case.secondaryOwner",
			},
		}
	)
	case = make_case(people)
	draft = {**SAMPLE_RULE, "ruleName": "Draft_Status", "trigger": "case.status_changed", "conditions": {}}
	before = row_counts()
	sims = [
		simulate.simulate("document.received", case=case.name, notice_values=RFE),
		simulate.simulate(
			"deadline.approaching",
			case=case.name,
			notice_values={**RFE, "response_due_date": add_days(nowdate(), 6)},
		),
		simulate.simulate(
			"case.status_changed",
			case=case.name,
			case_values={"status": "RFE Received", "previous_status": "Filed"},
			rules_json=draft,
		),
		simulate.simulate(
			"task.status_changed", case=case.name, task_values={"title": "X", "status": "Completed"}
		),
	]
	frappe.set_user(people["manager"])
	sims.append(api.simulate("document.received", case=case.name, notice_values=json.dumps(RFE)))
	frappe.set_user("Administrator")
	assert all(s["ok"] for s in sims), [s["problems"] for s in sims]
	assert row_counts() == before

	# The round robin is predicted from the cursor (Ana) to the next member (Luis); the cursor stays put and
	# its row is not even locked.
	for sim in (sims[0], sims[-1]):
		pool = next(t for t in sim["tasks"] if t["rule"] == "RFE_Pool_Round_Robin")
		assert (pool["assignee"], pool["chosen_by"]) == (people["paralegal2"], "round_robin")
		assert pool["round_robin_cursor"] == people["paralegal"]
		assert [s["stage"] for s in pool["escalation"]["steps"]] == ["remind", "reassign"]
	assert frappe.db.get_value("Routing Team", committed_team, "round_robin_cursor") == people["paralegal"]
	assert lock_from_another_connection(committed_team) == people["paralegal"]

	# The real event takes that lock and moves the cursor to whom the simulation named.
	make_notice(case)
	assert frappe.db.get_value("Routing Team", committed_team, "round_robin_cursor") == people["paralegal2"]
	with pytest.raises(pymysql.err.MySQLError):
		lock_from_another_connection(committed_team)


# ---------------------------------------------------------------------------------------- the API
def test_the_api_is_for_managers_only(people):
	add_rule({**SAMPLE_RULE, "enabled": False})
	case = make_case(people)
	args = {
		"trigger": "document.received",
		"case": case.name,
		"notice_values": json.dumps(RFE),
		"rules_json": json.dumps(rules.export_rules(["RFE_Adjustment_Assign"])),
		"include_enabled": "0",
	}
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.simulate(**args)
	frappe.set_user(people["manager"])
	result = api.simulate(**args)
	assert result["ok"] and result["matched"] == ["RFE_Adjustment_Assign"]
	assert next(t for t in result["tasks"] if t["title"] == "RFE Intake")["assignee"] == people["paralegal"]
