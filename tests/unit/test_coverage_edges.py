"""Edges of the engine's wording helpers that the feature tests do not reach."""

from __future__ import annotations

import datetime as dt

from legist_routing.engine import deadlines, escalation, versions


def test_a_date_deadline_in_the_summary_counts_to_the_end_of_that_day():
	code = escalation._moment_code(dt.date(2026, 6, 3), dt.datetime(2026, 6, 3, 12))
	assert code["ahead"] is True and code["at"] == dt.date(2026, 6, 3)


def test_a_basis_part_of_an_unknown_code_adds_nothing():
	assert deadlines.basis_text([("unknown", {})]) == ""


def test_two_missing_values_are_no_change():
	assert versions.changes(versions._MISSING, versions._MISSING, "x") == []
