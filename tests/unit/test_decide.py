"""decide(): intents, due dates, traces, index pruning, ordering and explanations."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legist_routing.engine.calendar import make_calendar
from legist_routing.engine.decide import (
	Context,
	CreateTask,
	Decision,
	Event,
	Notify,
	RuleSet,
	Template,
	Unresolved,
	decide,
	explain_failure,
	response_deadline,
)
from legist_routing.engine.rules import require_rule

NOW = dt.datetime(2026, 6, 2, 9, 30)
KEY = "document.received:CASE-0001:RFE"
# The fallback chain of the guide's RFE case: its primary paralegal, then its secondary owner.
PREFERRED = (("case.primary_paralegal", "paralegal@firm.test"), ("case.secondary_owner", "backup@firm.test"))


def rule(name="R", trigger="document.received", conditions=None, actions=None, **more):
	data = {"ruleName": name, "trigger": trigger, "actions": actions or [{"assign": "case.primaryParalegal"}]}
	if conditions is not None:
		data["conditions"] = conditions
	data.update(more)
	return require_rule(data)


def run(rules, facts, ctx, event=None):
	event = event or Event("document.received", KEY, "CASE-0001", "Case Notice", "NOTICE-0001")
	return decide(event, facts, RuleSet(rules), ctx)


def only(decision: Decision):
	(intent,) = decision.intents
	return intent


def without(facts: dict, *paths) -> dict:
	return {k: v for k, v in facts.items() if k not in paths}


# ------------------------------------------------------------------------------ the guide's rule
def test_guide_rule_decides_assign_notify_and_create_task(
	guide_rule, rfe_facts, rfe_event, ctx, rfe_template
):
	decision = decide(rfe_event, rfe_facts, RuleSet([require_rule(guide_rule)]), ctx)
	assign, notify, create = decision.intents
	escalation = {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"}
	deadline_at_5pm = dt.datetime(2026, 8, 20, 17, 0)
	assert assign == CreateTask(
		key=f"{KEY}|RFE_Adjustment_Assign|0",
		rule="RFE_Adjustment_Assign",
		case="CASE-0001",
		title=None,
		title_code=("intake", "RFE"),
		assignee="paralegal@firm.test",
		assignee_source="case.primary_paralegal",
		due=NOW + dt.timedelta(days=3),
		ack_due=NOW + dt.timedelta(hours=24),
		hard_deadline=deadline_at_5pm,
		priority="Standard",
		notice="NOTICE-0001",
		escalation=escalation,
		strategy=("role_slot", "least_loaded"),
		preferred=PREFERRED,
		case_type="Adjustment of Status",
	)
	assert notify == Notify(
		key=f"{KEY}|RFE_Adjustment_Assign|1",
		rule="RFE_Adjustment_Assign",
		case="CASE-0001",
		recipients=("attorney@firm.test",),
		recipient_sources=("case.lead_attorney",),
		channels=("in_app",),
		topic={
			"trigger": "document.received",
			"case": "CASE-0001",
			"case_title": "Garcia - Adjustment of Status",
			"notice_type": "RFE",
			"status": "RFE Received",
			"task_title": None,
		},
		respond_by=NOW + dt.timedelta(hours=2),
	)
	assert create == CreateTask(
		key=f"{KEY}|RFE_Adjustment_Assign|2",
		rule="RFE_Adjustment_Assign",
		case="CASE-0001",
		title="Draft RFE Response",
		assignee="paralegal@firm.test",
		assignee_source="case.primary_paralegal",
		due=dt.datetime(2026, 8, 13, 17, 0),  # the template: 7 days before the RFE response date
		ack_due=NOW + dt.timedelta(hours=4),  # the template's acknowledgement SLA
		hard_deadline=deadline_at_5pm,
		template="Draft RFE Response",
		checklist=rfe_template.checklist,
		estimated_hours=6,
		priority="Standard",
		notice="NOTICE-0001",
		escalation=escalation,
		strategy=("role_slot", "least_loaded"),
		preferred=PREFERRED,
		case_type="Adjustment of Status",
	)
	assert (create.team, create.exclude, create.kind) == (None, (), "Work")
	assert decision.matched == ("RFE_Adjustment_Assign",)
	assert decision.problems == ()


def test_guide_rule_trace(guide_rule, rfe_facts, rfe_event, ctx):
	decision = decide(rfe_event, rfe_facts, RuleSet([require_rule(guide_rule)]), ctx)
	assert decision.trace == {
		"event": "document.received",
		"key": KEY,
		"rules": [
			{
				"rule": "RFE_Adjustment_Assign",
				"priority": 0,
				"matched": True,
				"conditions": {
					"all": [
						{
							"fact": "document.type",
							"op": "equals",
							"actual": "RFE",
							"value": "RFE",
							"result": True,
						},
						{
							"fact": "case.type",
							"op": "equals",
							"actual": "Adjustment of Status",
							"value": "Adjustment of Status",
							"result": True,
						},
						# "standard" in the rule matches "Standard" on the case
						{
							"fact": "case.priority",
							"op": "equals",
							"actual": "Standard",
							"value": "standard",
							"result": True,
						},
					],
					"result": True,
				},
				"actions": [
					{"index": 0, "kind": "assign", "intent": f"{KEY}|RFE_Adjustment_Assign|0"},
					{"index": 1, "kind": "notify", "intent": f"{KEY}|RFE_Adjustment_Assign|1"},
					{"index": 2, "kind": "create_task", "intent": f"{KEY}|RFE_Adjustment_Assign|2"},
				],
			}
		],
		"pruned": [],
		"considered": 1,
		"matched": ["RFE_Adjustment_Assign"],
	}


def test_guide_rule_not_matching_explains_why(guide_rule, rfe_facts, rfe_event, ctx):
	facts = {**rfe_facts, "case.case_type": "H-1B"}
	decision = decide(rfe_event, facts, RuleSet([require_rule(guide_rule)]), ctx)
	assert decision.intents == () and decision.matched == ()
	(entry,) = decision.trace["rules"]
	assert entry["matched"] is False and "actions" not in entry
	assert entry["failed"] == [
		{"fact": "case.type", "op": "equals", "actual": "H-1B", "value": "Adjustment of Status"}
	]
	assert explain_failure(entry) == "case.type is 'H-1B', rule needs equals 'Adjustment of Status'"
	assert decision.trace["matched"] == []


def test_guide_rule_with_an_empty_paralegal_slot_falls_back_to_the_secondary_owner(
	guide_rule, rfe_facts, rfe_event, ctx
):
	facts = {**rfe_facts, "case.primary_paralegal": None}
	decision = decide(rfe_event, facts, RuleSet([require_rule(guide_rule)]), ctx)
	assign, notify, create = decision.intents
	chain = (("case.primary_paralegal", None), ("case.secondary_owner", "backup@firm.test"))
	for task in (assign, create):
		assert isinstance(task, CreateTask)
		# nobody in the named slot: the services choose along the chain (and the team lead, the pool)
		assert (task.assignee, task.assignee_source) == (None, "case.primary_paralegal")
		assert (task.preferred, task.team) == (chain, None)
		assert task.strategy == ("role_slot", "least_loaded")
	assert isinstance(notify, Notify)
	assert decision.problems == ()


def test_guide_rule_with_the_whole_chain_empty_is_unresolved(guide_rule, rfe_facts, rfe_event, ctx):
	facts = {**rfe_facts, "case.primary_paralegal": None, "case.secondary_owner": ""}
	decision = decide(rfe_event, facts, RuleSet([require_rule(guide_rule)]), ctx)
	assign, notify, create = decision.intents
	assert assign == Unresolved(
		f"{KEY}|RFE_Adjustment_Assign|0",
		"RFE_Adjustment_Assign",
		0,
		"slot_empty",
		{"slot": "case.primary_paralegal"},
	)
	assert isinstance(notify, Notify)
	assert create == Unresolved(
		f"{KEY}|RFE_Adjustment_Assign|2",
		"RFE_Adjustment_Assign",
		2,
		"slot_empty",
		{"slot": "case.primary_paralegal"},
	)
	assert decision.problems == (assign, create)
	assert decision.matched == ("RFE_Adjustment_Assign",)
	actions = decision.trace["rules"][0]["actions"]
	assert actions[0] == {
		"index": 0,
		"kind": "assign",
		"unresolved": "slot_empty",
		"params": {"slot": "case.primary_paralegal"},
	}
	assert actions[1] == {"index": 1, "kind": "notify", "intent": f"{KEY}|RFE_Adjustment_Assign|1"}


def test_guide_rule_with_an_unknown_template(guide_rule, rfe_facts, rfe_event):
	decision = decide(rfe_event, rfe_facts, RuleSet([require_rule(guide_rule)]), Context(now=NOW))
	create = decision.intents[2]
	assert create == Unresolved(
		f"{KEY}|RFE_Adjustment_Assign|2",
		"RFE_Adjustment_Assign",
		2,
		"unknown_template",
		{"value": "rfe_response_template"},
	)
	assert decision.problems == (create,)
	assert decision.trace["rules"][0]["actions"][2] == {
		"index": 2,
		"kind": "create_task",
		"unresolved": "unknown_template",
		"params": {"value": "rfe_response_template"},
	}


# ------------------------------------------------------------------------------------ templates
def test_template_is_found_by_its_id_whatever_the_task_is_called(rfe_facts, rfe_template):
	ctx = Context(now=NOW, templates={"rfe_response_template": rfe_template})
	r = rule(actions=[{"createTask": "Attorney Review: RFE Response", "templateId": "rfe_response_template"}])
	task = only(run([r], rfe_facts, ctx))
	assert task.title == "Attorney Review: RFE Response"
	assert task.template == "Draft RFE Response"
	assert task.due == dt.datetime(2026, 8, 13, 17, 0)
	assert task.ack_due == NOW + dt.timedelta(hours=4)
	assert task.estimated_hours == 6 and task.checklist == rfe_template.checklist


def test_an_assign_action_may_use_a_template(rfe_facts, ctx):
	r = rule(actions=[{"assign": "case.leadAttorney", "templateId": "rfe_response_template"}])
	task = only(run([r], rfe_facts, ctx))
	assert (task.assignee, task.template) == ("attorney@firm.test", "Draft RFE Response")
	assert task.due == dt.datetime(2026, 8, 13, 17, 0)
	assert task.title is None and task.title_code == ("intake", "RFE")


def test_create_task_finds_its_template_by_name_without_template_id(rfe_facts):
	review = Template(name="Attorney Review", default_slot="case.lead_attorney", due_offset_days=2)
	task = only(
		run(
			[rule(actions=[{"createTask": "Attorney Review"}])],
			rfe_facts,
			Context(now=NOW, templates={"Attorney Review": review}),
		)
	)
	assert (task.assignee, task.assignee_source) == ("attorney@firm.test", "case.lead_attorney")
	assert task.template == "Attorney Review"
	assert task.due == NOW + dt.timedelta(days=2)  # an "Assignment" anchor counts from now


def test_create_task_without_a_template_goes_to_the_primary_paralegal(rfe_facts):
	task = only(run([rule(actions=[{"createTask": "Call the client"}])], rfe_facts, Context(now=NOW)))
	assert (task.title, task.template, task.assignee_source) == (
		"Call the client",
		None,
		"case.primary_paralegal",
	)
	assert (task.due, task.checklist, task.estimated_hours) == (None, (), 0)


def test_create_task_assign_to_overrides_the_template_slot(rfe_facts, ctx):
	actions = [
		{"createTask": "Draft RFE Response", "assignTo": "case.secondaryOwner"},
		{"createTask": "Draft RFE Response", "assignTo": "maria@firm.test"},
	]
	first, second = run([rule(actions=actions)], rfe_facts, ctx).intents
	assert (first.assignee, first.assignee_source) == ("backup@firm.test", "case.secondary_owner")
	assert (second.assignee, second.assignee_source) == ("maria@firm.test", "user:maria@firm.test")


# ------------------------------------------------------------------------------------ due dates
@pytest.mark.parametrize(
	("action", "due"),
	[
		({"dueInDays": 3}, NOW + dt.timedelta(days=3)),
		({"dueInDays": 0.5}, NOW + dt.timedelta(hours=12)),
		({"dueInHours": 4}, NOW + dt.timedelta(hours=4)),
		({"dueInHours": 4, "dueInDays": 3}, NOW + dt.timedelta(hours=4)),  # hours win
		({"dueDaysBeforeDeadline": 10}, dt.datetime(2026, 8, 10, 17, 0)),
		({"dueDaysBeforeDeadline": 0, "dueInDays": 1}, dt.datetime(2026, 8, 20, 17, 0)),  # the deadline wins
		({}, None),
	],
)
def test_due_dates(rfe_facts, action, due):
	task = only(
		run([rule(actions=[{"assign": "case.primaryParalegal", **action}])], rfe_facts, Context(now=NOW))
	)
	assert task.due == due
	assert task.hard_deadline == dt.datetime(2026, 8, 20, 17, 0)


def test_response_deadline_due_uses_the_firms_due_hour(rfe_facts, rfe_template):
	ctx = Context(now=NOW, templates={"rfe_response_template": rfe_template}, due_hour=15)
	r = rule(actions=[{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}])
	task = only(run([r], rfe_facts, ctx))
	assert task.due == dt.datetime(2026, 8, 13, 15, 0)
	assert task.hard_deadline == dt.datetime(2026, 8, 20, 15, 0)


def test_an_action_offset_overrides_the_template_offset(rfe_facts, ctx):
	r = rule(
		actions=[
			{
				"createTask": "Draft RFE Response",
				"templateId": "rfe_response_template",
				"dueDaysBeforeDeadline": 3,
			}
		]
	)
	assert only(run([r], rfe_facts, ctx)).due == dt.datetime(2026, 8, 17, 17, 0)


@pytest.mark.parametrize(
	"response_due",
	[dt.date(2026, 8, 20), "2026-08-20", dt.datetime(2026, 8, 20, 8, 0), "2026-08-20 08:00:00"],
)
def test_the_response_date_may_arrive_as_date_datetime_or_text(rfe_facts, ctx, response_due):
	r = rule(actions=[{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}])
	task = only(run([r], {**rfe_facts, "document.response_due_date": response_due}, ctx))
	assert task.due == dt.datetime(2026, 8, 13, 17, 0)


def test_the_case_deadline_is_the_fallback_response_deadline(rfe_facts, ctx):
	facts = without(rfe_facts, "document.response_due_date")
	r = rule(actions=[{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}])
	task = only(run([r], facts, ctx))
	assert task.due == dt.datetime(2026, 8, 25, 17, 0)  # 7 days before 1 September
	assert task.hard_deadline == dt.datetime(2026, 9, 1, 17, 0)
	assert response_deadline(facts) == dt.date(2026, 9, 1)
	assert response_deadline(rfe_facts) == dt.date(2026, 8, 20)
	assert response_deadline({"document.response_due_date": "", "case.next_uscis_deadline": None}) is None


def test_due_is_capped_at_the_hard_deadline(rfe_facts):
	decision = run(
		[rule(actions=[{"assign": "case.primaryParalegal", "dueInDays": 100}])], rfe_facts, Context(now=NOW)
	)
	task = only(decision)
	assert task.due == task.hard_deadline == dt.datetime(2026, 8, 20, 17, 0)
	assert decision.trace["rules"][0]["actions"][0]["notes"] == [{"note": "due_capped_at_deadline"}]


def test_due_before_the_deadline_is_not_capped(rfe_facts):
	decision = run(
		[rule(actions=[{"assign": "case.primaryParalegal", "dueInDays": 5}])], rfe_facts, Context(now=NOW)
	)
	assert only(decision).due == NOW + dt.timedelta(days=5)
	assert "notes" not in decision.trace["rules"][0]["actions"][0]


@pytest.mark.parametrize(
	("hard_deadline", "expected"),
	[
		("2026-06-03 12:00:00", dt.datetime(2026, 6, 3, 12, 0)),
		(dt.datetime(2026, 6, 3, 12, 0), dt.datetime(2026, 6, 3, 12, 0)),
		(dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 6, 3, 12, 0)),
		(dt.date(2026, 6, 3), dt.datetime(2026, 6, 3, 0, 0)),
	],
)
def test_without_a_response_date_the_case_hard_deadline_caps(hard_deadline, expected):
	facts = {"case.primary_paralegal": "p@firm.test", "case.hard_deadline": hard_deadline}
	r = rule(trigger="case.created", actions=[{"assign": "case.primaryParalegal", "dueInDays": 2}])
	decision = decide(Event("case.created", "k"), facts, RuleSet([r]), Context(now=NOW))
	task = only(decision)
	assert task.hard_deadline == expected
	assert task.due == expected  # two days from now is later than the deadline


def test_deadline_offsets_fall_back_when_there_is_no_deadline(ctx):
	facts = {"case.primary_paralegal": "p@firm.test"}
	actions = [
		{"assign": "case.primaryParalegal", "dueDaysBeforeDeadline": 5, "dueInDays": 2},
		{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
		{"assign": "case.primaryParalegal", "dueDaysBeforeDeadline": 5},
	]
	decision = decide(
		Event("case.created", "k"), facts, RuleSet([rule(trigger="case.created", actions=actions)]), ctx
	)
	by_days, by_template, nothing = decision.intents
	assert by_days.due == NOW + dt.timedelta(days=2)
	assert by_template.due == NOW + dt.timedelta(days=7)  # the template's offset, counted from now
	assert nothing.due is None
	assert by_days.hard_deadline is None
	for action in decision.trace["rules"][0]["actions"]:
		assert action["notes"] == [{"note": "no_deadline", "fallback": "dueInDays"}]


# --------------------------------------------------------------------------------- acknowledgement
def test_acknowledgement_due(rfe_facts, rfe_template):
	quiet = dataclasses.replace(rfe_template, name="Quiet", template_id="quiet", ack_sla_hours=None)
	ctx = Context(now=NOW, templates={"rfe_response_template": rfe_template, "quiet": quiet})
	actions = [
		{"assign": "case.primaryParalegal"},  # the default, 24 hours
		{"assign": "case.primaryParalegal", "templateId": "rfe_response_template"},  # the template's 4 hours
		{"assign": "case.primaryParalegal", "templateId": "quiet"},  # a template without an SLA: the default
		{
			"assign": "case.primaryParalegal",
			"templateId": "rfe_response_template",
			"acknowledgeWithinHours": 1,
		},
		{"assign": "case.primaryParalegal", "acknowledgeWithinHours": 0},
	]
	acks = [t.ack_due - NOW for t in run([rule(actions=actions)], rfe_facts, ctx).intents]
	assert acks == [dt.timedelta(hours=h) for h in (24, 4, 24, 1, 0)]


def test_default_acknowledgement_hours_come_from_the_context(rfe_facts):
	task = only(run([rule()], rfe_facts, Context(now=NOW, default_ack_hours=8)))
	assert task.ack_due == NOW + dt.timedelta(hours=8)


# --------------------------------------------------------------------------- titles and priority
def test_an_assign_may_name_its_task(rfe_facts, ctx):
	task = only(
		run([rule(actions=[{"assign": "case.leadAttorney", "task": "Review the RFE"}])], rfe_facts, ctx)
	)
	assert (task.title, task.title_code) == ("Review the RFE", ())


@pytest.mark.parametrize(
	("trigger", "facts", "title_code", "notice"),
	[
		(
			"document.received",
			{"document.notice_type": "NOID", "document.name": "N-1"},
			("intake", "NOID"),
			"N-1",
		),
		("document.received", {"document.name": "N-1"}, ("intake", "Document"), "N-1"),
		(
			"portal.upload",
			{"document.notice_type": "Passport", "document.name": "N-2"},
			("intake", "Passport"),
			"N-2",
		),
		("case.status_changed", {"case.status": "Ready to File"}, ("status", "Ready to File"), None),
		("case.status_changed", {}, ("status", ""), None),
		(
			"task.status_changed",
			{"task.title": "Draft RFE Response"},
			("follow_up", "Draft RFE Response"),
			None,
		),
		("task.status_changed", {}, ("follow_up", ""), None),
		("deadline.approaching", {"deadline.days_left": 5}, ("deadline", 5), None),
		(
			"appointment.approaching",
			{"document.notice_type": "Biometrics Appointment"},
			("appointment", "Biometrics Appointment"),
			None,
		),
		("appointment.passed", {}, ("appointment", "Appointment"), None),
		(
			"case.created",
			{"case.case_title": "Garcia", "case.name": "CASE-1"},
			("case_intake", "Garcia"),
			None,
		),
		("case.created", {"case.name": "CASE-1"}, ("case_intake", "CASE-1"), None),
		("case.created", {}, ("case_intake", ""), None),
	],
)
def test_default_task_titles(trigger, facts, title_code, notice):
	facts = {"case.primary_paralegal": "p@firm.test", **facts}
	decision = decide(
		Event(trigger, "k", "CASE-1"), facts, RuleSet([rule(trigger=trigger)]), Context(now=NOW)
	)
	task = only(decision)
	assert (task.title, task.title_code, task.notice) == (None, title_code, notice)


@pytest.mark.parametrize(
	("action_priority", "case_priority", "expected"),
	[
		("urgent", "Standard", "Urgent"),
		(None, "HIGH", "High"),
		(None, None, "Standard"),
		("low", None, "Low"),
	],
)
def test_task_priority(rfe_facts, action_priority, case_priority, expected):
	action = {"assign": "case.primaryParalegal"}
	if action_priority:
		action["priority"] = action_priority
	facts = {**rfe_facts, "case.priority": case_priority}
	assert only(run([rule(actions=[action])], facts, Context(now=NOW))).priority == expected


# --------------------------------------------------------------------------------- teams and pools
@pytest.mark.parametrize(
	"action",
	[
		{"assign": "team:Paralegals"},
		{"createTask": "Call the client", "assignTo": "team: Paralegals "},
		{"createTask": "Draft RFE Response", "assignTo": "team:Paralegals"},  # over the template's slot
	],
)
def test_a_team_assignment_names_the_pool_and_nobody_in_it(rfe_facts, ctx, action):
	task = only(run([rule(actions=[action])], rfe_facts, ctx))
	assert (task.assignee, task.assignee_source, task.team) == (None, "team:Paralegals", "Paralegals")
	assert task.preferred == ()  # the case's people are not asked: the team is
	assert task.strategy == ("least_loaded",)  # nobody preferred: the least loaded member of the pool


def test_a_team_assignment_needs_nobody_on_the_case():
	r = rule(trigger="case.created", actions=[{"assign": "team:Intake"}])
	decision = decide(Event("case.created", "k", "CASE-1"), {}, RuleSet([r]), Context(now=NOW))
	task = only(decision)
	assert (task.assignee, task.team, task.preferred) == (None, "Intake", ())
	assert decision.problems == ()


def test_a_team_assignment_wins_over_a_team_key(rfe_facts):
	action = {"createTask": "X", "assignTo": "team:Attorneys", "team": "Paralegals"}
	assert only(run([rule(actions=[action])], rfe_facts, Context(now=NOW))).team == "Attorneys"


def test_a_team_key_names_the_pool_behind_the_chain(rfe_facts):
	action = {"assign": "case.primaryParalegal", "team": " Paralegals "}
	task = only(run([rule(actions=[action])], rfe_facts, Context(now=NOW)))
	assert (task.assignee, task.team, task.preferred) == ("paralegal@firm.test", "Paralegals", PREFERRED)
	assert task.strategy == ("role_slot", "least_loaded")


def test_without_a_team_key_the_pool_is_left_to_the_services(rfe_facts):
	# None: the services use the team of the first preferred person
	assert only(run([rule()], rfe_facts, Context(now=NOW))).team is None


def test_a_team_key_saves_an_empty_chain_from_being_unresolved(rfe_facts):
	facts = {**rfe_facts, "case.primary_paralegal": None, "case.secondary_owner": None}
	actions = [
		{"assign": "case.primaryParalegal", "team": "Paralegals"},
		{"assign": "case.primaryParalegal"},
	]
	with_team, without_team = run([rule(actions=actions)], facts, Context(now=NOW)).intents
	assert (with_team.assignee, with_team.team) == (None, "Paralegals")
	assert with_team.preferred == (("case.primary_paralegal", None), ("case.secondary_owner", None))
	# role_slot stays first: the services put the team lead at the end of the (empty) chain
	assert with_team.strategy == ("role_slot", "least_loaded")
	assert without_team == Unresolved(f"{KEY}|R|1", "R", 1, "slot_empty", {"slot": "case.primary_paralegal"})


# ------------------------------------------------------------------------------- preferred chain
BACKUP = ("case.secondary_owner", "backup@firm.test")


@pytest.mark.parametrize(
	("action", "preferred"),
	[
		({"assign": "case.leadAttorney"}, (("case.lead_attorney", "attorney@firm.test"), BACKUP)),
		({"assign": "maria@firm.test"}, (("user:maria@firm.test", "maria@firm.test"), BACKUP)),
		({"assign": "case.secondaryOwner"}, (BACKUP,)),  # the secondary owner is not asked twice
		({"createTask": "Draft RFE Response"}, PREFERRED),  # the template's default slot first
		(
			{"createTask": "Draft RFE Response", "assignTo": "case.intakeSpecialist"},
			(("case.intake_specialist", "intake@firm.test"), BACKUP),
		),
	],
)
def test_the_preferred_chain_is_the_named_slot_then_the_secondary_owner(rfe_facts, ctx, action, preferred):
	task = only(run([rule(actions=[action])], rfe_facts, ctx))
	assert task.preferred == preferred
	assert task.assignee == preferred[0][1]
	assert task.strategy == ("role_slot", "least_loaded")


def test_an_empty_secondary_owner_stays_in_the_chain_as_empty(rfe_facts):
	facts = {**rfe_facts, "case.secondary_owner": None}
	task = only(run([rule()], facts, Context(now=NOW)))
	assert task.assignee == "paralegal@firm.test"
	assert task.preferred == (
		("case.primary_paralegal", "paralegal@firm.test"),
		("case.secondary_owner", None),
	)


def test_only_the_whole_chain_empty_names_the_slot_that_was_asked(rfe_facts):
	facts = {**rfe_facts, "case.lead_attorney": "", "case.secondary_owner": None}
	decision = run([rule(actions=[{"assign": "case.leadAttorney"}])], facts, Context(now=NOW))
	assert only(decision) == Unresolved(f"{KEY}|R|0", "R", 0, "slot_empty", {"slot": "case.lead_attorney"})


# ------------------------------------------------------------------------------------ strategies
@pytest.mark.parametrize(
	("strategy", "chain"),
	[
		("round robin", ("round_robin",)),
		(["language", "least_loaded"], ("language", "least_loaded")),
		("role_slot > round_robin", ("role_slot", "round_robin")),
		("hybrid", ("case_type", "priority_override", "role_slot", "least_loaded")),
		("", ("role_slot", "least_loaded")),  # an empty strategy is the default one
	],
)
def test_the_rules_strategy_reaches_the_task(rfe_facts, strategy, chain):
	action = {"assign": "case.primaryParalegal", "strategy": strategy}
	assert only(run([rule(actions=[action])], rfe_facts, Context(now=NOW))).strategy == chain


def test_a_team_assignment_keeps_its_rules_strategy(rfe_facts):
	action = {"createTask": "Intake call", "assignTo": "team:Intake", "strategy": "roundRobin"}
	task = only(run([rule(actions=[action])], rfe_facts, Context(now=NOW)))
	assert (task.team, task.strategy) == ("Intake", ("round_robin",))


def test_the_task_carries_the_case_facts_strategies_filter_on(rfe_facts):
	facts = {**rfe_facts, "case.practice_group": "Family", "case.preferred_language": "Spanish"}
	task = only(run([rule()], facts, Context(now=NOW)))
	assert (task.case_type, task.practice_group, task.language) == (
		"Adjustment of Status",
		"Family",
		"Spanish",
	)
	bare = only(run([rule()], {"case.primary_paralegal": "p@firm.test"}, Context(now=NOW)))
	assert (bare.case_type, bare.practice_group, bare.language) == (None, None, None)


# ------------------------------------------------------------------------------------ four eyes
REVIEW = Template(
	name="Attorney Review",
	template_id="attorney_review",
	default_slot="case.lead_attorney",
	kind="Review",
)
DRAFT = dataclasses.replace(REVIEW, name="Second Draft", template_id="second_draft", kind="Work")
REVIEW_CTX = Context(
	now=NOW, templates={"attorney_review": REVIEW, "Attorney Review": REVIEW, "second_draft": DRAFT}
)
TASK_EVENT = Event(
	"task.status_changed", "task.status_changed:TASK-1:Completed", "CASE-1", "Case Task", "TASK-1"
)
TASK_FACTS = {
	"task.title": "Draft RFE Response",
	"task.status": "Completed",
	"task.assigned_to": "paralegal@firm.test",
	"case.lead_attorney": "attorney@firm.test",
	"case.primary_paralegal": "paralegal@firm.test",
	"case.secondary_owner": "backup@firm.test",
}


def review_rule(*actions):
	return rule(trigger="task.status_changed", conditions={"task.status": "Completed"}, actions=list(actions))


def test_a_review_is_never_given_to_whoever_did_the_work():
	r = review_rule(
		{"createTask": "Attorney Review"},  # the template by name
		{"assign": "case.leadAttorney", "templateId": "attorney_review"},
		# even a rule naming the preparer's own slot: the exclusion makes the services go down the chain
		{
			"createTask": "Check the draft",
			"templateId": "attorney_review",
			"assignTo": "case.primaryParalegal",
		},
	)
	by_name, by_id, own_slot = decide(TASK_EVENT, TASK_FACTS, RuleSet([r]), REVIEW_CTX).intents
	for task in (by_name, by_id, own_slot):
		assert task.exclude == ("paralegal@firm.test",)
		assert task.template == "Attorney Review"
	assert (by_name.assignee, by_name.assignee_source) == ("attorney@firm.test", "case.lead_attorney")
	assert own_slot.assignee == "paralegal@firm.test"
	assert own_slot.preferred == (("case.primary_paralegal", "paralegal@firm.test"), BACKUP)


@pytest.mark.parametrize(
	("action", "facts"),
	[
		({"createTask": "Redraft", "templateId": "second_draft"}, TASK_FACTS),  # a Work template
		({"assign": "case.leadAttorney"}, TASK_FACTS),  # no template at all
		({"createTask": "Attorney Review"}, {**TASK_FACTS, "task.assigned_to": None}),  # nobody did the work
		({"createTask": "Attorney Review"}, without(TASK_FACTS, "task.assigned_to")),
	],
)
def test_nobody_is_excluded_without_a_review_of_someones_work(action, facts):
	task = only(decide(TASK_EVENT, facts, RuleSet([review_rule(action)]), REVIEW_CTX))
	assert task.exclude == ()


def test_templates_are_work_unless_they_say_review():
	assert Template(name="Anything").kind == "Work"


# ----------------------------------------------------------------------------- business calendar
NY = make_calendar(years=[2026, 2027])  # Mon-Fri, US federal holidays


def test_a_template_buffer_on_christmas_moves_to_christmas_eve(rfe_template):
	facts = {"case.primary_paralegal": "p@firm.test", "document.response_due_date": dt.date(2027, 1, 1)}
	ctx = Context(now=NOW, templates={"rfe_response_template": rfe_template}, calendar=NY)
	r = rule(actions=[{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}])
	task = only(run([r], facts, ctx))
	# the working deadline 1 January 2027 minus the template's 7 days is Friday 25 December 2026,
	# Christmas Day: the buffer moves earlier, to Thursday the 24th at the firm's due hour
	assert task.due == dt.datetime(2026, 12, 24, 17, 0)
	# the deadline itself is never moved (New Year's Day or not): only buffers are
	assert task.hard_deadline == dt.datetime(2027, 1, 1, 17, 0)
	# without a calendar the same rule keeps counting calendar days
	plain = only(run([r], facts, dataclasses.replace(ctx, calendar=None)))
	assert plain.due == dt.datetime(2026, 12, 25, 17, 0)


@pytest.mark.parametrize(
	("deadline", "days_before", "due"),
	[
		(dt.date(2026, 8, 20), 10, dt.datetime(2026, 8, 10, 17, 0)),  # a Monday: open, unchanged
		(dt.date(2026, 8, 20), 5, dt.datetime(2026, 8, 14, 17, 0)),  # Saturday -> Friday
		(dt.date(2026, 8, 20), 4, dt.datetime(2026, 8, 14, 17, 0)),  # Sunday -> Friday
		# Saturday 4 July, then Friday 3 July (observed): Thursday 2 July
		(dt.date(2026, 7, 6), 2, dt.datetime(2026, 7, 2, 17, 0)),
		(dt.date(2027, 1, 1), 0, dt.datetime(2026, 12, 31, 17, 0)),  # a deadline on a holiday: the day before
		(dt.date(2026, 9, 8), 1, dt.datetime(2026, 9, 4, 17, 0)),  # Labor Day Monday, then the weekend
	],
)
def test_a_days_before_buffer_never_lands_on_a_closed_day(deadline, days_before, due):
	facts = {"case.primary_paralegal": "p@firm.test", "document.response_due_date": deadline}
	action = {"assign": "case.primaryParalegal", "dueDaysBeforeDeadline": days_before}
	decision = run([rule(actions=[action])], facts, Context(now=NOW, calendar=NY))
	assert only(decision).due == due
	assert "notes" not in decision.trace["rules"][0]["actions"][0]  # earlier, never capped


def test_the_firms_closures_and_due_hour_apply_to_buffers(rfe_facts):
	cal = make_calendar(closures=[dt.date(2026, 8, 14)], years=[2026])  # the firm closes on Friday the 14th
	action = {"assign": "case.primaryParalegal", "dueDaysBeforeDeadline": 5}
	task = only(run([rule(actions=[action])], rfe_facts, Context(now=NOW, calendar=cal, due_hour=15)))
	assert task.due == dt.datetime(2026, 8, 13, 15, 0)  # Saturday, closed Friday: Thursday at 15:00
	assert task.hard_deadline == dt.datetime(2026, 8, 20, 15, 0)


def test_the_calendar_moves_only_deadline_buffers(rfe_facts):
	# 3 days from Tuesday 2 June at 09:30 is Friday 5 June; 4 days is Saturday 6 June, still Saturday:
	# elapsed-time dues are the rule's business, not the calendar's
	actions = [{"assign": "case.primaryParalegal", "dueInDays": 4}, {"assign": "case.primaryParalegal"}]
	counted, undated = run([rule(actions=actions)], rfe_facts, Context(now=NOW, calendar=NY)).intents
	assert counted.due == NOW + dt.timedelta(days=4)
	assert undated.due is None


def test_without_a_deadline_the_calendar_has_nothing_to_move(rfe_template):
	ctx = Context(now=NOW, templates={"rfe_response_template": rfe_template}, calendar=NY)
	r = rule(
		trigger="case.created",
		actions=[{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}],
	)
	decision = decide(
		Event("case.created", "k"), {"case.primary_paralegal": "p@firm.test"}, RuleSet([r]), ctx
	)
	assert only(decision).due == NOW + dt.timedelta(days=7)  # the template's offset, counted from now
	assert decision.trace["rules"][0]["actions"][0]["notes"] == [
		{"note": "no_deadline", "fallback": "dueInDays"}
	]


# ---------------------------------------------------------------------------------------- notify
def test_notify_resolves_deduplicates_and_carries_subject_and_message(rfe_facts):
	action = {
		"notify": ["case.leadAttorney", "attorney@firm.test", "operations.manager"],
		"method": "both",
		"subject": "RFE received",
		"message": "Please review",
	}
	note = only(run([rule(actions=[action])], rfe_facts, Context(now=NOW)))
	assert note.recipients == ("attorney@firm.test", "ops@firm.test")
	assert note.recipient_sources == ("case.lead_attorney", "user:attorney@firm.test", "operations.manager")
	assert note.channels == ("in_app", "email")
	assert (note.subject, note.message, note.respond_by) == ("RFE received", "Please review", None)


def test_notify_within_hours_sets_respond_by(rfe_facts):
	action = {"notify": "case.leadAttorney", "method": "email", "notifyWithinHours": 0.5}
	note = only(run([rule(actions=[action])], rfe_facts, Context(now=NOW)))
	assert note.respond_by == NOW + dt.timedelta(minutes=30)
	assert note.channels == ("email",)


def test_notify_with_empty_slots_is_unresolved(rfe_facts):
	action = {"notify": ["case.leadAttorney", "operations.manager", "case.intakeSpecialist"]}
	facts = {**rfe_facts, "case.lead_attorney": "", "operations.manager": None}
	decision = run([rule(actions=[action])], facts, Context(now=NOW))
	assert only(decision) == Unresolved(
		f"{KEY}|R|0", "R", 0, "slot_empty", {"slot": "case.lead_attorney, operations.manager"}
	)


def test_notify_topic_for_a_task_event():
	facts = {"case.case_title": "Garcia", "task.title": "Draft RFE Response", "case.lead_attorney": "a@f.t"}
	r = rule(trigger="task.status_changed", actions=[{"notify": "case.leadAttorney"}])
	note = only(decide(Event("task.status_changed", "k", "CASE-1"), facts, RuleSet([r]), Context(now=NOW)))
	assert note.topic == {
		"trigger": "task.status_changed",
		"case": "CASE-1",
		"case_title": "Garcia",
		"notice_type": None,
		"status": None,
		"task_title": "Draft RFE Response",
	}


# --------------------------------------------------------------------------- ordering and control
def test_rules_run_by_priority_then_in_the_order_given(rfe_facts):
	rules = [
		rule("low", actions=[{"assign": "case.primaryParalegal"}]),
		rule("high", priority=5, actions=[{"assign": "case.leadAttorney"}]),
		rule("high_too", priority=5, actions=[{"assign": "case.secondaryOwner"}]),
		rule("negative", priority=-1, actions=[{"assign": "case.intakeSpecialist"}]),
	]
	decision = run(rules, rfe_facts, Context(now=NOW))
	assert decision.matched == ("high", "high_too", "low", "negative")
	assert [e["rule"] for e in decision.trace["rules"]] == ["high", "high_too", "low", "negative"]
	assert [e["priority"] for e in decision.trace["rules"]] == [5, 5, 0, -1]
	assert [i.assignee for i in decision.intents] == [
		"attorney@firm.test",
		"backup@firm.test",
		"paralegal@firm.test",
		"intake@firm.test",
	]


def test_stop_processing_after_a_matching_rule(rfe_facts):
	rules = [
		rule("first", priority=9, stopProcessing=True),
		rule("second", priority=1),
	]
	decision = run(rules, rfe_facts, Context(now=NOW))
	assert decision.matched == ("first",)
	assert decision.trace["stopped_by"] == "first"
	assert [e["rule"] for e in decision.trace["rules"]] == ["first"]
	assert len(decision.intents) == 1


def test_stop_processing_on_a_rule_that_does_not_match_stops_nothing(rfe_facts):
	rules = [
		rule("first", priority=9, stopProcessing=True, conditions={"case.priority": ["urgent"]}),
		rule("second", priority=1),
	]
	decision = run(rules, rfe_facts, Context(now=NOW))
	assert decision.matched == ("second",)
	assert "stopped_by" not in decision.trace
	assert [e["rule"] for e in decision.trace["rules"]] == ["first", "second"]


def test_disabled_rules_are_left_out(rfe_facts):
	rules = [rule("on"), rule("off", enabled=False)]
	ruleset = RuleSet(rules)
	assert len(ruleset) == 1 and [r.name for r in ruleset.rules] == ["on"]
	decision = run(rules, rfe_facts, Context(now=NOW))
	assert decision.matched == ("on",)
	assert decision.trace["considered"] == 1


def test_rules_of_other_triggers_are_not_considered(rfe_facts):
	rules = [rule("intake", trigger="case.created"), rule("upload", trigger="portal.upload")]
	decision = run(rules, rfe_facts, Context(now=NOW))
	assert decision.intents == () and decision.matched == ()
	assert decision.trace == {
		"event": "document.received",
		"key": KEY,
		"rules": [],
		"pruned": [],
		"considered": 0,
		"matched": [],
	}


def test_changed_conditions_read_the_events_previous_values():
	r = rule(
		"ready",
		trigger="case.status_changed",
		conditions={"case.status": {"changed": {"from": "In Preparation", "to": "Ready to File"}}},
	)
	facts = {"case.status": "Ready to File", "case.primary_paralegal": "p@firm.test"}
	ctx = Context(now=NOW)
	moved = decide(
		Event("case.status_changed", "k1", previous={"case.status": "In Preparation"}),
		facts,
		RuleSet([r]),
		ctx,
	)
	assert moved.matched == ("ready",)
	jumped = decide(
		Event("case.status_changed", "k2", previous={"case.status": "Filed"}), facts, RuleSet([r]), ctx
	)
	assert jumped.matched == ()
	(entry,) = jumped.trace["rules"]
	assert (
		explain_failure(entry) == "case.status did not change as required (was 'Filed', now 'Ready to File')"
	)


# -------------------------------------------------------------------------------------- pruning
def test_a_rule_for_another_notice_type_is_set_aside_and_reported(guide_rule, rfe_facts, rfe_event, ctx):
	noid = rule("NOID_Response", conditions={"document.notice_type": "NOID"})
	decision = decide(rfe_event, rfe_facts, RuleSet([noid, require_rule(guide_rule)]), ctx)
	assert decision.matched == ("RFE_Adjustment_Assign",)
	assert [e["rule"] for e in decision.trace["rules"]] == ["RFE_Adjustment_Assign"]
	assert decision.trace["considered"] == 1
	assert decision.trace["pruned"] == [
		{
			"fact": "document.notice_type",
			"actual": "RFE",
			"rules": 1,
			"set_aside": [{"rule": "NOID_Response", "needs": "noid"}],
		}
	]


def test_the_index_matches_without_regard_to_case(rfe_facts, ctx):
	decision = run(
		[rule("lower", conditions={"document.type": "rfe"})],
		{**rfe_facts, "document.notice_type": " RFE "},
		ctx,
	)
	assert decision.matched == ("lower",) and decision.trace["pruned"] == []


def test_every_rule_is_evaluated_when_the_index_cannot_decide(rfe_facts, ctx):
	rules = [
		rule("any_type", conditions={"any": [{"document.type": "NOID"}, {"document.type": "RFE"}]}),
		rule("not_noid", conditions={"not": {"document.type": "NOID"}}),
		rule("no_attorney", conditions={"case.lead_attorney": ""}),  # equals "not set": not indexable
		rule("always"),
	]
	decision = run(rules, rfe_facts, ctx)
	assert [e["rule"] for e in decision.trace["rules"]] == ["any_type", "not_noid", "no_attorney", "always"]
	assert decision.matched == ("any_type", "not_noid", "always")
	assert decision.trace["pruned"] == []


def test_the_index_prefers_the_most_selective_fact(rfe_facts, ctx):
	rules = [
		rule(
			"by_notice", conditions={"case.priority": "urgent", "case.type": "H-1B", "document.type": "NOID"}
		),
		rule("by_case_type", conditions={"case.priority": "urgent", "case.type": "H-1B"}),
		rule("by_language", conditions={"case.open_tasks": {"gt": 1}, "case.language": "Spanish"}),
	]
	decision = run(rules, {**rfe_facts, "case.preferred_language": None}, ctx)
	assert decision.trace["rules"] == []
	assert [(p["fact"], p["actual"], p["set_aside"]) for p in decision.trace["pruned"]] == [
		("document.notice_type", "RFE", [{"rule": "by_notice", "needs": "noid"}]),
		("case.case_type", "Adjustment of Status", [{"rule": "by_case_type", "needs": "h-1b"}]),
		("case.preferred_language", None, [{"rule": "by_language", "needs": "spanish"}]),
	]


def test_indexed_numbers_and_dates_match_by_value(rfe_facts, ctx):
	rules = [
		rule("three_open", conditions={"case.open_tasks": 3}),
		rule("due_on_20th", conditions={"document.response_due_date": "2026-08-20"}),
	]
	decision = run(rules, {**rfe_facts, "case.open_tasks": "3.0"}, ctx)
	assert decision.matched == ("three_open", "due_on_20th")
	decision = run(
		rules, {**rfe_facts, "case.open_tasks": 2, "document.response_due_date": "2026-08-21"}, ctx
	)
	assert decision.matched == ()
	assert [p["set_aside"] for p in decision.trace["pruned"]] == [
		[{"rule": "three_open", "needs": 3.0}],
		[{"rule": "due_on_20th", "needs": "2026-08-20"}],
	]


def test_set_aside_names_are_capped_but_counted(rfe_facts, ctx):
	rules = [rule(f"type_{i:02}", conditions={"document.type": f"T{i:02}"}) for i in range(40)]
	decision = run(rules, rfe_facts, ctx)
	(pruned,) = decision.trace["pruned"]
	assert pruned["rules"] == 40
	assert len(pruned["set_aside"]) == RuleSet.NAMED_PRUNED == 25
	assert pruned["set_aside"][0] == {"rule": "type_00", "needs": "t00"}


# ----------------------------------------------------------------------------- failure reasons
def test_failed_lists_only_the_leaves_that_made_the_rule_fail(rfe_facts, ctx):
	conditions = {
		"all": [
			{
				"any": [{"case.priority": "standard"}, {"case.status": "Filed"}]
			},  # holds: its false leaf is no reason
			{"case.type": "H-1B"},
			{"any": [{"case.language": "Spanish"}, {"case.open_tasks": {"gt": 3}}]},
		]
	}
	(entry,) = run([rule(conditions=conditions)], rfe_facts, ctx).trace["rules"]
	assert [leaf["fact"] for leaf in entry["failed"]] == ["case.type", "case.language", "case.open_tasks"]
	assert explain_failure(entry) == (
		"case.type is 'Adjustment of Status', rule needs equals 'H-1B'; "
		"case.language is None, rule needs equals 'Spanish'; "
		"case.open_tasks is None, rule needs gt 3"
	)


def test_failed_inside_not_names_the_conditions_that_held(rfe_facts, ctx):
	conditions = {
		"not": {
			"any": [
				{"case.priority": "standard"},
				{"case.status": "Filed"},
				{"case.lead_attorney": {"is_set": True}},
			]
		}
	}
	(entry,) = run([rule(conditions=conditions)], rfe_facts, ctx).trace["rules"]
	assert entry["failed"] == [
		{"fact": "case.priority", "op": "equals", "actual": "Standard", "value": "standard", "negated": True},
		{"fact": "case.lead_attorney", "op": "is_set", "actual": "attorney@firm.test", "negated": True},
	]
	assert explain_failure(entry) == (
		"case.priority is 'Standard', rule needs not equals 'standard'; "
		"case.lead_attorney is 'attorney@firm.test', rule needs not is_set"
	)


def test_double_negation_and_negated_changes():
	conditions = {
		"all": [
			{"not": {"not": {"case.priority": "urgent"}}},
			{"not": {"case.status": {"changed": {"to": "Filed"}}}},
		]
	}
	r = rule(trigger="case.status_changed", conditions=conditions)
	facts = {"case.priority": "Standard", "case.status": "Filed"}
	decision = decide(
		Event("case.status_changed", "k", previous={"case.status": "Draft"}),
		facts,
		RuleSet([r]),
		Context(now=NOW),
	)
	(entry,) = decision.trace["rules"]
	assert [(leaf["fact"], leaf.get("negated", False)) for leaf in entry["failed"]] == [
		("case.priority", False),
		("case.status", True),
	]
	assert explain_failure(entry) == (
		"case.priority is 'Standard', rule needs equals 'urgent'; "
		"case.status changed, which the rule excludes (was 'Draft', now 'Filed')"
	)


def test_explain_failure_of_a_matched_rule_is_empty():
	assert explain_failure({"rule": "R", "matched": True}) == ""
	assert explain_failure({"failed": [{"fact": "case.lead_attorney", "op": "is_set", "actual": None}]}) == (
		"case.lead_attorney is None, rule needs is_set"
	)


# ------------------------------------------------------------------------------------ properties
NOTICE_TYPES = ["RFE", "NOID", "rfe", "Receipt"]
CASE_TYPES = ["H-1B", "Adjustment of Status", "h-1b"]


@st.composite
def rules_and_facts(draw):
	rules = []
	for i in range(draw(st.integers(0, 8))):
		conditions = {}
		notice = draw(st.sampled_from([None, *NOTICE_TYPES]))
		if notice:
			conditions["document.type"] = notice
		case_type = draw(st.sampled_from([None, *CASE_TYPES]))
		if case_type:
			conditions["case.type"] = case_type
		if draw(st.booleans()):
			conditions = {"any": [conditions or {"case.priority": "urgent"}, {"case.priority": "high"}]}
		rules.append(
			rule(
				f"R{i}", conditions=conditions, priority=draw(st.integers(-2, 2)), enabled=draw(st.booleans())
			)
		)
	facts = {
		"document.notice_type": draw(st.sampled_from([None, *NOTICE_TYPES])),
		"case.case_type": draw(st.sampled_from([None, *CASE_TYPES])),
		"case.priority": draw(st.sampled_from([None, "High", "Standard"])),
		"case.primary_paralegal": "p@firm.test",
	}
	return rules, facts


@settings(max_examples=150, deadline=None)
@given(rules_and_facts())
def test_property_the_index_never_changes_which_rules_match(case):
	rules, facts = case
	decision = run(rules, facts, Context(now=NOW))
	enabled = [r for r in rules if r.enabled]
	in_order = sorted(enabled, key=lambda r: -r.priority)  # stable: ties keep the order given
	expected = tuple(r.name for r in in_order if r.conditions.evaluate(facts, {})[0])
	assert decision.matched == expected
	# every enabled rule is either evaluated (and in the trace) or set aside (and counted)
	set_aside = sum(p["rules"] for p in decision.trace["pruned"])
	assert len(decision.trace["rules"]) + set_aside == len(enabled)
	assert decision.trace["considered"] == len(decision.trace["rules"])
	for entry in decision.trace["rules"]:
		assert entry["matched"] is (entry["rule"] in expected)
		assert ("failed" in entry) is (not entry["matched"])
		if not entry["matched"]:
			assert entry["failed"], "a rule that failed names at least one reason"
