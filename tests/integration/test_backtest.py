"""The backtest on the real site: a month of routed events replayed through a draft rule set, counted against
what happened — the assignments that change, the workload per person, the acknowledgements and deadlines at
risk — with nothing written (the rows of every table counted before and after), in the request, as an RQ job
run in-process and by a real worker, and from logs that kept their facts or older ones rebuilt."""

from __future__ import annotations

import datetime as dt
import json

import frappe
import pytest
from frappe.utils import add_days, get_datetime, getdate, nowdate
from helpers import add_rule, at, drain_queue_until, log_of, make_case, make_notice
from test_simulate import row_counts

from legist_routing import api
from legist_routing.services import backtest as backtests

CASE_TYPE = "Backtest Petition"
DAYS = 20  # events on 20 days of the month: a case opened at 10:00, an RFE received at 11:00

RFE_RULE = {
	"ruleName": "BT_RFE_Intake",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE", "case.type": CASE_TYPE},
	"actions": [{"assign": "case.primaryParalegal", "dueInDays": 3, "task": "RFE intake"}],
}
CASE_RULE = {
	"ruleName": "BT_Open_File",
	"trigger": "case.created",
	"conditions": {"case.type": CASE_TYPE},
	"actions": [{"assign": "case.primaryParalegal", "dueInDays": 5, "task": "Open the file"}],
}
# The draft: the RFE intake goes to the case's secondary owner instead.
DRAFT = {**RFE_RULE, "actions": [{"assign": "case.secondaryOwner", "dueInDays": 3, "task": "RFE intake"}]}


def month_ago() -> dt.date:
	"""The first day of the month before last: a whole month, well in the past."""
	first = getdate(nowdate()).replace(day=1)
	return (first - dt.timedelta(days=32)).replace(day=1)


@pytest.fixture
def month(people):
	"""Twenty cases opened and twenty RFEs received over a past month, routed by two rules to Ana, each task
	acknowledged two hours and completed a day after it was given. Before the month, Luis took 30 hours to
	acknowledge and 100 to complete the three tasks he had."""
	add_rule(RFE_RULE)
	add_rule(CASE_RULE)
	first = month_ago()
	for k in range(3):  # Luis's history, a fortnight before the month
		day = first - dt.timedelta(days=14 - k)
		with at(f"{day} 09:00"):
			case = make_case(people, CASE_TYPE, case_title=f"Earlier case {k}")
		task = frappe.get_value("Case Task", {"case": case.name}, "name")
		given = get_datetime(f"{day} 09:00")
		frappe.db.set_value(
			"Case Task",
			task,
			{
				"assigned_to": people["paralegal2"],
				"acknowledged_at": given + dt.timedelta(hours=30),
				"completed_at": given + dt.timedelta(hours=100),
				"status": "Completed",
			},
			update_modified=False,
		)
	cases, notices = [], []
	for k in range(DAYS):
		day = first + dt.timedelta(days=k)
		with at(f"{day} 10:00"):
			cases.append(make_case(people, CASE_TYPE, case_title=f"Backtest case {k}"))
		with at(f"{day} 11:00"):
			notices.append(
				make_notice(cases[-1], "RFE", notice_date=str(day), response_due_date=add_days(day, 60))
			)
	tasks = frappe.get_all(
		"Case Task",
		filters={"case": ["in", [c.name for c in cases]]},
		fields=["name", "assigned_at", "title"],
	)
	assert len(tasks) == 2 * DAYS and {t.title for t in tasks} == {"RFE intake", "Open the file"}
	for t in tasks:
		frappe.db.set_value(
			"Case Task",
			t.name,
			{
				"acknowledged_at": t.assigned_at + dt.timedelta(hours=2),
				"completed_at": t.assigned_at + dt.timedelta(days=1),
				"status": "Completed",
			},
			update_modified=False,
		)
	return {"first": first, "last": first + dt.timedelta(days=DAYS - 1), "cases": cases, "notices": notices}


def run(month, **kw) -> dict:
	result = backtests.backtest(month["first"], month["last"], **kw)
	assert result["ok"], result.get("problems")
	return result


# ----------------------------------------------------------------------------- the Routing Log's facts
def test_each_routed_event_keeps_the_facts_it_saw(month, people):
	notice = month["notices"][0]
	log = log_of(notice.name)
	kept = json.loads(log.facts)
	assert kept["document.notice_type"] == "RFE" and kept["document.name"] == notice.name
	assert kept["case.case_type"] == CASE_TYPE and kept["case.primary_paralegal"] == people["paralegal"]
	assert kept["operations.manager"] == people["manager"]
	assert "previous" not in kept  # nothing changed status

	case = month["cases"][0]
	case.reload()
	case.status = "Filed"
	before = frappe.db.get_value("Case", case.name, "status")
	case.save()
	changed = frappe.get_all(
		"Routing Log", filters={"case": case.name, "event": "case.status_changed"}, pluck="facts"
	)
	(facts,) = [json.loads(f) for f in changed]
	assert facts["case.status"] == case.status and facts["previous"] == {"case.status": before}


# ------------------------------------------------------------------------------------------ the report
def test_a_draft_that_moves_the_rfe_intake_is_counted_exactly(month, people):
	ana, luis = people["paralegal"], people["paralegal2"]
	before = row_counts()
	result = run(month, rules_json=json.dumps(DRAFT))
	assert row_counts() == before

	assert result["events"]["replayed"] == 2 * DAYS
	assert result["events"]["facts_rebuilt"] == 0
	assert result["rules"]["drafts"] == ["BT_RFE_Intake"]
	assert result["assignments"] == {"same": DAYS, "changed": DAYS, "added": 0, "removed": 0, "unresolved": 0}
	assert result["changed_events"] == DAYS
	workload = {w["user"]: w for w in result["workload"]}
	assert set(workload) == {ana, luis}
	assert (workload[ana]["happened_tasks"], workload[ana]["draft_tasks"], workload[ana]["change"]) == (
		2 * DAYS,
		DAYS,
		-DAYS,
	)
	assert (workload[luis]["happened_tasks"], workload[luis]["draft_tasks"], workload[luis]["change"]) == (
		0,
		DAYS,
		DAYS,
	)

	# Side by side, event by event: each RFE's intake from Ana to Luis; each new case's task unchanged.
	rows = result["rows"]
	assert len(rows) == 2 * DAYS
	changed = [r for r in rows if r["changed"]]
	assert {r["event"] for r in changed} == {"document.received"}
	assert {r["reference_name"] for r in changed} == {n.name for n in month["notices"]}
	for row in changed:
		(pair,) = row["pairs"]
		assert pair == {"title": "RFE intake", "before": ana, "after": luis, "change": "changed"}
		assert row["happened"][0]["task"] and row["draft"][0]["assignee"] == luis
	for row in rows:
		if not row["changed"]:
			assert row["event"] == "case.created"
			assert row["pairs"] == [{"title": "Open the file", "before": ana, "after": ana, "change": "same"}]

	# Ana acknowledged in 2 hours and finished in a day: nothing missed. Luis, who takes 30 hours to
	# acknowledge and 100 to finish, would miss the 24-hour acknowledgement and the 3-day due of each RFE.
	risk = result["risk"]
	assert {k: risk["happened"][k] for k in ("tasks", "ack_missed", "deadline_missed", "uscis_missed")} == {
		"tasks": 2 * DAYS,
		"ack_missed": 0,
		"deadline_missed": 0,
		"uscis_missed": 0,
	}
	assert {k: risk["draft"][k] for k in ("tasks", "ack_missed", "deadline_missed", "uscis_missed")} == {
		"tasks": 2 * DAYS,
		"ack_missed": DAYS,
		"deadline_missed": DAYS,
		"uscis_missed": 0,
	}
	assert len(risk["tasks"]) == DAYS
	assert {(t["assignee"], t["basis"], t["title"]) for t in risk["tasks"]} == {
		(luis, "person", "RFE intake")
	}
	first = risk["tasks"][0]
	assert get_datetime(first["projected_ack"]) - get_datetime(first["at"]) == dt.timedelta(hours=30)

	text = backtests.report(result)
	assert f"RFE intake: {ana} -> {luis} (changed)" in text


def test_the_current_rules_replay_what_happened(month, people):
	result = run(month)
	assert result["assignments"] == {
		"same": 2 * DAYS,
		"changed": 0,
		"added": 0,
		"removed": 0,
		"unresolved": 0,
	}
	assert result["changed_events"] == 0
	assert result["risk"]["draft"]["ack_missed"] == result["risk"]["happened"]["ack_missed"] == 0


@pytest.fixture
def pool(people):
	"""A team of Ana and Luis; its round-robin cursor starts empty."""
	return (
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": f"Backtest Pool {frappe.generate_hash(length=6)}",
				"members": [
					{"user": people["paralegal"], "team_role": "Paralegal", "active": 1},
					{"user": people["paralegal2"], "team_role": "Paralegal", "active": 1},
				],
			}
		)
		.insert()
		.name
	)


def to_team(team: str, strategy: str) -> dict:
	return {
		**RFE_RULE,
		"actions": [{"assign": f"team:{team}", "strategy": strategy, "dueInDays": 3, "task": "RFE intake"}],
	}


def test_a_round_robin_draft_turns_through_the_team_as_the_replay_goes(month, people, pool):
	result = run(month, rules_json=to_team(pool, "round_robin"))
	# first in order (Ana), then the next after her (Luis), and so on: every other RFE moves to Luis
	rfe = [r["pairs"][0] for r in result["rows"] if r["event"] == "document.received"]
	assert [p["after"] for p in rfe] == [people["paralegal"], people["paralegal2"]] * (DAYS // 2)
	assert result["assignments"]["changed"] == DAYS // 2 and result["assignments"]["same"] == DAYS + DAYS // 2
	assert frappe.db.get_value("Routing Team", pool, "round_robin_cursor") is None  # the team's is untouched


def test_a_least_loaded_draft_sees_the_load_of_the_replayed_day(month, people, pool):
	"""At 11:00 Ana still holds the file she was given at 10:00 (done the next day); Luis's intake of the day
	before was done at 11:00. With the load of today (everything done: a tie, Ana first by name) the draft
	would keep every intake with Ana; replayed, each goes to Luis."""
	result = run(month, rules_json=to_team(pool, "least_loaded"))
	rfe = [r["pairs"][0] for r in result["rows"] if r["event"] == "document.received"]
	assert {p["after"] for p in rfe} == {people["paralegal2"]} and len(rfe) == DAYS
	assert result["assignments"]["changed"] == DAYS


def test_without_a_rule_its_work_is_removed(month, people):
	result = run(month, without=["BT_Open_File"])
	assert result["rules"]["without"] == ["BT_Open_File"]
	assert result["assignments"] == {"same": DAYS, "changed": 0, "added": 0, "removed": DAYS, "unresolved": 0}
	workload = {w["user"]: w for w in result["workload"]}
	assert (
		workload[people["paralegal"]]["happened_tasks"],
		workload[people["paralegal"]]["draft_tasks"],
	) == (
		2 * DAYS,
		DAYS,
	)
	assert all(r["pairs"][0]["change"] == "removed" for r in result["rows"] if r["changed"])


def test_logs_without_facts_are_rebuilt_and_said_so(month, people):
	old = [log_of(n.name).name for n in month["notices"][:5]] + [
		frappe.db.get_value("Routing Log", {"case": c.name, "event": "case.created"})
		for c in month["cases"][:3]
	]
	frappe.db.sql("update `tabRouting Log` set facts = null where name in %(names)s", {"names": tuple(old)})
	result = run(month, rules_json=DRAFT)
	assert result["events"]["facts_rebuilt"] == 8 and result["events"]["facts_from_log"] == 2 * DAYS - 8
	assert any("rebuilt" in note for note in result["notes"])
	assert {r["log"] for r in result["rows"] if r["facts"] == "rebuilt"} == set(old)
	# the same verdicts as from the kept facts
	assert result["assignments"] == {"same": DAYS, "changed": DAYS, "added": 0, "removed": 0, "unresolved": 0}


def test_bad_options_are_named(month):
	result = backtests.backtest(month["last"], month["first"], without=["BT_Open_Fil", "Nope"])
	assert result["ok"] is False
	problems = {p["path"]: p["message"] for p in result["problems"]}
	assert "From Date" in problems["to_date"]
	assert "did you mean 'BT_Open_File'?" in problems["without[0]"]
	assert "Nope" in problems["without[1]"]
	result = backtests.backtest(None, "not a date", rules_json="{oops")
	problems = {p["path"]: p["code"] for p in result["problems"]}
	assert problems == {"from_date": "required", "to_date": "bad_value", "rules_json": "bad_json"}


# --------------------------------------------------------------------------- the job and the API
def test_the_job_path_reports_progress_and_the_result(month, people, jobs_inline):
	frappe.set_user(people["manager"])
	before = row_counts()
	started = api.start_backtest(
		str(month["first"]), str(month["last"]), rules_json=json.dumps(DRAFT), background="1"
	)
	assert started["ok"] and started["queued"] and started["events"] == 2 * DAYS
	fetched = api.backtest_result(started["job_id"])
	assert row_counts() == before
	assert fetched["status"] == "done" and fetched["progress"] == [2 * DAYS, 2 * DAYS]
	assert fetched["result"]["assignments"]["changed"] == DAYS

	# A short period runs in the request, and is fetched the same way.
	inline = api.start_backtest(str(month["first"]), str(month["first"]), without="BT_Open_File")
	assert inline["queued"] is False and inline["events"] == 2
	assert api.backtest_result(inline["job_id"])["result"]["assignments"]["removed"] == 1


def test_the_api_is_for_managers_and_a_run_for_who_started_it(people):
	# (not under jobs_inline: frappe.only_for lets everyone through while frappe.flags.in_test is set)
	frappe.set_user(people["manager"])
	started = api.start_backtest("2001-01-01", "2001-01-31")
	assert started["ok"] and not started["queued"]
	assert api.backtest_result(started["job_id"])["status"] == "done"
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.start_backtest("2001-01-01", "2001-01-31")
	with pytest.raises(frappe.PermissionError):
		api.backtest_result(started["job_id"])
	frappe.set_user("Administrator")
	assert api.backtest_result(started["job_id"])["status"] == "done"  # a System Manager reads any run
	with pytest.raises(frappe.DoesNotExistError):
		api.backtest_result("no-such-run")


def test_a_real_worker_runs_the_job_read_only(people):
	"""The RQ path end to end: queued in Redis, run by a worker of the bench in a read-only transaction, its
	result fetched here (a period with nothing committed in it: the worker sees committed rows only)."""
	started = backtests.start("2001-01-01", "2001-01-31", background=True)
	assert started["queued"]
	assert backtests.result(started["job_id"])["status"] in ("queued", "running", "done")
	out = drain_queue_until(lambda: backtests.result(started["job_id"])["status"] == "done", queue="long")
	fetched = backtests.result(started["job_id"])
	assert fetched["status"] == "done", (fetched, out)
	assert fetched["result"]["events"]["replayed"] == 0
	assert "No routed event" in " ".join(fetched["result"]["notes"])
