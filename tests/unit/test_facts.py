"""The fact vocabulary: canonical paths, the guide's aliases, and availability per trigger."""

from __future__ import annotations

import pytest

from legist_routing.engine import facts as F
from legist_routing.engine.problems import Problem

ROOTS_TEXT = "appointment., case., deadline., document., operations., task."


# ------------------------------------------------------------------------------------ canonical
@pytest.mark.parametrize(
	("written", "expected"),
	[
		# the guide's own names
		("case.type", "case.case_type"),
		("document.type", "document.notice_type"),
		("case.primaryParalegal", "case.primary_paralegal"),
		("case.leadAttorney", "case.lead_attorney"),
		("operations.manager", "operations.manager"),
		# canonical paths stay as they are
		("case.priority", "case.priority"),
		("document.response_due_date", "document.response_due_date"),
		# other aliases and camelCase spellings
		("case.language", "case.preferred_language"),
		("case.deadline", "case.hard_deadline"),
		("document.due_date", "document.response_due_date"),
		("document.dueDate", "document.response_due_date"),
		("task.assignee", "task.assigned_to"),
		("case.nextUscisDeadline", "case.next_uscis_deadline"),
		("operations.operationsManager", "operations.manager"),
		("deadline.daysLeft", "deadline.days_left"),
	],
)
def test_canonical_maps_every_accepted_spelling(written, expected):
	assert F.canonical(written) == expected


@pytest.mark.parametrize(
	"written", ["case.prority", "case", "client.name", "", "CASE.TYPE.X", None, 5, ["case.type"]]
)
def test_canonical_is_none_for_unknown_paths_and_non_text(written):
	assert F.canonical(written) is None


def test_vocabulary_is_consistent():
	assert all(target in F.FACTS for target in F.ALIASES.values())
	assert all(F.FACTS[path] == F.USER for path in F.RECIPIENT_FACTS)
	assert "case.lead_attorney" in F.RECIPIENT_FACTS and "case.priority" not in F.RECIPIENT_FACTS
	assert all(F.FACTS[slot] == F.USER for slot in F.ROLE_SLOTS.values())
	for roots in F.TRIGGERS.values():
		assert "case" in roots and "operations" in roots
	assert F.ORDERED == {F.NUMBER, F.DATE, F.DATETIME}


# ----------------------------------------------------------------------------------- check_fact
def test_check_fact_resolves_an_alias_and_keeps_the_written_spelling():
	ref, problems = F.check_fact("case.type", "conditions.case.type", "document.received")
	assert problems == []
	assert ref == F.FactRef(path="case.case_type", written="case.type", type=F.TEXT)


@pytest.mark.parametrize(
	("path", "type_"),
	[
		("case.open_tasks", F.NUMBER),
		("document.response_due_date", F.DATE),
		("document.appointment_at", F.DATETIME),
		("case.primaryParalegal", F.USER),
	],
)
def test_check_fact_reports_the_fact_type(path, type_):
	ref, problems = F.check_fact(path, "x", "deadline.approaching")
	assert problems == [] and ref.type == type_


@pytest.mark.parametrize("path", ["", None, 7])
def test_check_fact_requires_text(path):
	ref, problems = F.check_fact(path, "conditions[0].fact", None)
	assert ref is None
	assert problems == [Problem("conditions[0].fact", "not_text")]
	assert str(problems[0]) == "conditions[0].fact: must be text"


@pytest.mark.parametrize("path", ["priority", "client.name", "case."])
def test_check_fact_unknown_root(path):
	ref, (problem,) = F.check_fact(path, "where", None)
	assert ref is None
	assert problem.code == "unknown_fact_root"
	assert str(problem) == f"where: unknown fact '{path}'; facts start with {ROOTS_TEXT}"


def test_check_fact_unknown_field_suggests_the_closest_field():
	ref, (problem,) = F.check_fact("case.prority", "conditions.case.prority", None)
	assert ref is None
	assert str(problem) == "conditions.case.prority: unknown field 'prority'; did you mean 'priority'?"


def test_check_fact_unknown_field_suggests_guide_aliases_too():
	_, (problem,) = F.check_fact("document.typ", "w", None)
	assert problem.message == "unknown field 'typ'; did you mean 'type'?"


def test_check_fact_unknown_field_without_a_close_match_has_no_hint():
	_, (problem,) = F.check_fact("case.zzzzqqq", "w", None)
	assert problem.message == "unknown field 'zzzzqqq'"


def test_check_fact_not_available_for_the_trigger():
	ref, (problem,) = F.check_fact("document.type", "conditions.document.type", "case.created")
	assert ref is None
	assert problem.code == "fact_not_available"
	assert str(problem) == (
		"conditions.document.type: 'document.type' is not available for trigger 'case.created' "
		"(available: case., operations.)"
	)


@pytest.mark.parametrize(
	("trigger", "path", "available"),
	[
		("case.created", "case.priority", True),
		("case.created", "operations.manager", True),
		("case.status_changed", "task.status", False),
		("document.received", "document.notice_type", True),
		("document.received", "deadline.days_left", False),
		("portal.upload", "document.name", True),
		("task.status_changed", "task.status", True),
		("task.status_changed", "document.notice_type", False),
		("deadline.approaching", "deadline.days_left", True),
		("deadline.approaching", "document.response_due_date", True),
		("deadline.approaching", "task.title", False),
	],
)
def test_availability_per_trigger(trigger, path, available):
	ref, problems = F.check_fact(path, "w", trigger)
	assert (ref is not None) is available
	assert bool(problems) is not available


@pytest.mark.parametrize("trigger", [None, "no.such.trigger"])
def test_without_a_known_trigger_every_fact_is_readable(trigger):
	ref, problems = F.check_fact("task.status", "w", trigger)
	assert problems == [] and ref.path == "task.status"


@pytest.mark.parametrize(
	("path", "written"),
	[
		("case.lead_attorney", "case.leadAttorney"),
		("case.primary_paralegal", "case.primaryParalegal"),
		("case.next_uscis_deadline", "case.nextUscisDeadline"),
		("operations.manager", "operations.manager"),
	],
)
def test_camel_spells_paths_the_way_the_guide_does_and_canonical_reads_them_back(path, written):
	assert F.camel(path) == written
	assert F.canonical(written) == path
