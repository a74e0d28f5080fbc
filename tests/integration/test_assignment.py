"""Who gets the work, on the real site: teams, leave, capacity, round robin under concurrency, four eyes."""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import textwrap

import frappe
import pytest
from frappe.utils import add_days, nowdate
from helpers import (
	DRAFT_READY_RULE,
	SAMPLE_RULE,
	add_rule,
	draft_task,
	finish_checklist,
	log_of,
	make_case,
	make_notice,
	tasks_of,
)

from legist_routing import api
from legist_routing.engine import strategies as S
from legist_routing.services import apply

BENCH = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))


def user(email: str, roles=("Legist Paralegal",)) -> str:
	if not frappe.db.exists("User", email):
		doc = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		doc.add_roles(*roles)
	return email


def team(name: str, members: list[dict], lead: str | None = None, strategy: str = "role_slot, least_loaded"):
	if frappe.db.exists("Routing Team", name):
		frappe.delete_doc("Routing Team", name, force=True)
	return frappe.get_doc(
		{
			"doctype": "Routing Team",
			"team_name": name,
			"team_lead": lead,
			"default_strategy": strategy,
			"members": [{"team_role": "Paralegal", "active": 1, **m} for m in members],
		}
	).insert()


def away(who: str, days: int = 5):
	return frappe.get_doc(
		{
			"doctype": "Routing Absence",
			"user": who,
			"from_date": nowdate(),
			"to_date": add_days(nowdate(), days),
		}
	).insert()


def test_primary_on_leave_goes_to_secondary_and_the_log_says_why(people):
	team(
		"Paralegals", [{"user": people["paralegal"]}, {"user": people["paralegal2"]}], lead=people["manager"]
	)
	away(people["paralegal"])
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	notice = make_notice(case)
	intake = next(t for t in tasks_of(case) if t.title == "RFE Intake")
	assert intake.assigned_to == people["paralegal2"]
	log = log_of(notice.name)
	assert "on leave until" in log.summary
	results = json.loads(log.results)
	verdicts = {v["user"]: v for r in results if r.get("candidates") for v in r["candidates"]}
	assert verdicts[people["paralegal"]]["reason"] == "away"


def test_over_capacity_falls_to_the_team_lead_then_the_pool(people):
	tag = frappe.generate_hash(length=5)
	primary, secondary, lead, pool = (
		user(f"{who}.{tag}@firm.test") for who in ("prim", "sec", "lead", "pool")
	)
	team(
		f"Capacity {tag}",
		[
			{"user": primary, "capacity_tasks": 1},
			{"user": secondary, "capacity_tasks": 1},
			{"user": lead, "capacity_tasks": 1},
			{"user": pool, "capacity_tasks": 5},
		],
		lead=lead,
	)
	add_rule({**SAMPLE_RULE, "actions": [{"assign": "case.primaryParalegal", "dueInDays": 3}]})
	picks = []
	for _ in range(4):
		case = make_case(people, primary_paralegal=primary, secondary_owner=secondary)
		make_notice(case)
		picks.append(tasks_of(case)[0].assigned_to)
	# Each holds one task at most: primary, then secondary owner, then the team lead, then the pool.
	assert picks == [primary, secondary, lead, pool]


def test_nobody_eligible_is_unroutable_and_the_manager_is_told(people):
	team("Tiny", [{"user": people["paralegal"]}, {"user": people["paralegal2"]}])
	away(people["paralegal"])
	away(people["paralegal2"])
	add_rule({**SAMPLE_RULE, "actions": [{"assign": "case.primaryParalegal", "dueInDays": 3}]})
	case = make_case(people)
	notice = make_notice(case)
	(task,) = tasks_of(case)
	assert task.assigned_to is None
	assert frappe.db.get_value("Case Task", task.name, "unroutable") == 1
	assert frappe.db.exists(
		"Notification Log",
		{"for_user": people["manager"], "document_name": task.name, "subject": ["like", "Nobody%"]},
	)
	assert log_of(notice.name).status == "Partly Applied"


def test_language_match_for_a_spanish_speaking_client(people):
	es = user("sofia.es@firm.test")
	en = user("tom.en@firm.test")
	team("Intake", [{"user": en, "languages": "en"}, {"user": es, "languages": "en, es"}])
	add_rule(
		{
			"ruleName": "Team_Intake",
			"trigger": "case.created",
			"actions": [
				{"assign": "team:Intake", "task": "Welcome call", "strategy": ["language", "least_loaded"]}
			],
		}
	)
	spanish = make_case(people, preferred_language="es")
	english = make_case(people, preferred_language="en")
	assert tasks_of(spanish)[0].assigned_to == es
	# An English-speaking client can go to either; least loaded picks the one with nothing open.
	assert tasks_of(english)[0].assigned_to == en


def test_hybrid_complex_rfe_goes_to_a_senior_attorney(people):
	senior = user("sam.senior@firm.test", ("Legist Attorney",))
	team(
		"Attorneys",
		[
			{"user": people["attorney"], "team_role": "Associate"},
			{"user": senior, "team_role": "Senior Attorney"},
		],
	)
	team("Paralegals", [{"user": people["paralegal"]}, {"user": people["paralegal2"]}])
	add_rule(SAMPLE_RULE)
	add_rule(
		{
			"ruleName": "Complex_RFE_To_Senior",
			"trigger": "document.received",
			"priority": 5,
			"conditions": {"document.type": "RFE", "case.priority": {"in": ["urgent", "high"]}},
			"actions": [
				{
					"createTask": "Attorney Review: RFE Response",
					"templateId": "rfe_attorney_review_template",
					"team": "Attorneys",
					"strategy": "priority_override, least_loaded",
				}
			],
		}
	)
	standard = make_case(people)
	make_notice(standard)
	assert next(t for t in tasks_of(standard) if t.title == "RFE Intake").assigned_to == people["paralegal"]
	urgent = make_case(people, priority="Urgent")
	make_notice(urgent)
	review = next(t for t in tasks_of(urgent) if t.title == "Attorney Review: RFE Response")
	assert review.assigned_to == senior


def test_four_eyes_the_preparer_never_reviews(people):
	add_rule(SAMPLE_RULE)
	add_rule(DRAFT_READY_RULE)
	# The lead attorney drafted the response herself.
	case = make_case(people)
	make_notice(case)
	draft = draft_task(case)
	apply.reassign(draft, people["attorney"], "Expertise")
	finish_checklist(draft)
	draft.status = "Draft Ready"
	draft.save()
	review = frappe.get_doc(
		"Case Task", next(t.name for t in tasks_of(case) if t.title.startswith("Attorney Review"))
	)
	assert review.prepared_by == people["attorney"]
	assert review.assigned_to not in (None, people["attorney"])
	assert review.assigned_to == people["paralegal2"]  # the secondary owner, next in the chain
	frappe.set_user(people["manager"])
	with pytest.raises(frappe.ValidationError):
		api.reassign_task(review.name, people["attorney"], "Other", "try")


def test_manual_reassignment_is_audited_and_counted(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	make_notice(case)
	intake = next(t for t in tasks_of(case) if t.title == "RFE Intake")
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.reassign_task(intake.name, people["paralegal2"], "Overload")
	frappe.set_user(people["manager"])
	with pytest.raises(frappe.ValidationError, match="Reason"):
		api.reassign_task(intake.name, people["paralegal2"], "Bored")
	with pytest.raises(frappe.ValidationError, match="Note"):
		api.reassign_task(intake.name, people["paralegal2"], "Other")
	api.reassign_task(intake.name, people["paralegal2"], "Leave", "Ana is out until Monday")
	frappe.set_user("Administrator")
	task = frappe.get_doc("Case Task", intake.name)
	assert (task.assigned_to, task.reassignment_count) == (people["paralegal2"], 1)
	log = frappe.get_all(
		"Routing Log",
		filters={"reference_name": task.name, "event": "task.reassigned"},
		fields=["summary", "trace", "reason"],
	)[0]
	assert "Leave (Ana is out until Monday)" in log.summary
	assert log.reason == "Leave"  # its own column, read by the KPI report
	assert json.loads(log.trace)["by"] == people["manager"]


def test_round_robin_spreads_1000_assignments_evenly():
	members = [user(f"rr{i}@firm.test") for i in range(7)]
	team("RR", [{"user": m} for m in members], strategy="round_robin")
	counts = collections.Counter()
	need = S.Need()
	for _ in range(1000):
		counts[apply.choose(need, ("round_robin",), "RR").user] += 1
	assert set(counts) == set(members)
	assert max(counts.values()) - min(counts.values()) <= 1


def test_two_processes_round_robin_without_double_pick_or_skip():
	members = [user(f"rrc{i}@firm.test") for i in range(5)]
	team("RRC", [{"user": m} for m in members], strategy="round_robin")
	frappe.db.commit()
	code = textwrap.dedent(
		f"""
		import os, json
		os.chdir({BENCH + "/sites"!r})
		import frappe
		frappe.init(site={frappe.local.site!r}, sites_path=".")
		frappe.connect()
		from legist_routing.engine import strategies as S
		from legist_routing.services import apply, assignment
		picks = []
		for _ in range(100):
			picks.append(apply.choose(S.Need(), ("round_robin",), "RRC").user)
			frappe.db.commit()
		print(json.dumps(picks))
		"""
	)
	procs = [
		subprocess.Popen(
			[sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
		)
		for _ in range(2)
	]
	picks = []
	for p in procs:
		out, err = p.communicate(timeout=300)
		assert p.returncode == 0, err
		picks += json.loads(out.strip().splitlines()[-1])
	counts = collections.Counter(picks)
	# 200 picks over 5 people under a row lock: exactly 40 each, nobody picked twice, nobody skipped.
	assert counts == {m: 40 for m in members}
	frappe.delete_doc("Routing Team", "RRC", force=True)
	frappe.db.commit()


def test_team_form_refuses_unknown_strategy(people):
	with pytest.raises(frappe.ValidationError, match="unknown strategy"):
		team("Bad", [{"user": people["paralegal"]}], strategy="round_robbin")


def test_kpi_report_counts_reassignments_and_acknowledgements(people):
	from legist_routing.legist_routing.report.routing_kpis.routing_kpis import execute

	def kpis():
		return {r["kpi"]: r for r in execute({"user": None})[1]}

	# Other tests may have committed tasks today: measure what this case adds, exactly.
	before = kpis()
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	make_notice(case)
	tasks = tasks_of(case)
	work = [t for t in tasks if t.kind != "Notification"]
	intake = next(t for t in tasks if t.title == "RFE Intake")
	frappe.set_user(people["paralegal"])
	api.acknowledge_task(intake.name)
	frappe.set_user(people["manager"])
	draft = next(t for t in tasks if t.title == "Draft RFE Response")
	api.reassign_task(draft.name, people["paralegal2"], "Overload")
	after = kpis()

	def added(kpi, part):
		return after[kpi][part] - before[kpi][part]

	assert (added("Reassignment rate", "numerator"), added("Reassignment rate", "denominator")) == (
		1,
		len(work),
	)
	# acknowledged on time: the intake; none of the case's other acknowledgements is due yet
	assert (
		added("Acknowledged within SLA", "numerator"),
		added("Acknowledged within SLA", "denominator"),
	) == (
		1,
		1,
	)
