"""Two versions compared: fields side by side, and the paths inside them that changed."""

from __future__ import annotations

from legist_routing.engine.versions import changed_fields, changes, compare

V1 = {
	"ruleName": "RFE_Adjustment_Assign",
	"trigger": "document.received",
	"conditions": {"all": [{"fact": "document.type", "op": "eq", "value": "RFE"}, {"case.type": "AOS"}]},
	"actions": [{"assign": "case.primaryParalegal", "dueInDays": 3}],
}


def test_the_same_version_has_no_changes():
	assert changes(V1, V1) == []
	assert all(not f["changed"] and f["changes"] == [] for f in compare(V1, V1))


def test_a_changed_condition_is_named_by_its_path():
	v2 = {
		**V1,
		"conditions": {"all": [{"fact": "document.type", "op": "eq", "value": "NOID"}, {"case.type": "AOS"}]},
	}
	diff = {f["field"]: f for f in compare(V1, v2, ("ruleName", "trigger", "conditions", "actions"))}
	assert [f for f, d in diff.items() if d["changed"]] == ["conditions"]
	assert diff["conditions"]["changes"] == [
		{"path": "conditions.all[0].value", "kind": "changed", "before": "RFE", "after": "NOID"}
	]
	assert (
		diff["conditions"]["before"] == V1["conditions"] and diff["conditions"]["after"] == v2["conditions"]
	)


def test_a_dotted_fact_key_is_quoted_in_the_path():
	v2 = {**V1, "conditions": {"all": [V1["conditions"]["all"][0], {"case.type": "Naturalization"}]}}
	assert changes(V1["conditions"], v2["conditions"], "conditions") == [
		{
			"path": 'conditions.all[1]["case.type"]',
			"kind": "changed",
			"before": "AOS",
			"after": "Naturalization",
		}
	]


def test_added_and_removed_items_and_keys():
	v2 = {
		**V1,
		"actions": [{"assign": "case.primaryParalegal"}, {"notify": "case.leadAttorney"}],
		"priority": 5,
	}
	found = changes(V1, v2)
	assert {"path": "actions[0].dueInDays", "kind": "removed", "before": 3, "after": None} in found
	assert {
		"path": "actions[1]",
		"kind": "added",
		"before": None,
		"after": {"notify": "case.leadAttorney"},
	} in found
	assert {"path": "priority", "kind": "added", "before": None, "after": 5} in found
	assert changed_fields(V1, v2) == ["actions", "priority"]


def test_a_leaf_that_became_a_group_is_one_change():
	v2 = {**V1, "conditions": {"case.type": "AOS"}}
	found = changes({"c": V1["conditions"]}, {"c": v2["conditions"]})
	assert {"path": "c.all", "kind": "removed", "before": V1["conditions"]["all"], "after": None} in found
	assert changes({"x": "a"}, {"x": ["a"]}) == [
		{"path": "x", "kind": "changed", "before": "a", "after": ["a"]}
	]


def test_true_is_not_one_but_one_is_one_point_zero():
	assert changes({"x": True}, {"x": 1}) != []
	assert changes({"x": 1}, {"x": 1.0}) == []


def test_compare_keeps_the_given_order_then_the_rest():
	fields = [f["field"] for f in compare({"b": 1, "z": 1}, {"a": 1, "b": 2}, ("b", "a", "missing"))]
	assert fields == ["b", "a", "z"]


def test_a_first_version_changes_no_field():
	assert changed_fields(None, V1) == []
