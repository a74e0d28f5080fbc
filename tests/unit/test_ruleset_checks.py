"""Rule-set checks: rules that never fire, values no case has, missing names, shadowed rules, conflicts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legist_routing.engine import conditions as C
from legist_routing.engine import ruleset_checks as K
from legist_routing.engine.decide import Template
from legist_routing.engine.rules import require_rule
from legist_routing.engine.ruleset_checks import Finding, Vocabulary, check_rules, involving

PRIORITIES = ["Urgent", "High", "Standard", "Low"]
DRAFT = Template("Draft RFE Response", "rfe_response_template", default_slot="case.primary_paralegal")
SITE = Vocabulary(
	values={"case.priority": PRIORITIES, "document.notice_type": ["Receipt", "RFE", "NOID"]},
	by_trigger={"portal.upload": {"document.notice_type": ["Client Upload"]}},
	names={
		"team": ["Paralegals"],
		"policy": ["Standard Ladder"],
		"role": ["Legist Manager"],
		"user": ["ana@firm.test", "Administrator"],
	},
	templates={"rfe_response_template": DRAFT, "Draft RFE Response": DRAFT},
)


def rule(name: str, conditions=None, actions=None, trigger="document.received", **kw) -> dict:
	data = {
		"ruleName": name,
		"trigger": trigger,
		"conditions": conditions,
		"actions": actions or [{"notify": "case.leadAttorney"}],
	}
	data.update(kw)
	return data


def codes(rules, vocabulary=SITE) -> list[tuple[str, str, str | None]]:
	return [(f.rule, f.code, f.other) for f in check_rules(rules, vocabulary)]


def never(conditions, trigger="document.received", vocabulary=SITE) -> bool:
	found = check_rules([rule("R", conditions, trigger=trigger)], vocabulary)
	return any(f.code == "never_fires" for f in found)


# ------------------------------------------------------------------------------------ never fires
@pytest.mark.parametrize(
	"conditions",
	[
		{"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]},  # equals A and equals B
		{"all": [{"case.case_type": "H-1B"}, {"case.case_type": {"in": ["O-1", "L-1"]}}]},
		{"all": [{"case.client_name": {"is_set": True}}, {"case.client_name": {"is_not_set": True}}]},
		{"all": [{"case.open_tasks": {"gt": 5}}, {"case.open_tasks": {"lte": 5}}]},
		{"all": [{"case.open_tasks": {"gte": 3}}, {"case.open_tasks": {"lt": 1}}]},
		{"all": [{"case.open_tasks": 2}, {"not": {"case.open_tasks": {"in": [1, 2]}}}]},
		# no date lies strictly between two neighbouring days
		{
			"all": [
				{"case.filing_date": {"after": "2026-01-01"}},
				{"case.filing_date": {"before": "2026-01-02"}},
			]
		},
		{
			"all": [
				{"case.hard_deadline": {"gt": "2026-01-01 10:00"}},
				{"case.hard_deadline": {"lte": "2026-01-01 10:00"}},
			]
		},
		# "contains rfe" and "does not contain rf": every text holding "rfe" holds "rf"
		{"all": [{"case.case_title": {"contains": "RFE"}}, {"not": {"case.case_title": {"contains": "rf"}}}]},
		{"all": [{"case.case_title": {"contains": "x"}}, {"case.case_title": {"is_not_set": True}}]},
		{
			"not": {
				"any": [{"case.client_name": {"is_set": True}}, {"case.client_name": {"is_not_set": True}}]
			}
		},
		{"any": [{"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]}, {"case.priority": "Urgnt"}]},
		# a Select fact never takes a value outside its options
		{"case.priority": {"not_in": PRIORITIES}, "all": [{"case.priority": {"is_set": True}}]},
	],
)
def test_contradictory_conditions_never_fire(conditions):
	assert never(conditions)


@pytest.mark.parametrize(
	"conditions",
	[
		None,
		{"document.type": "RFE", "case.priority": "High"},
		# a text other than the ones named is always possible
		{"all": [{"case.client_name": {"not_equals": "A"}}, {"case.client_name": {"is_set": True}}]},
		{
			"all": [
				{"case.client_name": {"contains": "ab"}},
				{"not": {"case.client_name": {"contains": "b c"}}},
			]
		},
		{
			"all": [
				{"case.client_name": {"contains": "x"}},
				{"not": {"case.client_name": {"in": ["x", "ax"]}}},
			]
		},
		{"all": [{"case.open_tasks": {"gt": 3}}, {"case.open_tasks": {"lt": 4}}]},  # 3.5
		{"all": [{"case.open_tasks": {"gt": 3}}, {"not": {"case.open_tasks": {"in": [3.5, 4]}}}]},
		{
			"all": [
				{"case.filing_date": {"after": "2026-01-01"}},
				{"case.filing_date": {"before": "2026-01-03"}},
			]
		},
		{"all": [{"case.filing_date": {"lte": "9999-12-31"}}]},  # the last day Python has
		{"all": [{"case.filing_date": {"gte": "0001-01-01"}}]},  # and the first
		{"case.hard_deadline": {"is_set": True}},
		{"case.open_tasks": {"is_not_set": True}},
		{"any": [{"document.type": "RFE"}, {"document.type": "NOID"}]},
		{"not": {"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]}},
		{"case.status": {"changed": {"from": "Filed", "to": "RFE Received"}}},
		# "did not change" is not modelled: taken as possible
		{"all": [{"case.status": "Filed"}, {"not": {"case.status": {"changed": {"to": "Filed"}}}}]},
	],
)
def test_conditions_some_event_satisfies_are_not_reported(conditions):
	trigger = "case.status_changed" if "case.status" in str(conditions) else "document.received"
	assert not never(conditions, trigger)


def test_nothing_lies_beyond_the_last_day():
	assert never({"case.filing_date": {"gt": "9999-12-31"}})


def test_checks_take_true_false_facts_as_three_valued():
	flag = C.Leaf(C.F.FactRef("x.flag", "x.flag", C.F.BOOL), "equals", True, True)
	solver = K._Solver("document.received", Vocabulary())
	assert solver.conflicts(((flag, True), (flag, False))) == ["x.flag"]
	assert solver.conflicts(((flag, False),)) == []  # False, or not set


@pytest.mark.parametrize(
	("changed", "expected"),
	[
		({"from": "Filed", "to": "Filed"}, True),  # changed from X to X
		({"to": "Filed"}, False),
		({"from": None, "to": "Filed"}, False),
	],
)
def test_a_change_from_a_value_to_itself_never_happens(changed, expected):
	assert never({"case.status": {"changed": changed}}, "case.status_changed") is expected


def test_a_change_and_its_result_must_agree():
	assert never(
		{"all": [{"case.status": {"changed": {"to": "Filed"}}}, {"case.status": "Denied"}]},
		"case.status_changed",
	)
	assert never(
		{
			"all": [
				{"case.status": {"changed": {"from": "Filed"}}},
				{"case.status": {"changed": {"from": "Open"}}},
			]
		},
		"case.status_changed",
	)


def test_never_fires_names_the_facts_that_contradict():
	(finding,) = check_rules(
		[
			rule(
				"R",
				{
					"any": [
						{"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]},
						{"all": [{"case.open_tasks": {"gt": 2}}, {"case.open_tasks": {"lt": 1}}]},
					]
				},
			)
		],
		SITE,
	)
	assert finding == Finding("R", "never_fires", {"facts": "document.type, case.open_tasks"}, "conditions")


# (a0 or b0) and (a1 or b1) and ... : 2**9 alternatives, each possible, more than MAX_TERMS
BIG = {
	"all": [
		{"any": [{"case.case_title": {"contains": f"a{i}"}}, {"case.client_name": {"contains": f"b{i}"}}]}
		for i in range(9)
	]
}


def test_a_tree_too_large_to_expand_is_not_judged():
	big = BIG
	solver = K._Solver("document.received", SITE)
	node = C.parse(big, "document.received")[0]
	assert solver.dnf(node) is None and solver.satisfiable(node) is None
	assert solver.contradictions(node) == []
	both = C.Group("all", (node, C.parse({"document.type": "RFE"}, None)[0]))
	assert solver.dnf(both) is None
	wide = C.parse({"any": [{"case.open_tasks": i} for i in range(K.MAX_TERMS + 1)]}, None)[0]
	assert solver.dnf(wide) is None
	assert not never(big)


# -------------------------------------------------------------------------- values no case has
def test_a_select_option_that_does_not_exist_is_named_with_the_options():
	found = check_rules([rule("R", {"case.priority": "Urgnt"})], SITE)
	assert found == [
		Finding("R", "never_fires", {"facts": "case.priority"}, "conditions"),
		Finding(
			"R",
			"impossible_value",
			{
				"fact": "case.priority",
				"value": "Urgnt",
				"options": "High, Low, Standard, Urgent",
				"best": "Urgent",
			},
			"conditions",
		),
	]


def test_every_value_written_is_checked_whatever_the_operator():
	conditions = {
		"any": [
			{"case.priority": {"in": ["High", "Hihg", ""]}},
			{"case.priority": {"not_equals": "Medium"}},
			{"case.priority": {"contains": "rg"}},  # a part of a value: not checked
		]
	}
	found = [
		f.params["value"] for f in check_rules([rule("R", conditions)], SITE) if f.code == "impossible_value"
	]
	assert found == ["Hihg", "Medium"]


def test_the_options_listed_are_bounded_and_the_trigger_decides_them():
	many = Vocabulary(values={"case.case_type": [f"Type {i:02}" for i in range(12)]})
	(finding,) = [
		f for f in check_rules([rule("R", {"case.type": "Nope"})], many) if f.code == "impossible_value"
	]
	assert finding.params["options"].endswith("Type 07, …") and finding.params["best"] == ""
	upload = rule("U", {"document.type": "RFE"}, trigger="portal.upload")
	assert ("U", "impossible_value", None) in codes([upload])
	assert codes([rule("U", {"document.type": "Client Upload"}, trigger="portal.upload")]) == []
	changed = rule(
		"C", {"case.priority": {"changed": {"from": "Hi", "to": None}}}, trigger="case.status_changed"
	)
	assert [f.params["value"] for f in check_rules([changed], SITE) if f.code == "impossible_value"] == ["Hi"]


def test_a_person_no_user_is_named():
	conditions = {"case.lead_attorney": {"in": ["ana@firm.test", "ANA@FIRM.TEST", "bob@firm.test"]}}
	found = check_rules([rule("R", conditions)], SITE)
	assert found == [
		Finding("R", "unknown_user", {"fact": "case.lead_attorney", "value": "bob@firm.test"}, "conditions")
	]
	assert check_rules([rule("R", conditions)], Vocabulary()) == []  # no users given: not checked


# --------------------------------------------------------------------------- missing references
def test_missing_templates_teams_policies_roles_and_users_are_named():
	actions = [
		{"createTask": "X", "templateId": "RFE_Response_Template", "assignTo": "team:Nobody"},
		{"assign": "team:paralegals", "team": "Ghosts"},
		{"assign": "user:ana@firm.test"},
		{"notify": ["user:bob@firm.test", "case.leadAttorney"]},
		{"createTask": "Y", "assignTo": "user:carl@firm.test"},
	]
	escalation = {
		"policy": "Fast Ladder",
		"escalateTo": ["role:legist manager", "role:Ghost", "dana@firm.test", "team.lead"],
		"reassignTo": "user:Administrator",
	}
	found = check_rules([rule("R", None, actions, escalation=escalation)], SITE)
	assert [(f.path, f.params["kind"], f.params["value"]) for f in found] == [
		("actions[0].assignTo", "team", "Nobody"),
		("actions[0].templateId", "template", "RFE_Response_Template"),  # template ids are exact
		("actions[1].team", "team", "Ghosts"),
		("actions[3].notify", "user", "bob@firm.test"),
		("actions[4].assignTo", "user", "carl@firm.test"),
		("escalation.policy", "policy", "Fast Ladder"),
		("escalation.escalateTo", "role", "Ghost"),
		("escalation.escalateTo", "user", "dana@firm.test"),
	]
	assert {f.code for f in found} == {"missing_reference"}


def test_kinds_the_site_did_not_give_are_not_checked():
	actions = [{"assign": "team:Nobody"}, {"createTask": "X", "templateId": "nope"}]
	assert (
		check_rules([rule("R", None, actions, escalation={"escalateTo": "Administrator"})], Vocabulary())
		== []
	)
	assert K.references(require_rule(rule("R", None, actions))) == [
		("team", "Nobody", "actions[0].assign"),
		("template", "nope", "actions[1].templateId"),
	]


# ------------------------------------------------------------------------------------- shadowed
RFE_STOP = rule("RFE first", {"document.type": "RFE"}, priority=10, stopProcessing=True)
RFE_AOS = rule("RFE AOS", {"document.type": "RFE", "case.type": "Adjustment of Status"})


def test_a_rule_behind_a_higher_priority_rule_that_stops_is_shadowed():
	(finding,) = check_rules([RFE_AOS, RFE_STOP], SITE)
	assert finding == Finding("RFE AOS", "shadowed", {"priority": 10}, "", "RFE first")


def test_equal_priority_is_decided_by_the_order_given():
	stop = dict(RFE_STOP, priority=0)
	assert codes([stop, RFE_AOS]) == [("RFE AOS", "shadowed", "RFE first")]
	assert codes([RFE_AOS, stop]) == []  # RFE AOS is evaluated first


@pytest.mark.parametrize(
	"rules",
	[
		[RFE_AOS, dict(RFE_STOP, stopProcessing=False)],  # does not stop
		[RFE_AOS, dict(RFE_STOP, enabled=False)],  # disabled
		[RFE_AOS, dict(RFE_STOP, priority=-1)],  # evaluated after
		[RFE_AOS, dict(RFE_STOP, conditions={"document.type": "RFE", "case.priority": "High"})],  # narrower
		[RFE_AOS, dict(RFE_STOP, trigger="portal.upload", conditions=None)],  # another event
		[dict(RFE_AOS, enabled=False), RFE_STOP],  # a disabled rule is not judged against others
	],
)
def test_no_shadow_without_a_rule_that_stops_first_whenever_it_matches(rules):
	assert [c for c in codes(rules) if c[1] == "shadowed"] == []


def test_a_rule_that_never_fires_is_reported_as_such_not_as_shadowed():
	dead = rule("Dead", {"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]})
	dead_stop = rule(
		"Dead stop", {"all": [{"case.type": "A"}, {"case.type": "B"}]}, priority=5, stopProcessing=True
	)
	assert codes([dead, dead_stop, RFE_AOS]) == [
		("Dead", "never_fires", None),
		("Dead stop", "never_fires", None),
	]
	assert codes([RFE_STOP, dead]) == [("Dead", "never_fires", None)]


# ------------------------------------------------------------------------------------ conflicts
def draft(name, conditions, who=None, **kw):
	action = {"createTask": "Draft RFE Response", "templateId": "rfe_response_template"}
	if who:
		action["assignTo"] = who
	return rule(name, conditions, [action], **kw)


def test_two_rules_giving_the_same_work_to_different_people_for_one_event():
	a = draft("A", {"document.type": "RFE"})
	b = draft("B", {"case.priority": "High"}, who="case.leadAttorney", priority=-1)
	(finding,) = check_rules([a, b], SITE)
	assert finding == Finding(
		"B",
		"conflicting_assignment",
		{"work": "Draft RFE Response", "who": "case.lead_attorney", "other_who": "case.primary_paralegal"},
		"actions[0]",
		"A",
	)
	assert codes([b, a]) == [("B", "conflicting_assignment", "A")]  # reported on the one evaluated second


def test_the_same_work_is_the_same_template_title_or_default_title():
	by_title = [
		rule("A", None, [{"createTask": "Call client"}]),
		rule("B", None, [{"assign": "case.leadAttorney", "task": "call CLIENT "}]),
	]
	assert codes(by_title) == [("B", "conflicting_assignment", "A")]
	by_default = [
		rule("A", None, [{"assign": "case.primaryParalegal"}]),
		rule("B", None, [{"assign": "team:Paralegals"}]),
	]
	assert codes(by_default) == [("B", "conflicting_assignment", "A")]
	by_template_title = [
		draft("A", None),
		rule("B", None, [{"createTask": "Draft RFE Response", "assignTo": "case.leadAttorney"}]),
	]
	assert codes(by_template_title) == [("B", "conflicting_assignment", "A")]
	missing_template = [
		rule("A", None, [{"createTask": "X", "templateId": "gone"}]),
		rule("B", None, [{"createTask": "Y", "templateId": "gone", "assignTo": "case.leadAttorney"}]),
	]
	assert [c for c in codes(missing_template) if c[1] != "missing_reference"] == [
		("B", "conflicting_assignment", "A")
	]


def test_the_same_work_to_the_same_person_is_made_twice():
	pool = [
		rule("A", None, [{"assign": "case.primaryParalegal", "team": "Paralegals", "task": "Intake"}]),
		rule("B", None, [{"assign": "case.primaryParalegal", "team": "Paralegals", "task": "Intake"}]),
	]
	(finding,) = check_rules(pool, SITE)
	assert (finding.code, finding.params["who"]) == ("duplicate_work", "case.primary_paralegal (Paralegals)")


@pytest.mark.parametrize(
	"second",
	[
		draft("B", {"document.type": "NOID"}, who="case.leadAttorney"),  # never both
		draft("B", None, who="case.leadAttorney", trigger="portal.upload"),  # another event
		draft("B", None, who="case.leadAttorney", enabled=False),
		rule("B", None, [{"createTask": "Other work", "assignTo": "case.leadAttorney"}]),
		rule("B", None, [{"notify": "case.leadAttorney"}]),  # telling is not giving work
	],
)
def test_no_conflict_when_the_rules_cannot_both_give_it(second):
	assert codes([draft("A", {"document.type": "RFE"}), second]) == []


def test_no_conflict_when_a_rule_before_stops_processing():
	a = draft("A", {"document.type": "RFE"}, stopProcessing=True)
	b = draft("B", None, who="case.leadAttorney", priority=-1)
	assert codes([a, b]) == []
	c = rule("C", {"document.type": "RFE"}, priority=5, stopProcessing=True)  # a third rule, first
	assert [x for x in codes([dict(a, stopProcessing=False), b, c]) if x[1] == "conflicting_assignment"] == []


def test_one_rule_is_not_in_conflict_with_itself_and_a_pair_is_reported_once():
	twice = [
		{"createTask": "Draft RFE Response"},
		{"createTask": "Draft RFE Response", "assignTo": "case.leadAttorney"},
	]
	assert codes([rule("A", None, twice)]) == []
	b = rule("B", None, [{"createTask": "Draft RFE Response", "assignTo": "case.intakeSpecialist"}] * 2)
	assert codes([rule("A", None, twice), b]) == [("B", "conflicting_assignment", "A")]


def test_conflicts_too_large_to_judge_are_not_reported():
	big = BIG
	assert codes([draft("A", big), draft("B", None, who="case.leadAttorney")]) == []


# ------------------------------------------------------------------------------------ the whole
def test_invalid_rules_are_listed_with_their_problems():
	found = check_rules(
		[{"ruleName": " Old ", "trigger": "nope", "actions": []}, ["not a rule"], {"ruleName": 5}]
	)
	assert [(f.rule, f.code, [p.code for p in f.problems]) for f in found] == [
		("Old", "invalid_rule", ["unknown_trigger", "required"]),
		("#2", "invalid_rule", ["not_an_object"]),
		("#3", "invalid_rule", ["not_text", "required", "required"]),
	]


def test_findings_come_rule_by_rule_in_the_order_given():
	dead = rule("Dead", {"all": [{"document.type": "RFE"}, {"document.type": "NOID"}]})
	broken = {"ruleName": "Broken"}
	upload = rule("Upload", {"document.type": "RFE"}, trigger="portal.upload")
	assert [f.rule for f in check_rules([RFE_AOS, broken, upload, dead, RFE_STOP], SITE)] == [
		"RFE AOS",
		"Broken",
		"Upload",
		"Upload",
		"Dead",
	]


def test_involving_picks_a_rules_own_findings_and_those_it_causes():
	found = check_rules([RFE_AOS, RFE_STOP, rule("Dead", {"case.priority": "Nope"})], SITE)
	assert [f.rule for f in involving(found, "RFE first")] == ["RFE AOS"]
	assert [f.code for f in involving(found, "Dead")] == ["never_fires", "impossible_value"]
	assert check_rules([]) == []


# ----------------------------------------------------------------------------------- properties
TYPES = st.sampled_from(["RFE", "NOID", "Receipt"])
LEAVES = st.one_of(
	st.builds(lambda v: {"document.type": v}, TYPES),
	st.builds(lambda v: {"document.type": {"not_equals": v}}, TYPES),
	st.builds(lambda vs: {"document.type": {"in": vs}}, st.lists(TYPES, min_size=1, max_size=2)),
	st.builds(lambda n: {"case.open_tasks": {"gt": n}}, st.integers(0, 3)),
	st.builds(lambda n: {"case.open_tasks": {"lte": n}}, st.integers(0, 3)),
	st.just({"case.open_tasks": {"is_set": True}}),
	st.builds(lambda t: {"case.case_title": {"contains": t}}, st.sampled_from(["a", "ab", "b"])),
)
TREES = st.recursive(
	LEAVES,
	lambda inner: st.one_of(
		st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
		st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
		st.builds(lambda x: {"not": x}, inner),
	),
	max_leaves=6,
)
WORLD = [
	{"document.notice_type": t, "case.open_tasks": n, "case.case_title": title}
	for t in ("RFE", "NOID", "Receipt", None)
	for n in (None, 0, 1, 2, 2.5, 3, 4)
	for title in (None, "a", "b", "ab", "ba", "xyz")
]


@settings(max_examples=150, deadline=None)
@given(TREES)
def test_property_never_fires_exactly_when_no_event_satisfies_the_tree(tree):
	"""Against brute force over a world holding a witness for every satisfiable tree of these leaves."""
	node = C.parse(tree, "document.received")[0]
	possible = any(node.evaluate(facts, {})[0] for facts in WORLD)
	solver = K._Solver("document.received", SITE)
	assert solver.satisfiable(node) is possible


@settings(max_examples=60, deadline=None)
@given(TREES, TREES)
def test_property_shadowed_means_every_event_for_the_rule_stops_at_the_other(first, second):
	found = check_rules(
		[rule("Second", second), rule("First", first, priority=1, stopProcessing=True)], Vocabulary()
	)
	if any(f.code == "shadowed" for f in found):
		a, b = (C.parse(t, "document.received")[0] for t in (first, second))
		assert all(a.evaluate(facts, {})[0] for facts in WORLD if b.evaluate(facts, {})[0])
