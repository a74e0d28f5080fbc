"""The KPIs' arithmetic on the database's counts: periods of a trend, ratios, folding grouped cells."""

from __future__ import annotations

import datetime as dt

import pytest

from legist_routing.engine import kpi as K

D = dt.date


@pytest.mark.parametrize(
	("grain", "day", "start"),
	[
		("Day", D(2026, 3, 18), D(2026, 3, 18)),
		("Week", D(2026, 3, 18), D(2026, 3, 16)),  # a Wednesday: its Monday
		("Week", D(2026, 3, 16), D(2026, 3, 16)),
		("Week", D(2026, 1, 1), D(2025, 12, 29)),  # across the year
		("Month", D(2026, 3, 31), D(2026, 3, 1)),
		("Quarter", D(2026, 8, 15), D(2026, 7, 1)),
		("Quarter", D(2026, 3, 31), D(2026, 1, 1)),
		("Year", D(2026, 8, 15), D(2026, 1, 1)),
	],
)
def test_period_start(grain, day, start):
	assert K.period_start(day, grain) == start


def test_unknown_grain_is_refused():
	with pytest.raises(ValueError, match="Fortnight"):
		K.period_start(D(2026, 3, 1), "Fortnight")


def test_periods_cover_the_range_with_empty_ones_included():
	assert K.periods(D(2026, 3, 4), D(2026, 3, 20), "Week") == [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)]
	assert K.periods(D(2025, 11, 30), D(2026, 2, 1), "Month") == [
		D(2025, 11, 1),
		D(2025, 12, 1),
		D(2026, 1, 1),
		D(2026, 2, 1),
	]
	assert K.periods(D(2025, 12, 31), D(2026, 1, 2), "Day") == [D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 2)]
	assert K.periods(D(2025, 11, 1), D(2026, 4, 1), "Quarter") == [
		D(2025, 10, 1),
		D(2026, 1, 1),
		D(2026, 4, 1),
	]
	assert K.periods(D(2024, 6, 1), D(2026, 1, 1), "Year") == [D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)]
	assert K.periods(D(2026, 3, 5), D(2026, 3, 5), "Month") == [D(2026, 3, 1)]
	assert K.periods(D(2026, 3, 5), D(2026, 3, 4), "Week") == []


def test_ratio_and_hours_never_divide_by_zero():
	assert K.ratio(3, 4) == 0.75
	assert K.ratio(0, 4) == 0
	assert K.ratio(0, 0) is None
	assert K.ratio(5, 0) is None
	assert K.hours(12.345) == 12.35
	assert K.hours(None) is None


CELLS = [
	{"created": D(2026, 3, 2), "deadline": D(2026, 3, 9), "due": 2, "ok": 1, "missed": 1},
	{"created": D(2026, 3, 2), "deadline": None, "due": 1, "ok": 1, "missed": 0},
	{"created": None, "deadline": D(2026, 3, 9), "due": 0, "ok": 0, "missed": 2},
	{"created": D(2026, 3, 9), "deadline": D(2026, 3, 2), "due": 3, "ok": None, "missed": 0},
]
WEEKS = [D(2026, 3, 2), D(2026, 3, 9), D(2026, 3, 16)]


def test_fold_sums_each_period_and_the_whole():
	created = K.fold(CELLS, "created", ("due", "ok"))
	assert created[None] == {"due": 6, "ok": 2}  # the cell outside the creation cohort is left out
	assert created[D(2026, 3, 2)] == {"due": 3, "ok": 2}
	assert created[D(2026, 3, 9)] == {"due": 3, "ok": 0}
	deadline = K.fold(CELLS, "deadline", ("missed",))
	assert deadline == {None: {"missed": 3}, D(2026, 3, 9): {"missed": 3}, D(2026, 3, 2): {"missed": 0}}
	assert K.fold([], "created", ("due",)) == {None: {"due": 0}}


def test_rate_and_count():
	created = K.fold(CELLS, "created", ("due", "ok"))
	rate = K.rate("acknowledgement_rate", created, "ok", "due", WEEKS)
	assert (rate.value, rate.numerator, rate.denominator, rate.unit) == (2 / 6, 2, 6, "%")
	assert rate.trend == (2 / 3, 0, None)  # no cell for the third week: nothing to measure
	deadline = K.fold(CELLS, "deadline", ("missed", "due"))
	count = K.count("missed_deadlines", deadline, "missed", "due", WEEKS, parent="x")
	assert (count.value, count.denominator, count.trend, count.parent, count.unit) == (
		3,
		5,
		(0, 3, 0),
		"x",
		"",
	)
	bare = K.count("untold", K.fold([], "deadline", ("missed",)), "missed", None, WEEKS)
	assert (bare.value, bare.denominator, bare.trend) == (0, 0, (0, 0, 0))
	empty = K.rate("r", K.fold([], "created", ("ok", "due")), "ok", "due", WEEKS)
	assert (empty.value, empty.trend) == (None, (None, None, None))
