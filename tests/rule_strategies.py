"""Hypothesis strategies for routing rules, shared by the engine's fuzz test (tests/unit) and the import
API's over HTTP (tests/integration): valid rules, the same with one part broken, and JSON of any kind.

Imported by putting this folder on ``sys.path`` (the suites have no package of their own).
"""

from __future__ import annotations

import copy

from hypothesis import strategies as st

from legist_routing.engine import conditions as C
from legist_routing.engine import facts as F
from legist_routing.engine.rules import RULE_KEYS

# Text of every kind: control characters, broken Unicode (lone surrogates), markup, very long.
TEXT = st.one_of(
	st.text(st.characters(exclude_categories=()), max_size=30),
	st.sampled_from(
		[
			"",
			" ",
			"<b>x</b>",
			"<script>alert(1)</script>",
			"x" * 141,
			"\ud800",
			"a\x00b",
			"NaN",
			"Règle",
			"😀",
		]
	),
)
SCALARS = st.one_of(
	st.none(),
	st.booleans(),
	st.integers(),
	st.integers(min_value=10**300, max_value=10**400),
	st.floats(allow_nan=True, allow_infinity=True),
	TEXT,
)
JSON = st.recursive(
	SCALARS,
	lambda inner: st.one_of(
		st.lists(inner, max_size=4),
		st.dictionaries(st.one_of(TEXT, st.sampled_from(RULE_KEYS)), inner, max_size=4),
	),
	max_leaves=12,
)

# ------------------------------------------------------------------------------------ valid rules
NAME = st.text(
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-", min_size=1, max_size=40
).filter(lambda s: s.strip())
VALID_LEAF = st.one_of(
	st.builds(lambda v: {"document.type": v}, st.sampled_from(["RFE", "NOID", "Receipt", "Interview"])),
	st.builds(
		lambda vs: {"case.priority": {"in": vs}},
		st.lists(st.sampled_from(["Urgent", "High", "Low"]), min_size=1),
	),
	st.builds(lambda n: {"case.open_tasks": {"gt": n}}, st.integers(0, 10)),
	st.builds(lambda d: {"document.response_due_date": {"before": d.isoformat()}}, st.dates()),
	st.just({"case.lead_attorney": {"is_set": True}}),
	st.builds(lambda t: {"fact": "case.client_name", "op": "contains", "value": t}, NAME),
)
VALID_CONDITIONS = st.recursive(
	VALID_LEAF,
	lambda inner: st.one_of(
		st.builds(lambda xs: {"all": xs}, st.lists(inner, min_size=1, max_size=3)),
		st.builds(lambda xs: {"any": xs}, st.lists(inner, min_size=1, max_size=3)),
		st.builds(lambda x: {"not": x}, inner),
	),
	max_leaves=5,
)
VALID_ACTION = st.one_of(
	st.fixed_dictionaries(
		{"assign": st.sampled_from(["case.primaryParalegal", "case.leadAttorney", "operations.manager"])},
		optional={
			"dueInDays": st.integers(0, 365),
			"acknowledgeWithinHours": st.integers(0, 8760),
			"task": NAME,
		},
	),
	st.fixed_dictionaries(
		{"notify": st.sampled_from(["case.leadAttorney", ["case.leadAttorney", "operations.manager"]])},
		optional={
			"method": st.sampled_from(["inApp", "email", "both"]),
			"notifyWithinHours": st.integers(0, 48),
		},
	),
	st.fixed_dictionaries({"createTask": NAME}, optional={"dueDaysBeforeDeadline": st.integers(0, 60)}),
)
VALID_RULE = st.fixed_dictionaries(
	{
		"ruleName": NAME,
		"trigger": st.just("document.received"),
		"actions": st.lists(VALID_ACTION, min_size=1, max_size=3),
	},
	optional={
		"conditions": VALID_CONDITIONS,
		"escalation": st.fixed_dictionaries(
			{"ifNotAcknowledgedHours": st.integers(1, 8760)},
			optional={"escalateTo": st.sampled_from(["operations.manager", "case.leadAttorney"])},
		),
		"priority": st.integers(-1000, 1000),
		"enabled": st.booleans(),
		"stopProcessing": st.booleans(),
		"description": NAME,
	},
)


@st.composite
def broken_rule(draw) -> dict:
	"""A valid rule with one part (a key, an action's key, a condition) replaced by anything at all."""
	data = copy.deepcopy(draw(VALID_RULE))
	where = draw(st.sampled_from(["rule", "action", "condition"]))
	if where == "action":
		action = draw(st.sampled_from(data["actions"]))
		action[draw(st.sampled_from([*action, "dueInDays", "team", "templateId"]))] = draw(JSON)
	elif where == "condition":
		data["conditions"] = {
			draw(st.sampled_from([*F.FACTS, "case.prority"])): {
				draw(st.sampled_from(list(C.OPERATORS))): draw(JSON)
			}
		}
	else:
		data[draw(st.sampled_from(RULE_KEYS))] = draw(JSON)
	return data


ANY_RULE = st.one_of(VALID_RULE, broken_rule(), JSON)
