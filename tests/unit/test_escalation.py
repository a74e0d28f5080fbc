"""Escalation ladders: the guide's X/Y/Z policy, rule blocks, versions that re-arm, catch-up."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legist_routing.engine import escalation as E
from legist_routing.engine.calendar import add_business_hours, make_calendar
from legist_routing.engine.escalation import (
	GUIDE_POLICY,
	Policy,
	Stage,
	Step,
	TaskClock,
	due_steps,
	next_due_at,
	normalise_target,
	policy_from_rule_block,
	schedule,
	split_targets,
	summary_lines,
)

NY = make_calendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
	return dt.datetime(y, m, d, hh, mm)


ASSIGNED = at(2026, 6, 2, 9, 30)  # Tuesday
DUE = at(2026, 8, 13, 17)
HARD = at(2026, 8, 20, 17)  # an RFE deadline, Thursday
VERSION = f"paralegal@firm.test@{ASSIGNED.isoformat()}"


@pytest.fixture
def clock() -> TaskClock:
	return TaskClock(
		assigned_at=ASSIGNED,
		acknowledged=False,
		completed=False,
		due=DUE,
		hard_deadline=HARD,
		assignee="paralegal@firm.test",
	)


# ------------------------------------------------------------------------------------ the model
def test_guide_policy_is_the_x_y_z_ladder():
	remind, reassign, escalate = GUIDE_POLICY.stages
	assert (remind.key, remind.watch, remind.anchor, remind.hours, remind.action) == (
		"remind",
		"not_acknowledged",
		"assignment",
		4,
		"remind",
	)
	assert remind.channels == ("in_app", "email") and remind.target is None
	assert (reassign.watch, reassign.anchor, reassign.hours, reassign.action) == (
		"not_acknowledged",
		"assignment",
		24,
		"reassign",
	)
	assert reassign.targets == ("case.secondary_owner", "team.lead")  # secondary owner, else team lead
	assert (escalate.watch, escalate.anchor, escalate.hours, escalate.action) == (
		"not_completed",
		"deadline",
		72,
		"escalate",
	)
	assert escalate.targets == ("operations.manager", "case.lead_attorney")
	assert remind.clock == reassign.clock == "business" and escalate.clock == "calendar"


@pytest.mark.parametrize(
	("change", "message"),
	[
		({"watch": "not_read"}, "watch must be one of"),
		({"anchor": "creation"}, "anchor must be one of"),
		({"clock": "lunar"}, "clock must be one of"),
		({"action": "shout"}, "action must be one of"),
		({"hours": -1}, "zero or more"),
		({"hours": float("nan")}, "zero or more"),
		({"hours": "soon"}, "zero or more"),
		({"hours": True}, "zero or more"),
		({"key": " "}, "key is required"),
		({"channels": ("pager",)}, "channel must be one of"),
	],
)
def test_bad_stages_are_refused(change, message):
	fields = {"key": "remind", "watch": "not_acknowledged", "anchor": "assignment", "hours": 4, **change}
	with pytest.raises(ValueError, match=message):
		Stage(**fields)


def test_stage_normalises_hours_and_channels():
	stage = Stage("remind", "not_acknowledged", "assignment", "4", channels="email")
	assert stage.hours == 4.0 and stage.channels == ("email",)
	assert Stage("r", "not_acknowledged", "assignment", 4, channels=["in_app"]).channels == ("in_app",)


def test_policy_stage_keys_are_unique():
	stage = GUIDE_POLICY.stages[0]
	with pytest.raises(ValueError, match="used twice"):
		Policy("twice", (stage, stage))
	assert Policy("list", [stage]).stages == (stage,)
	assert GUIDE_POLICY.stage("reassign").action == "reassign"
	with pytest.raises(KeyError):
		GUIDE_POLICY.stage("nope")


def test_targets():
	assert split_targets(" case.secondary_owner , team.lead,, ") == ("case.secondary_owner", "team.lead")
	assert split_targets(["a", "b, c"]) == ("a", "b", "c")
	assert split_targets(None) == ()
	assert normalise_target("case.leadAttorney") == "case.lead_attorney"
	assert normalise_target("operations.manager") == "operations.manager"
	assert normalise_target("ops@firm.test") == "user:ops@firm.test"
	assert normalise_target("Administrator") == "user:Administrator"
	assert normalise_target(" role:Legist Manager ") == "role:Legist Manager"
	assert normalise_target("user:x@y.test") == "user:x@y.test"
	assert normalise_target("team.lead") == "team.lead"  # not a case fact: the services resolve it


# ------------------------------------------------------------------------------------ rule blocks
def test_the_guide_rule_block_is_one_escalation_at_24_business_hours(clock):
	policy = policy_from_rule_block(
		{"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"}, "RFE_Adjustment_Assign"
	)
	assert policy.name == "RFE_Adjustment_Assign"
	assert policy.stages == (
		Stage(
			"escalate", "not_acknowledged", "assignment", 24, action="escalate", target="operations.manager"
		),
	)
	# 24 business hours after Tuesday 09:30 is Friday 09:30.
	assert schedule(policy, clock, NY) == [Step("escalate", at(2026, 6, 5, 9, 30), VERSION, "escalate")]


def test_full_rule_block_makes_remind_reassign_escalate_and_completion_stages(clock):
	block = {
		"remindAfterHours": 4,
		"ifNotAcknowledgedHours": 24,
		"reassignTo": "case.secondaryOwner",
		"escalateTo": ["operations.manager", "case.leadAttorney"],
		"ifNotCompletedHours": 16,
		"policy": "ignored here",
	}
	policy = policy_from_rule_block(block, "full")
	assert [(s.key, s.action, s.watch, s.anchor, s.hours) for s in policy.stages] == [
		("remind", "remind", "not_acknowledged", "assignment", 4),
		("reassign", "reassign", "not_acknowledged", "assignment", 24),
		("escalate", "escalate", "not_acknowledged", "assignment", 24),
		("escalate_incomplete", "escalate", "not_completed", "due", 16),
	]
	assert policy.stage("reassign").target == "case.secondary_owner"
	assert policy.stage("escalate").target == "operations.manager,case.lead_attorney"
	steps = schedule(policy, clock, NY)
	assert [s.stage for s in steps] == ["remind", "reassign", "escalate", "escalate_incomplete"]
	assert steps[1].at == steps[2].at  # reassign first, then tell the manager, at the same moment
	assert steps[3].at == at(2026, 8, 12, 9)  # 16 business hours before Thu 13 Aug 17:00


def test_reassign_without_escalate_to_has_no_escalation_stage():
	policy = policy_from_rule_block({"ifNotAcknowledgedHours": 8, "reassignTo": "team.lead"}, "r")
	assert [(s.key, s.target) for s in policy.stages] == [("reassign", "team.lead")]


def test_defaults_to_the_operations_manager():
	policy = policy_from_rule_block({"ifNotAcknowledgedHours": 8, "ifNotCompletedHours": 4}, "r")
	assert [(s.key, s.target) for s in policy.stages] == [
		("escalate", "operations.manager"),
		("escalate_incomplete", "operations.manager"),
	]


def test_blocks_without_hours_make_no_stages():
	assert policy_from_rule_block({}, "empty").stages == ()
	assert (
		policy_from_rule_block({"escalateTo": "operations.manager", "policy": "Critical"}, "p").stages == ()
	)
	assert policy_from_rule_block({"ifNotAcknowledgedHours": None, "escalateTo": 42}, "p").stages == ()


def test_bad_hours_in_a_block_are_refused():
	with pytest.raises(ValueError, match="zero or more"):
		policy_from_rule_block({"ifNotAcknowledgedHours": -2}, "bad")


# --------------------------------------------------------------------------------------- schedule
def test_guide_ladder_schedule(clock):
	steps = schedule(GUIDE_POLICY, clock, NY)
	assert steps == [
		Step("remind", at(2026, 6, 2, 13, 30), VERSION, "remind"),  # X: 4 business hours
		Step("reassign", at(2026, 6, 5, 9, 30), VERSION, "reassign"),  # Y: 24 business hours
		Step("escalate", at(2026, 8, 17, 17), HARD.isoformat(), "escalate"),  # Z: 72 real hours before
	]


def test_ladder_skips_weekends_and_federal_holidays(clock):
	"""Assigned Thursday 2 July 2026 at 15:00; Friday 3 July is the observed Independence Day."""
	steps = schedule(GUIDE_POLICY, dataclasses.replace(clock, assigned_at=at(2026, 7, 2, 15)), NY)
	assert steps[0].at == at(2026, 7, 6, 11)  # 2h Thursday + 2h Monday
	assert steps[1].at == at(2026, 7, 8, 15)  # 2 + 8 + 8 + 6


def test_acknowledged_task_keeps_only_the_completion_stage(clock):
	steps = schedule(GUIDE_POLICY, dataclasses.replace(clock, acknowledged=True), NY)
	assert [s.stage for s in steps] == ["escalate"]


def test_completed_task_has_no_steps(clock):
	assert schedule(GUIDE_POLICY, dataclasses.replace(clock, completed=True), NY) == []
	assert next_due_at(GUIDE_POLICY, dataclasses.replace(clock, completed=True), NY, set()) is None


def test_missing_anchors_drop_their_stages(clock):
	unassigned = dataclasses.replace(clock, assigned_at=None, assignee=None)
	assert [s.stage for s in schedule(GUIDE_POLICY, unassigned, NY)] == ["escalate"]
	no_deadline = dataclasses.replace(clock, hard_deadline=None)
	assert [s.stage for s in schedule(GUIDE_POLICY, no_deadline, NY)] == ["remind", "reassign"]
	assert schedule(GUIDE_POLICY, TaskClock(), NY) == []


def test_assignee_unknown_still_versions_by_assignment_time(clock):
	steps = schedule(GUIDE_POLICY, dataclasses.replace(clock, assignee=None), NY)
	assert steps[0].version == f"@{ASSIGNED.isoformat()}"


def test_due_anchor_falls_back_to_the_hard_deadline(clock):
	policy = Policy(
		"p", (Stage("pre_due", "not_completed", "due", 8, action="escalate", target="team.lead"),)
	)
	with_due = schedule(policy, clock, NY)[0]
	assert (with_due.at, with_due.version) == (at(2026, 8, 13, 9), DUE.isoformat())  # a full day back
	without_due = schedule(policy, dataclasses.replace(clock, due=None), NY)[0]
	assert (without_due.at, without_due.version) == (at(2026, 8, 20, 9), HARD.isoformat())
	assert schedule(policy, dataclasses.replace(clock, due=None, hard_deadline=None), NY) == []


def test_business_hours_before_a_monday_due_land_on_friday(clock):
	policy = Policy("p", (Stage("pre_due", "not_completed", "due", 8, action="remind"),))
	step = schedule(policy, dataclasses.replace(clock, due=at(2026, 8, 17, 12)), NY)[0]
	assert step.at == at(2026, 8, 14, 12)


def test_calendar_clock_across_the_spring_change(clock):
	policy = Policy("p", (Stage("nudge", "not_acknowledged", "assignment", 24, clock="calendar"),))
	step = schedule(policy, dataclasses.replace(clock, assigned_at=at(2026, 3, 7, 12)), NY)[0]
	assert step.at == at(2026, 3, 8, 13)  # 24 real hours, one wall hour lost at 02:00


def test_calendar_clock_across_the_autumn_change(clock):
	"""72 real hours before Tuesday 3 November 2026 17:00 EST is Saturday 31 October 18:00 EDT."""
	step = schedule(
		GUIDE_POLICY, dataclasses.replace(clock, acknowledged=True, hard_deadline=at(2026, 11, 3, 17)), NY
	)[0]
	assert step.at == at(2026, 10, 31, 18)


def test_business_clock_across_a_dst_weekend(clock):
	steps = schedule(GUIDE_POLICY, dataclasses.replace(clock, assigned_at=at(2026, 3, 6, 15)), NY)
	assert steps[0].at == at(2026, 3, 9, 11)  # wall-clock business hours: Fri 2h + Mon 2h


def test_ties_keep_the_policy_order():
	policy = Policy(
		"ties",
		(
			Stage("b", "not_acknowledged", "assignment", 2, action="escalate", target="team.lead"),
			Stage("a", "not_acknowledged", "assignment", 2, action="reassign", target="team.lead"),
		),
	)
	steps = schedule(policy, TaskClock(assigned_at=ASSIGNED, assignee="p"), NY)
	assert [s.stage for s in steps] == ["b", "a"]


def test_aware_times_in_the_clock_are_read_in_the_calendar_zone():
	utc = dt.timezone.utc
	clock = TaskClock(assigned_at=dt.datetime(2026, 6, 2, 13, 30, tzinfo=utc), assignee="p")
	policy = Policy("p", (Stage("nudge", "not_acknowledged", "assignment", 1, clock="calendar"),))
	assert schedule(policy, clock, NY)[0].at == at(2026, 6, 2, 10, 30)
	assert schedule(GUIDE_POLICY, clock, NY)[0].at == at(2026, 6, 2, 13, 30)


# ------------------------------------------------------------------------------ versions, re-arming
def test_reassignment_changes_the_version_so_stages_re_arm(clock):
	old = schedule(GUIDE_POLICY, clock, NY)
	done = {(s.stage, s.version) for s in old[:2]}  # remind and reassign happened
	reassigned = dataclasses.replace(clock, assignee="backup@firm.test", assigned_at=at(2026, 6, 5, 9, 30))
	new = schedule(GUIDE_POLICY, reassigned, NY)
	assert new[0].version == "backup@firm.test@2026-06-05T09:30:00" != old[0].version
	assert new[2].version == old[2].version  # the deadline stage did not depend on the assignee
	assert next_due_at(GUIDE_POLICY, reassigned, NY, done) == at(2026, 6, 5, 13, 30)  # remind re-armed
	assert due_steps(GUIDE_POLICY, reassigned, NY, at(2026, 6, 5, 9, 30), done) == []
	assert [s.stage for s in due_steps(GUIDE_POLICY, reassigned, NY, at(2026, 6, 5, 13, 30), done)] == [
		"remind"
	]


def test_same_assignee_reassigned_later_also_re_arms(clock):
	again = dataclasses.replace(clock, assigned_at=at(2026, 6, 3, 9))
	assert schedule(GUIDE_POLICY, again, NY)[0].version != schedule(GUIDE_POLICY, clock, NY)[0].version


def test_moving_the_deadline_re_arms_the_deadline_stage(clock):
	done = {("escalate", HARD.isoformat())}
	moved = dataclasses.replace(clock, acknowledged=True, hard_deadline=at(2026, 8, 27, 17))
	assert next_due_at(GUIDE_POLICY, dataclasses.replace(clock, acknowledged=True), NY, done) is None
	assert next_due_at(GUIDE_POLICY, moved, NY, done) == at(2026, 8, 24, 17)


def test_next_due_at_walks_the_ladder(clock):
	steps = schedule(GUIDE_POLICY, clock, NY)
	done: set[tuple[str, str]] = set()
	seen = []
	while (when := next_due_at(GUIDE_POLICY, clock, NY, done)) is not None:
		seen.append(when)
		done |= {(s.stage, s.version) for s in due_steps(GUIDE_POLICY, clock, NY, when, done)}
	assert seen == [s.at for s in steps]


def test_next_due_at_may_be_in_the_past_until_the_step_runs(clock):
	"""An overdue step keeps its time, so the sweep picks the task up at once."""
	assert next_due_at(GUIDE_POLICY, clock, NY, set()) == at(2026, 6, 2, 13, 30)


# ----------------------------------------------------------------------------------- due steps
def test_nothing_is_due_before_the_first_step(clock):
	assert due_steps(GUIDE_POLICY, clock, NY, at(2026, 6, 2, 13, 29), set()) == []


def test_a_step_is_due_at_its_time(clock):
	assert due_steps(GUIDE_POLICY, clock, NY, at(2026, 6, 2, 13, 30), set()) == [
		Step("remind", at(2026, 6, 2, 13, 30), VERSION, "remind")
	]


def test_done_steps_are_not_returned_again(clock):
	done = {("remind", VERSION)}
	assert due_steps(GUIDE_POLICY, clock, NY, at(2026, 6, 3, 9), done) == []


def test_after_a_24_hour_outage_the_guide_ladder_reminds_once_then_reassigns(clock):
	steps = due_steps(GUIDE_POLICY, clock, NY, at(2026, 6, 5, 10), set())
	assert [(s.stage, s.collapsed) for s in steps] == [("remind", ()), ("reassign", ())]


STORMY = Policy(
	"stormy",
	(
		Stage("remind_1h", "not_acknowledged", "assignment", 1),
		Stage("remind_2h", "not_acknowledged", "assignment", 2),
		Stage("remind_4h", "not_acknowledged", "assignment", 4),
		Stage(
			"reassign", "not_acknowledged", "assignment", 24, action="reassign", target="case.secondary_owner"
		),
		Stage(
			"escalate", "not_acknowledged", "assignment", 24, action="escalate", target="operations.manager"
		),
		Stage("remind_late", "not_completed", "due", 1),
	),
)


def test_catch_up_collapses_overdue_reminders_into_the_last(clock):
	"""The sweep was down for a day: three reminders are overdue, only one goes out."""
	steps = due_steps(STORMY, clock, NY, at(2026, 6, 5, 12), set())
	assert [s.stage for s in steps] == ["remind_4h", "reassign", "escalate"]
	remind = steps[0]
	assert remind.at == at(2026, 6, 2, 13, 30)
	assert remind.collapsed == ("remind_1h", "remind_2h")
	assert remind.ledger_keys == (("remind_4h", VERSION), ("remind_1h", VERSION), ("remind_2h", VERSION))
	assert steps[1].ledger_keys == (("reassign", VERSION),)
	# Recording every ledger key leaves nothing due until the completion reminder.
	done = {key for s in steps for key in s.ledger_keys}
	assert due_steps(STORMY, clock, NY, at(2026, 6, 5, 12), done) == []
	assert next_due_at(STORMY, clock, NY, done) == at(2026, 8, 13, 16)


def test_catch_up_keeps_each_reminders_own_version(clock):
	steps = due_steps(STORMY, clock, NY, at(2026, 8, 14, 9), {("reassign", VERSION), ("escalate", VERSION)})
	assert [s.stage for s in steps] == ["remind_late"]
	assert steps[0].collapsed == ("remind_1h", "remind_2h", "remind_4h")
	assert steps[0].ledger_keys[0] == ("remind_late", DUE.isoformat())
	assert steps[0].ledger_keys[1:] == (
		("remind_1h", VERSION),
		("remind_2h", VERSION),
		("remind_4h", VERSION),
	)


def test_catch_up_ignores_reminders_already_done(clock):
	steps = due_steps(STORMY, clock, NY, at(2026, 6, 3, 9), {("remind_1h", VERSION)})
	assert [(s.stage, s.collapsed) for s in steps] == [("remind_4h", ("remind_2h",))]


def test_a_single_overdue_reminder_is_not_marked_collapsed(clock):
	steps = due_steps(STORMY, clock, NY, at(2026, 6, 2, 10, 30), set())
	assert [(s.stage, s.collapsed) for s in steps] == [("remind_1h", ())]


def test_acknowledging_stops_the_not_acknowledged_steps_even_when_overdue(clock):
	acked = dataclasses.replace(clock, acknowledged=True)
	assert due_steps(STORMY, acked, NY, at(2026, 6, 5, 12), set()) == []


def test_due_steps_accepts_an_aware_now(clock):
	now = dt.datetime(2026, 6, 2, 17, 30, tzinfo=dt.timezone.utc)  # 13:30 in New York
	assert [s.stage for s in due_steps(GUIDE_POLICY, clock, NY, now, set())] == ["remind"]


@settings(deadline=None)
@given(
	assigned=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)),
	waited=st.floats(min_value=0, max_value=200),
)
def test_catch_up_never_returns_more_than_one_reminder(assigned, waited):
	clock = TaskClock(assigned_at=assigned, assignee="p", due=assigned + dt.timedelta(days=10))
	now = add_business_hours(NY, assigned, waited)
	steps = due_steps(STORMY, clock, NY, now, set())
	assert sum(1 for s in steps if s.action == "remind") <= 1
	assert all(s.at <= now for s in steps)
	assert [s.at for s in steps] == sorted(s.at for s in steps)
	folded = {key for s in steps for key in s.ledger_keys}
	pending = {(s.stage, s.version) for s in schedule(STORMY, clock, NY) if s.at <= now}
	assert folded == pending  # every overdue step is accounted for exactly once


# -------------------------------------------------------------------------------------- summary
def test_summary_lists_what_is_outstanding():
	lines = summary_lines(
		"Draft RFE Response",
		"Garcia - Adjustment of Status",
		"paralegal@firm.test",
		at(2026, 8, 13, 17),
		at(2026, 8, 20, 17),
		["Identify and list requested evidence items.", "  ", "Attorney review and approve content."],
	)
	assert lines == [
		"Task: Draft RFE Response",
		"Case: Garcia - Adjustment of Status",
		"Assigned to: paralegal@firm.test",
		"Due: Thu 13 Aug 2026 17:00",
		"Hard deadline: Thu 20 Aug 2026 17:00",
		"Outstanding: 2 checklist items",
		"- Identify and list requested evidence items.",
		"- Attorney review and approve content.",
	]


def test_summary_without_details():
	lines = summary_lines(None, None, None, None, dt.date(2026, 8, 20), [])
	assert lines == [
		"Task: Untitled task",
		"Case: no case",
		"Assigned to: nobody",
		"Due: not set",
		"Hard deadline: Thu 20 Aug 2026",
		"Outstanding: no checklist items; the task itself is still open",
	]


def test_summary_with_now_says_how_far_away():
	now = at(2026, 8, 17, 17)
	lines = summary_lines("T", "C", "a", at(2026, 8, 13, 17), at(2026, 8, 20, 17), ["One"], now=now)
	assert lines[3] == "Due: Thu 13 Aug 2026 17:00 (4 days ago)"
	assert lines[4] == "Hard deadline: Thu 20 Aug 2026 17:00 (in 3 days)"
	assert lines[5] == "Outstanding: 1 checklist item"
	soon = summary_lines("T", "C", "a", at(2026, 8, 17, 18), at(2026, 8, 17, 22), [], now=now)
	assert soon[3].endswith("(in 1 hour)") and soon[4].endswith("(in 5 hours)")
	assert summary_lines("T", "C", "a", "tomorrow", None, [], now=now)[3] == "Due: tomorrow"


def test_module_imports_no_frappe():
	source = open(E.__file__).read()
	assert "import frappe" not in source and "from frappe" not in source
