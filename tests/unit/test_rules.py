"""Rules as data: the guide's sample rule, every problem code with its path and message, export."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine import rules as R
from legist_routing.engine.problems import TEMPLATES, Problem, RuleError, did_you_mean, hint
from legist_routing.engine.rules import Action, Rule, export_rule, parse_rule, require_rule
from legist_routing.engine.strategies import STRATEGIES

BASE = {"ruleName": "R", "trigger": "document.received", "actions": [{"assign": "case.leadAttorney"}]}


def use(choices) -> str:
	"""The fix a problem spells out when no close match exists: the accepted words."""
	return "; use one of: " + ", ".join(choices)


def recipients(camel: bool = False, escalation: bool = False) -> str:
	known = [F.camel(p) if camel else p for p in F.RECIPIENT_FACTS]
	return use([*known, "user:EMAIL", *(["role:ROLE", "team.lead"] if escalation else [])])


def rule_with(**changes) -> dict:
	data = copy.deepcopy(BASE)
	data.update(changes)
	return data


def messages(data, templates=None) -> list[str]:
	rule, problems = parse_rule(data, templates)
	assert (rule is None) is bool(problems)
	return [str(p) for p in problems]


def export(rule: Rule) -> dict:
	"""What the services store, back through export_rule (as services/rules.row_to_json does)."""
	return export_rule(
		name=rule.name,
		trigger=rule.trigger,
		conditions=rule.source.get("conditions"),
		actions=rule.source["actions"],
		escalation=rule.escalation,
		priority=rule.priority,
		enabled=rule.enabled,
		stop_processing=rule.stop_processing,
		description=rule.description,
	)


# ------------------------------------------------------------------------------ the guide's rule
def test_guide_rule_parses_exactly_as_printed(guide_rule_text):
	rule, problems = parse_rule(json.loads(guide_rule_text), {"rfe_response_template", "Draft RFE Response"})
	assert problems == []
	assert rule.name == "RFE_Adjustment_Assign"
	assert rule.trigger == "document.received"
	assert (rule.priority, rule.enabled, rule.stop_processing, rule.description) == (0, True, False, "")
	assert rule.escalation == {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"}
	assert isinstance(rule.conditions, C.Group) and rule.conditions.kind == "all"
	assert [
		(leaf.fact.path, leaf.fact.written, leaf.op, leaf.value) for leaf in rule.conditions.children
	] == [
		("document.notice_type", "document.type", "equals", "rfe"),
		("case.case_type", "case.type", "equals", "adjustment of status"),
		("case.priority", "case.priority", "equals", "standard"),
	]
	assign, notify, create = rule.actions
	assert (assign.index, assign.kind, assign.target) == (0, "assign", "case.primary_paralegal")
	assert assign.params["dueInDays"] == 3.0
	assert (notify.index, notify.kind, notify.target) == (1, "notify", ("case.lead_attorney",))
	assert notify.params["channels"] == ("in_app",) and notify.params["notifyWithinHours"] == 2.0
	assert (create.index, create.kind, create.target) == (2, "create_task", "Draft RFE Response")
	assert create.params["templateId"] == "rfe_response_template"
	assert create.raw == {"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}


def test_guide_rule_parses_without_a_template_list(guide_rule):
	rule, problems = parse_rule(guide_rule)
	assert problems == [] and rule.name == "RFE_Adjustment_Assign"


def test_guide_rule_exports_to_the_identical_dict(guide_rule, guide_rule_text):
	rule = require_rule(guide_rule)
	exported = export(rule)
	assert exported == json.loads(guide_rule_text)
	# same keys in the same order: the export reads like the guide
	assert json.dumps(exported) == json.dumps(json.loads(guide_rule_text))


def test_parsing_does_not_keep_references_to_the_input(guide_rule):
	rule = require_rule(guide_rule)
	guide_rule["escalation"]["escalateTo"] = "case.leadAttorney"
	guide_rule["actions"].clear()
	assert rule.escalation["escalateTo"] == "operations.manager"
	assert len(rule.source["actions"]) == 3


def test_export_leaves_defaults_out_and_keeps_the_rest():
	assert export_rule("R", "case.created", None, [{"assign": "case.leadAttorney"}]) == {
		"ruleName": "R",
		"trigger": "case.created",
		"actions": [{"assign": "case.leadAttorney"}],
	}
	assert export_rule("R", "case.created", {}, [], escalation={}) == {
		"ruleName": "R",
		"trigger": "case.created",
		"actions": [],
	}
	full = export_rule(
		"R",
		"case.created",
		[{"case.priority": "urgent"}],
		[{"assign": "case.leadAttorney"}],
		escalation={"ifNotAcknowledgedHours": 4},
		priority=5,
		enabled=False,
		stop_processing=True,
		description="urgent cases go to the attorney",
	)
	assert full == {
		"ruleName": "R",
		"trigger": "case.created",
		"conditions": [{"case.priority": "urgent"}],
		"actions": [{"assign": "case.leadAttorney"}],
		"escalation": {"ifNotAcknowledgedHours": 4},
		"priority": 5,
		"enabled": False,
		"stopProcessing": True,
		"description": "urgent cases go to the attorney",
	}
	rule = require_rule(full)
	assert (rule.priority, rule.enabled, rule.stop_processing) == (5, False, True)
	assert rule.description == "urgent cases go to the attorney"
	assert export(rule) == full


def test_export_then_parse_gives_the_same_rule(guide_rule):
	rule = require_rule(guide_rule)
	assert require_rule(export(rule)) == rule


def test_rule_name_is_trimmed():
	assert require_rule(rule_with(ruleName="  Intake  ")).name == "Intake"


def test_require_rule_raises_with_every_problem():
	with pytest.raises(RuleError) as raised:
		require_rule({"trigger": "case.created", "actions": []})
	assert [str(p) for p in raised.value.problems] == ["ruleName: is required", "actions: is required"]
	assert str(raised.value) == "ruleName: is required; actions: is required"
	assert isinstance(raised.value, ValueError)


# ---------------------------------------------------------------------------------- recipients
@pytest.mark.parametrize(
	("written", "target"),
	[
		("case.primaryParalegal", "case.primary_paralegal"),
		("case.leadAttorney", "case.lead_attorney"),
		("operations.manager", "operations.manager"),
		(" case.secondary_owner ", "case.secondary_owner"),
		("maria@firm.test", "user:maria@firm.test"),
		("user:maria@firm.test", "user:maria@firm.test"),
		("Administrator", "user:Administrator"),
		("user:Administrator", "user:Administrator"),
	],
)
def test_assign_recipients(written, target):
	rule = require_rule(rule_with(actions=[{"assign": written}]))
	assert rule.actions[0].target == target


def test_task_facts_are_recipients_for_task_events():
	rule = require_rule(rule_with(trigger="task.status_changed", actions=[{"assign": "task.assignee"}]))
	assert rule.actions[0].target == "task.assigned_to"


def test_notify_many_recipients_and_methods():
	rule = require_rule(
		rule_with(
			actions=[
				{
					"notify": ["case.leadAttorney", "operations.manager", "a@b.test"],
					"method": ["email", "both"],
					"subject": "RFE",
					"message": "An RFE arrived",
				}
			]
		)
	)
	action = rule.actions[0]
	assert action.target == ("case.lead_attorney", "operations.manager", "user:a@b.test")
	assert action.params["channels"] == ("email", "in_app")
	assert "notifyWithinHours" not in action.params


@pytest.mark.parametrize(
	("method", "channels"), [("inApp", ("in_app",)), ("email", ("email",)), ("both", ("in_app", "email"))]
)
def test_notify_methods(method, channels):
	rule = require_rule(rule_with(actions=[{"notify": "case.leadAttorney", "method": method}]))
	assert rule.actions[0].params["channels"] == channels


def test_notify_method_defaults_to_in_app():
	rule = require_rule(rule_with(actions=[{"notify": "case.leadAttorney"}]))
	assert rule.actions[0].params["channels"] == ("in_app",)


def test_create_task_with_assign_to_and_everything_else():
	action = {
		"createTask": "Biometrics Confirmation",
		"assignTo": "case.intakeSpecialist",
		"dueInHours": "48",
		"acknowledgeWithinHours": 4,
		"priority": "High",
	}
	rule = require_rule(rule_with(actions=[action]))
	parsed = rule.actions[0]
	assert parsed == Action(
		0,
		"create_task",
		"Biometrics Confirmation",
		{
			"_raw": action,
			"dueInHours": 48.0,
			"acknowledgeWithinHours": 4.0,
			"assignTo": "case.intake_specialist",
		},
	)
	assert parsed.raw == action


def test_escalation_may_name_several_recipients():
	escalation = {
		"ifNotAcknowledgedHours": 4,
		"ifNotCompletedHours": "72",
		"remindAfterHours": 2,
		"escalateTo": ["operations.manager", "case.leadAttorney"],
		"reassignTo": "case.secondaryOwner",
		"policy": "manager",
	}
	rule = require_rule(rule_with(escalation=escalation))
	assert rule.escalation == escalation


# ------------------------------------------------------------------------------ teams and strategies
@pytest.mark.parametrize(
	("written", "target"),
	[
		("team:Paralegals", "team:Paralegals"),
		("  team:  Paralegals ", "team:Paralegals"),
		("team:A Team", "team:A Team"),
	],
)
def test_assign_to_a_whole_team(written, target):
	assign = require_rule(rule_with(actions=[{"assign": written}])).actions[0]
	create = require_rule(rule_with(actions=[{"createTask": "X", "assignTo": written}])).actions[0]
	assert assign.target == target
	assert create.params["assignTo"] == target


@pytest.mark.parametrize(
	("strategy", "chain"),
	[
		("least_loaded", ("least_loaded",)),
		("Round Robin", ("round_robin",)),
		("role_slot > least_loaded", ("role_slot", "least_loaded")),
		(["language", "roundRobin"], ("language", "round_robin")),
		('["case_type", "least_loaded"]', ("case_type", "least_loaded")),
		("hybrid", ("case_type", "priority_override", "role_slot", "least_loaded")),
		("", ()),
	],
)
def test_a_strategy_is_parsed_into_its_chain(strategy, chain):
	for action in (
		{"assign": "case.leadAttorney", "strategy": strategy},
		{"createTask": "X", "strategy": strategy},
	):
		assert require_rule(rule_with(actions=[action])).actions[0].params["strategy"] == chain


def test_without_a_strategy_the_action_has_none():
	assert "strategy" not in require_rule(rule_with()).actions[0].params


def test_team_strategy_and_team_assignments_round_trip(guide_rule):
	actions = [
		{"assign": "team:Paralegals", "strategy": "round_robin"},
		{"assign": "case.primaryParalegal", "team": "Paralegals", "strategy": ["language", "least_loaded"]},
		{"createTask": "Attorney Review", "assignTo": "team:Attorneys", "strategy": "hybrid"},
	]
	rule = require_rule(rule_with(actions=actions))
	assert export(rule)["actions"] == actions
	assert require_rule(export(rule)) == rule


# -------------------------------------------------------------------------------------- problems
# (input, exact problem lines). Together these produce every code the engine itself can emit.
PROBLEM_CASES = [
	("not a rule", ["must be a JSON object"]),
	(rule_with(actions=["assign"]), ["actions[0]: must be a JSON object"]),
	(rule_with(escalation=["operations.manager"]), ["escalation: must be a JSON object"]),
	(rule_with(conditions="RFE"), ["conditions: must be a JSON object"]),
	(rule_with(actions={"assign": "case.leadAttorney"}), ["actions: must be a list"]),
	(rule_with(conditions={"any": "RFE"}), ["conditions.any: must be a list"]),
	(
		{"ruleName": " ", "trigger": "", "actions": []},
		["ruleName: is required", "trigger: is required", "actions: is required"],
	),
	({"actions": None}, ["ruleName: is required", "trigger: is required", "actions: is required"]),
	(rule_with(rulename="R"), ["rulename: unknown key 'rulename'; did you mean 'ruleName'?"]),
	(rule_with(color="red"), [f"color: unknown key 'color'{use(R.RULE_KEYS)}"]),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueIn": 3}]),
		["actions[0].dueIn: unknown key 'dueIn'; did you mean 'dueInDays'?"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "dueInDays": 3}]),
		[f"actions[0].dueInDays: unknown key 'dueInDays'{use(R.ACTION_KEYS['notify'])}"],
	),
	(
		rule_with(escalation={"escalateTO": "operations.manager"}),
		["escalation.escalateTO: unknown key 'escalateTO'; did you mean 'escalateTo'?"],
	),
	(
		rule_with(conditions={"fact": "case.priority", "valeu": "urgent"}),
		["conditions: unknown key 'valeu'; did you mean 'value'?"],
	),
	(
		rule_with(conditions={"case.prority": "standard"}),
		["conditions.case.prority: unknown field 'prority'; did you mean 'priority'?"],
	),
	(
		rule_with(conditions={"client.name": "Garcia"}),
		[
			"conditions.client.name: unknown fact 'client.name'; facts start with "
			"appointment., case., deadline., document., operations., task."
		],
	),
	(
		rule_with(trigger="case.created", conditions={"document.type": "RFE"}),
		[
			"conditions.document.type: 'document.type' is not available for trigger 'case.created' "
			"(available: case., operations.)"
		],
	),
	(
		rule_with(actions=[{"assign": "task.assignee"}]),
		[
			"actions[0].assign: 'task.assignee' is not available for trigger 'document.received' "
			"(available: case., document., operations.)"
		],
	),
	(
		rule_with(trigger="document.recieved"),
		["trigger: unknown trigger 'document.recieved'; did you mean 'document.received'?"],
	),
	(rule_with(trigger="sms"), [f"trigger: unknown trigger 'sms'{use(F.TRIGGERS)}"]),
	(
		rule_with(trigger=["document.received", "portal.upload"]),
		[
			"trigger: unknown trigger '['document.received', 'portal.upload']'; "
			"did you mean 'document.received'?"
		],
	),
	(
		rule_with(conditions={"case.priority": {"oneof": ["urgent"]}}),
		["conditions.case.priority: unknown operator 'oneof'; did you mean 'oneOf'?"],
	),
	(
		rule_with(conditions={"case.priority": {"in": "urgent"}}),
		["conditions.case.priority: operator 'in' needs a list of values"],
	),
	(
		rule_with(conditions={"case.priority": {"gt": "low"}}),
		["conditions.case.priority: operator 'gt' compares numbers or dates, but 'case.priority' is text"],
	),
	(
		rule_with(conditions={"document.response_due_date": {"lt": "soon"}}),
		["conditions.document.response_due_date: 'soon' is not a valid date (YYYY-MM-DD)"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "priority": "critical"}]),
		["actions[0].priority: 'critical' is not a valid urgent/high/standard/low"],
	),
	(
		rule_with(conditions={"case.status": {"changed": {}}}),
		["conditions.case.status: 'changed' needs 'from', 'to' or both"],
	),
	(rule_with(conditions={"all": []}), ["conditions.all: 'all' needs at least one condition"]),
	(
		rule_with(actions=[{"dueInDays": 3}]),
		["actions[0]: each action needs exactly one of 'assign', 'notify', 'createTask'; found none"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "notify": "operations.manager"}]),
		[
			"actions[0]: each action needs exactly one of 'assign', 'notify', 'createTask'; "
			"found assign, notify"
		],
	),
	(
		rule_with(actions=[{"asign": "case.leadAttorney"}]),
		[
			"actions[0].asign: unknown action 'asign'; did you mean 'assign'?",
			"actions[0]: each action needs exactly one of 'assign', 'notify', 'createTask'; found none",
		],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueInDays": "three"}]),
		["actions[0].dueInDays: must be a number, got 'three'"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "acknowledgeWithinHours": True}]),
		["actions[0].acknowledgeWithinHours: must be a number, got 'True'"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueInHours": "nan"}]),
		["actions[0].dueInHours: must be a number, got 'nan'"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "notifyWithinHours": "inf"}]),
		["actions[0].notifyWithinHours: must be a number, got 'inf'"],
	),
	(
		rule_with(escalation={"ifNotAcknowledgedHours": "a day"}),
		["escalation.ifNotAcknowledgedHours: must be a number, got 'a day'"],
	),
	(rule_with(priority="high"), ["priority: must be a number, got 'high'"]),
	(rule_with(priority=True), ["priority: must be a number, got 'True'"]),
	(rule_with(priority=1.5), ["priority: must be a number, got '1.5'"]),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueInDays": -1}]),
		["actions[0].dueInDays: must be zero or more, got -1"],
	),
	(
		rule_with(actions=[{"createTask": "X", "dueDaysBeforeDeadline": "-2"}]),
		["actions[0].dueDaysBeforeDeadline: must be zero or more, got -2.0"],
	),
	(
		rule_with(escalation={"remindAfterHours": -4}),
		["escalation.remindAfterHours: must be zero or more, got -4"],
	),
	(rule_with(actions=[{"assign": " "}]), ["actions[0].assign: must be text"]),
	(rule_with(actions=[{"assign": 7}]), ["actions[0].assign: must be text"]),
	(rule_with(actions=[{"createTask": ""}]), ["actions[0].createTask: must be text"]),
	(rule_with(actions=[{"createTask": "X", "templateId": ""}]), ["actions[0].templateId: must be text"]),
	(rule_with(actions=[{"assign": "case.leadAttorney", "task": 5}]), ["actions[0].task: must be text"]),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "subject": ["x"], "message": None}]),
		["actions[0].subject: must be text", "actions[0].message: must be text"],
	),
	(rule_with(conditions={"fact": None, "value": 1}), ["conditions.fact: must be text"]),
	(
		rule_with(actions=[{"assign": "case.leadAtorney"}]),
		["actions[0].assign: unknown recipient 'case.leadAtorney'; did you mean 'case.leadAttorney'?"],
	),
	(
		rule_with(actions=[{"assign": "case.lead_atorney"}]),
		["actions[0].assign: unknown recipient 'case.lead_atorney'; did you mean 'case.lead_attorney'?"],
	),
	(
		rule_with(actions=[{"assign": "case.priority"}]),
		[f"actions[0].assign: unknown recipient 'case.priority'{recipients()}"],
	),
	(
		rule_with(actions=[{"notify": ["case.leadAttorney", "paralegal"]}]),
		[f"actions[0].notify[1]: unknown recipient 'paralegal'{recipients()}"],
	),
	(
		rule_with(actions=[{"createTask": "X", "assignTo": "attorney"}]),
		["actions[0].assignTo: unknown recipient 'attorney'; did you mean 'case.lead_attorney'?"],
	),
	(
		rule_with(escalation={"escalateTo": ["operations.manager", "boss"], "reassignTo": "case.backup"}),
		[
			f"escalation.escalateTo[1]: unknown recipient 'boss'{recipients(escalation=True)}",
			f"escalation.reassignTo: unknown recipient 'case.backup'{recipients(escalation=True)}",
		],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "method": "emial"}]),
		["actions[0].method: unknown method 'emial'; did you mean 'email'?"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "method": ["inApp", "sms"]}]),
		[f"actions[0].method: unknown method 'sms'{use(R.METHODS)}"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "method": {"email": True}}]),
		[f"actions[0].method: unknown method '{{'email': True}}'{use(R.METHODS)}"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": "round_robn"}]),
		["actions[0].strategy: unknown strategy 'round_robn'; did you mean 'round_robin'?"],
	),
	(
		rule_with(actions=[{"createTask": "X", "strategy": "role_slot > leastLoadd"}]),
		["actions[0].strategy: unknown strategy 'leastLoadd'; did you mean 'least_loaded'?"],
	),
	(
		rule_with(actions=[{"assign": "team:Paralegals", "strategy": ["language", "lest_loaded", "magic"]}]),
		[
			"actions[0].strategy: unknown strategy 'lest_loaded'; did you mean 'least_loaded'?",
			f"actions[0].strategy: unknown strategy 'magic'{use(STRATEGIES)}",
		],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": ["language", 3, " "]}]),
		[
			f"actions[0].strategy: unknown strategy '3'{use(STRATEGIES)}",
			f"actions[0].strategy: unknown strategy ' '{use(STRATEGIES)}",
		],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": 5}]),
		[f"actions[0].strategy: unknown strategy '5'{use(STRATEGIES)}"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": True}]),
		[f"actions[0].strategy: unknown strategy 'True'{use(STRATEGIES)}"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": "[not json"}]),
		[f"actions[0].strategy: unknown strategy '[not json'{use(STRATEGIES)}"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "strategy": "round_robin"}]),
		[f"actions[0].strategy: unknown key 'strategy'{use(R.ACTION_KEYS['notify'])}"],
	),
	(rule_with(actions=[{"assign": "case.leadAttorney", "team": ""}]), ["actions[0].team: must be text"]),
	(rule_with(actions=[{"createTask": "X", "team": "  "}]), ["actions[0].team: must be text"]),
	(rule_with(actions=[{"assign": "case.leadAttorney", "team": 5}]), ["actions[0].team: must be text"]),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "team": "Paralegals"}]),
		[f"actions[0].team: unknown key 'team'{use(R.ACTION_KEYS['notify'])}"],  # to people, not pools
	),
	(rule_with(actions=[{"assign": "team:"}]), ["actions[0].assign: must be text"]),
	(rule_with(actions=[{"createTask": "X", "assignTo": "team: "}]), ["actions[0].assignTo: must be text"]),
	(
		rule_with(actions=[{"notify": "team:Paralegals"}]),
		["actions[0].notify: unknown recipient 'team:Paralegals'; did you mean 'case.primaryParalegal'?"],
	),
]


@pytest.mark.parametrize(("data", "expected"), PROBLEM_CASES)
def test_problems_name_path_and_message(data, expected):
	assert messages(data) == expected


# ------------------------------------------------------------- values, windows and names, bounded
LONG = "x" * (R.MAX_NAME + 1)
DEEP: dict = {"case.priority": "high"}
for _ in range(C.MAX_DEPTH + 1):
	DEEP = {"not": DEEP}
REFUSAL_CASES = [
	# values type-checked against the fact and the operator
	(
		rule_with(conditions={"case.priority": {"in": ["high", ["urgent"]]}}),
		["conditions.case.priority[1]: '['urgent']' must be a single text, not a list or an object"],
	),
	(
		rule_with(conditions={"fact": "case.priority", "op": "equals", "value": ["high"]}),
		["conditions.value: operator 'equals' takes one value; to match any of several use 'in'"],
	),
	(
		rule_with(conditions={"case.priority": {"not_in": []}}),
		["conditions.case.priority: operator 'not_in' needs at least one value in its list"],
	),
	(
		rule_with(conditions={"case.open_tasks": {"gt": None}}),
		["conditions.case.open_tasks: operator 'gt' needs a value to compare with"],
	),
	(
		rule_with(conditions={"case.open_tasks": {"contains": "3"}}),
		[
			"conditions.case.open_tasks: operator 'contains' searches text, but 'case.open_tasks' is number; "
			"use 'equals' or 'in'"
		],
	),
	(rule_with(conditions={"case.priority": 3}), ["conditions.case.priority: '3' is not a valid text"]),
	(
		rule_with(conditions={"case.lead_attorney": True}),
		["conditions.case.lead_attorney: 'True' is not a valid user (an e-mail address or user id, as text)"],
	),
	(
		rule_with(conditions={"case.open_tasks": float("inf")}),
		["conditions.case.open_tasks: 'inf' is not a valid number"],
	),
	(
		rule_with(conditions={"case.open_tasks": 10**400}),
		[f"conditions.case.open_tasks: '{str(10**400)[:18]}...{str(10**400)[-19:]}' is not a valid number"],
	),
	(
		rule_with(conditions={"document.response_due_date": "2026-08-20 and later"}),
		["conditions.document.response_due_date: '2026-08-20 and later' is not a valid date (YYYY-MM-DD)"],
	),
	(
		rule_with(conditions={"case.priority": "hi\x00gh"}),
		[
			"conditions.case.priority: contains characters that cannot be stored (control characters or broken "
			"Unicode); remove them"
		],
	),
	(
		rule_with(conditions={"case.priority": {"is_set": [[1]]}}),
		["conditions.case.priority: operator 'is_set' compares with nothing; leave the value out"],
	),
	(
		rule_with(conditions={"case.status": {"changed": {"to": "Filed", "form": "Open"}}}),
		["conditions.case.status.form: unknown key 'form'; did you mean 'from'?"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": {"round_robin": [[1]]}}]),
		["actions[0].strategy: unknown strategy '{'round_robin': [[1]]}'; did you mean 'round_robin'?"],
	),
	(
		rule_with(conditions=DEEP),
		[f"conditions{'.not' * (C.MAX_DEPTH + 1)}: conditions nest deeper than 10 groups; flatten them"],
	),
	# every window and offset bounded: nothing beyond a year
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueInDays": 366}]),
		["actions[0].dueInDays: must be at most 365 days (a year), got 366"],
	),
	(
		rule_with(actions=[{"createTask": "X", "dueDaysBeforeDeadline": "400"}]),
		["actions[0].dueDaysBeforeDeadline: must be at most 365 days (a year), got 400.0"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "acknowledgeWithinHours": 8761}]),
		["actions[0].acknowledgeWithinHours: must be at most 8760 hours (a year), got 8761"],
	),
	(
		rule_with(escalation={"ifNotCompletedHours": 1e9}),
		["escalation.ifNotCompletedHours: must be at most 8760 hours (a year), got 1000000000.0"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "dueInHours": 10**400}]),
		[
			f"actions[0].dueInHours: must be at most 8760 hours (a year), got {str(10**400)[:18]}...{str(10**400)[-19:]}"
		],
	),
	(rule_with(priority=10**7), ["priority: must be between -1000000 and 1000000, got 10000000"]),
	# names within the database's length, markup refused
	(rule_with(ruleName=LONG), ["ruleName: must be at most 140 characters, it has 141; shorten it"]),
	(rule_with(ruleName="<b>R</b>"), ["ruleName: must not contain markup ('<' or '>'); remove it"]),
	(
		rule_with(ruleName="R\nS"),
		[
			"ruleName: contains characters that cannot be stored (control characters or broken Unicode); "
			"remove them"
		],
	),
	(rule_with(ruleName=["R"]), ["ruleName: must be text"]),
	(
		rule_with(actions=[{"createTask": "<img src=x onerror=alert(1)>"}]),
		["actions[0].createTask: must not contain markup ('<' or '>'); remove it"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "task": LONG}]),
		["actions[0].task: must be at most 140 characters, it has 141; shorten it"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "subject": "Hi <script>x</script>"}]),
		["actions[0].subject: must not contain markup ('<' or '>'); remove it"],
	),
	(
		rule_with(actions=[{"notify": "case.leadAttorney", "message": "x" * (R.MAX_TEXT + 1)}]),
		["actions[0].message: must be at most 10000 characters, it has 10001; shorten it"],
	),
	(
		rule_with(actions=[{"assign": "team:" + LONG}]),
		["actions[0].assign: must be at most 140 characters, it has 141; shorten it"],
	),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "team": "<T>"}]),
		["actions[0].team: must not contain markup ('<' or '>'); remove it"],
	),
	(
		rule_with(actions=[{"createTask": "X", "templateId": LONG}]),
		["actions[0].templateId: must be at most 140 characters, it has 141; shorten it"],
	),
	(
		rule_with(actions=[{"assign": "user:<a>@x.test"}]),
		["actions[0].assign: must not contain markup ('<' or '>'); remove it"],
	),
	(
		rule_with(escalation={"escalateTo": "role:" + LONG}),
		["escalation.escalateTo: must be at most 140 characters, it has 141; shorten it"],
	),
	(rule_with(escalation={"policy": 5}), ["escalation.policy: must be text"]),
	(rule_with(description={"text": "x"}), ["description: must be text"]),
	(
		rule_with(description="<iframe src=x>"),
		["description: must not contain markup ('<' or '>'); remove it"],
	),
	# the rest of a rule's shape
	(rule_with(enabled="no"), ["enabled: must be true or false, got 'no'"]),
	(rule_with(stopProcessing=None), ["stopProcessing: must be true or false, got 'None'"]),
	(rule_with(actions=[{"notify": []}]), ["actions[0].notify: names nobody; give at least one recipient"]),
	(rule_with(actions=[{"notify": "case.leadAttorney", "method": []}]), ["actions[0].method: is required"]),
	(
		rule_with(actions=[{"assign": "case.leadAttorney", "strategy": [["deep", [["er", ["est"]]]]]}]),
		[f"actions[0].strategy: unknown strategy '['deep', [['er', [...]]]]'{use(STRATEGIES)}"],
	),
]


@pytest.mark.parametrize(("data", "expected"), REFUSAL_CASES)
def test_bad_values_windows_and_names_are_refused_with_the_field_and_the_fix(data, expected):
	assert messages(data) == expected


def test_what_is_within_bounds_is_accepted():
	rule = require_rule(
		rule_with(
			ruleName="R" * R.MAX_NAME,
			description="Urgent work < 3 days\nsecond line",
			enabled=0,
			stopProcessing=1,
			priority=-R.MAX_PRIORITY,
			conditions={
				"case.open_tasks": {"lt": "12"},
				"document.response_due_date": {"gte": "2026-01-01 09:00"},
				"case.priority": {"in": ["High", "", None]},
				"case.lead_attorney": {"is_set": True},
				"case.status": None,
			},
			actions=[
				{"assign": "team:" + "T" * R.MAX_NAME, "dueInDays": R.MAX_DAYS, "dueInHours": R.MAX_HOURS},
				{"notify": "user:ops@firm.test", "subject": "Due in < 3 days", "message": "Line\n\tindented"},
			],
			escalation={"escalateTo": ["role:Legist Manager", "team.lead"], "policy": "Standard"},
		)
	)
	assert (rule.enabled, rule.stop_processing, rule.priority) == (False, True, -R.MAX_PRIORITY)
	assert rule.actions[0].params["dueInDays"] == 365.0


def test_shown_values_are_bounded_and_safe():
	from legist_routing.engine.problems import shown

	assert shown("x" * 200) == "x" * 79 + "…"
	assert shown("\ud800") == "\\ud800"  # broken Unicode escaped, never raised later
	assert shown([[[[[1]]]]]) == "[[[[...]]]]"
	assert hint("zzz", ["status"], ["status", "priority"]) == "; use one of: status, priority"


def test_unknown_template_is_checked_against_the_known_templates(guide_rule):
	assert messages(guide_rule, {"Biometrics Confirmation"}) == [
		"actions[2].templateId: no Task Template with id or name 'rfe_response_template'"
	]
	assert messages(guide_rule, {"rfe_response_template"}) == []
	assert messages(guide_rule, set()) == [
		"actions[2].templateId: no Task Template with id or name 'rfe_response_template'"
	]


def test_every_problem_is_reported_at_once():
	data = {
		"ruleName": "",
		"trigger": "document.received",
		"conditions": {"case.prority": "standard", "document.type": {"in": "RFE"}},
		"actions": [
			{"assign": "case.paralegal", "dueInDays": -3},
			{"notify": "case.leadAttorney", "method": "sms"},
		],
		"escalation": {"ifNotAcknowledgedHours": "x"},
		"priority": "1",
	}
	_rule, problems = parse_rule(data, set())
	assert [(p.path, p.code) for p in problems] == [
		("ruleName", "required"),
		("conditions.case.prority", "unknown_field"),
		("conditions.document.type", "operator_needs_list"),
		("actions[0].dueInDays", "not_positive"),
		("actions[0].assign", "unknown_recipient"),
		("actions[1].method", "unknown_method"),
		("escalation.ifNotAcknowledgedHours", "not_a_number"),
		("priority", "not_a_number"),
	]


def test_an_unknown_trigger_does_not_also_report_fact_availability():
	data = rule_with(trigger="case.create", conditions={"document.type": "RFE", "task.status": "Open"})
	assert [p.code for p in parse_rule(data)[1]] == ["unknown_trigger"]


ENGINE_CODES = {p.code for data, _ in PROBLEM_CASES + REFUSAL_CASES for p in parse_rule(data)[1]} | {
	"unknown_template"
}
SERVICE_CODES = {
	"bad_json",
	"duplicate_rule",
	"bad_receipt_number",
	"rule_exists",
	"refused_on_save",
}


def test_the_cases_above_cover_every_code_the_engine_emits():
	assert ENGINE_CODES == set(TEMPLATES) - SERVICE_CODES


# ------------------------------------------------------------------------------------- Problem
@pytest.mark.parametrize(
	("problem", "text"),
	[
		(
			Problem("", "bad_json", {"detail": "Expecting value: line 1 column 1 (char 0)"}),
			"is not valid JSON: Expecting value: line 1 column 1 (char 0)",
		),
		(
			Problem("rules[1].ruleName", "duplicate_rule", {"value": "R"}),
			"rules[1].ruleName: rule name 'R' appears more than once in this import",
		),
		(
			Problem("receipt_number", "bad_receipt_number", {"value": "IOE123"}),
			"receipt_number: 'IOE123' is not a USCIS receipt number: "
			"it must be three letters and ten digits, "
			"for example IOE0912345678",
		),
		(
			Problem("x", "unknown_key"),
			"x: unknown key '{key}'{hint}",
		),  # missing parameters: the bare template
		(Problem("x", "some_new_code"), "x: some_new_code"),  # unknown code: the code itself
	],
)
def test_problem_text(problem, text):
	assert str(problem) == text


def test_problem_as_dict():
	problem = Problem("actions[0].assign", "unknown_recipient", {"value": "bob", "hint": ""})
	assert problem.as_dict() == {
		"path": "actions[0].assign",
		"code": "unknown_recipient",
		"params": {"value": "bob", "hint": ""},
		"message": "actions[0].assign: unknown recipient 'bob'",
	}


def test_did_you_mean_and_hint():
	assert did_you_mean("Prority", ["priority", "status"]) == "priority"
	assert did_you_mean("zzz", ["priority", "status"]) == ""
	assert did_you_mean("STATUS", ["Status"]) == "Status"
	assert hint("stauts", ["status"]) == "; did you mean 'status'?"
	assert hint("zzz", ["status"]) == ""


def test_the_fixture_is_the_guides_sample_rule_byte_for_byte(guide_rule_text):
	"""The guide beside the repository (shared/seeds) prints this rule; the fixture must not drift from it."""
	seed = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_7a472d8bd77975a7.txt"
	if seed.exists():
		text = seed.read_text()
		start = text.index('{\n"ruleName"')
		assert text[start : text.index("}This JSON", start) + 1] == guide_rule_text
	assert json.loads(guide_rule_text)["ruleName"] == "RFE_Adjustment_Assign"
