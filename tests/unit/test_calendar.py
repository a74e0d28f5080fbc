"""The business calendar: federal holidays, open windows, business and elapsed clocks, DST."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legist_routing.engine import calendar as C
from legist_routing.engine.calendar import (
	BusinessCalendar,
	WeeklyHours,
	add_business_hours,
	add_calendar_hours,
	business_hours_between,
	from_utc,
	is_open_at,
	is_open_day,
	make_calendar,
	next_open_day,
	open_windows,
	previous_open_day,
	subtract_business_hours,
	to_utc,
	us_federal_holidays,
)

D = dt.date
T = dt.time
UTC = dt.timezone.utc


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
	return dt.datetime(y, m, d, hh, mm)


NY = make_calendar()  # Mon-Fri 09:00-17:00, America/New_York, federal holidays 2020-2035
SPLIT = make_calendar(hours={d: ((T(9), T(12)), (T(13), T(17))) for d in range(5)})  # lunch closed
ALWAYS = make_calendar(hours={d: ((T(0), T(0)),) for d in range(7)}, federal_holidays=False)  # 24/7
SEVEN_DAYS = make_calendar(hours={d: ((T(9), T(17)),) for d in range(7)}, federal_holidays=False)


# --------------------------------------------------------------------------------- federal holidays
def test_federal_holidays_2026_with_the_observed_independence_day():
	days = us_federal_holidays([2026])
	assert days[D(2026, 7, 4)] == "Independence Day"  # a Saturday
	assert "observed" in days[D(2026, 7, 3)]  # so Friday July 3 is the day off
	assert days[D(2026, 11, 26)] == "Thanksgiving"
	assert D(2026, 11, 27) not in days  # the day after Thanksgiving is not federal
	assert D(2026, 4, 20) not in days  # Patriots' Day is a state holiday, not federal
	assert len(days) == 12  # eleven federal holidays + one observed day
	assert list(days) == sorted(days)


def test_christmas_2027_falls_on_saturday_and_is_observed_friday_december_24():
	days = us_federal_holidays(2027)
	assert days[D(2027, 12, 25)] == "Christmas Day"
	assert "observed" in days[D(2027, 12, 24)]
	assert "observed" in days[D(2027, 7, 5)]  # July 4 2027 is a Sunday -> Monday
	assert "observed" in days[D(2027, 6, 18)]  # Juneteenth 2027 is a Saturday -> Friday
	# New Year's Day 2028 is a Saturday: observed Friday Dec 31 2027, inside year 2027.
	assert "New Year" in days[D(2027, 12, 31)]


def test_federal_holidays_of_no_years_is_empty():
	assert us_federal_holidays([]) == {}


def test_make_calendar_merges_firm_closures_with_federal_holidays():
	cal = make_calendar(closures=[D(2026, 12, 24), "2026-12-31", dt.datetime(2026, 8, 14, 10)])
	assert {D(2026, 12, 24), D(2026, 12, 31), D(2026, 8, 14), D(2026, 7, 3), D(2026, 12, 25)} <= cal.closed
	plain = make_calendar(closures=[D(2026, 12, 24)], federal_holidays=False)
	assert plain.closed == frozenset({D(2026, 12, 24)})


def test_make_calendar_years_limit_the_holidays():
	cal = make_calendar(years=[2026])
	assert D(2026, 7, 3) in cal.closed
	assert D(2027, 12, 24) not in cal.closed


def test_make_calendar_defaults_to_weekdays_nine_to_five_in_new_york():
	for hours in (None, {}):
		cal = make_calendar(hours=hours, federal_holidays=False)
		assert cal.time_zone == "America/New_York"
		assert dict(cal.hours) == {d: ((T(9), T(17)),) for d in range(5)}
	assert make_calendar(time_zone="", federal_holidays=False).time_zone == "America/New_York"


def test_closure_that_is_not_a_date_is_refused():
	with pytest.raises(ValueError, match="not a date"):
		make_calendar(closures=["next tuesday"])
	with pytest.raises(ValueError, match="not a date"):
		make_calendar(closures=[42])


# ------------------------------------------------------------------------------------ construction
def test_calendar_accepts_frappe_shapes_of_hours():
	"""Weekday names, "HH:MM" strings, the timedelta MariaDB returns for Time fields, one bare pair."""
	cal = BusinessCalendar(
		hours={
			"Monday": [("09:00", "12:00"), (dt.timedelta(hours=13), dt.timedelta(hours=17, minutes=30))],
			"tue": (T(8), T(16)),
			2: ((dt.datetime(2026, 1, 1, 10), "24:00"),),
			3: None,
		},
		closed=["2026-07-03"],
	)
	assert cal.hours[0] == ((T(9), T(12)), (T(13), T(17, 30)))
	assert cal.hours[1] == ((T(8), T(16)),)
	assert cal.hours[2] == ((T(10), T(0)),)  # 24:00 is stored as a midnight end
	assert 3 not in cal.hours and cal.hours.get(3, ()) == ()
	assert cal.closed == frozenset({D(2026, 7, 3)})
	assert len(cal.hours) == 3
	assert "WeeklyHours" in repr(cal.hours)


def test_windows_are_sorted_whatever_order_they_come_in():
	cal = BusinessCalendar(hours={0: ((T(13), T(17)), (T(9), T(12)))})
	assert cal.hours[0] == ((T(9), T(12)), (T(13), T(17)))


def test_timedelta_of_24_hours_is_a_midnight_end():
	cal = BusinessCalendar(hours={0: ((dt.timedelta(hours=20), dt.timedelta(hours=24)),)})
	assert cal.hours[0] == ((T(20), T(0)),)


@pytest.mark.parametrize(
	("hours", "message"),
	[
		({0: ((T(9), T(12)), (T(11), T(17)))}, "overlap"),
		({0: ((T(17), T(9)),)}, "must open before it closes"),
		({0: ((T(9), T(9)),)}, "must open before it closes"),
		({0: ((T(9), T(12), T(13)),)}, "each window is"),
		({0: (("nine", "five"),)}, "not a time of day"),
		({0: ((dt.timedelta(hours=25), T(12)),)}, "not a time of day"),
		({0: ((3.5, T(12)),)}, "not a time of day"),
		({7: ((T(9), T(17)),)}, "not a weekday"),
		({"Mo": ((T(9), T(17)),)}, "not a weekday"),
		({True: ((T(9), T(17)),)}, "not a weekday"),
		({5: ()}, "no open window"),
	],
)
def test_bad_hours_are_refused_with_a_reason(hours, message):
	with pytest.raises(ValueError, match=message):
		BusinessCalendar(hours=hours)


def test_unknown_time_zone_is_refused():
	with pytest.raises(ValueError, match="not an IANA time zone"):
		BusinessCalendar(time_zone="Mars/Olympus_Mons")
	with pytest.raises(ValueError, match="not an IANA time zone"):
		BusinessCalendar(time_zone="../etc/passwd")


def test_calendar_is_hashable_comparable_and_picklable():
	"""The services cache calendars (in memory and, possibly, in Redis)."""
	again = make_calendar()
	assert again == NY and hash(again) == hash(NY)
	assert pickle.loads(pickle.dumps(NY)) == NY
	assert NY != SPLIT
	assert NY.hours == {d: ((T(9), T(17)),) for d in range(5)}
	assert NY.hours != {0: "rubbish"}
	assert NY.hours != "rubbish"
	assert NY.zone.key == "America/New_York"


def test_weekly_hours_lookup_of_a_day_without_windows_raises_key_error():
	hours = WeeklyHours({0: ((T(9), T(17)),)})
	with pytest.raises(KeyError):
		hours[5]
	with pytest.raises(KeyError):
		hours[9]
	assert hours.windows(5) == ()
	assert list(hours) == [0]


# ------------------------------------------------------------------------------------- open days
def test_open_days_skip_weekends_holidays_and_closures():
	cal = make_calendar(closures=[D(2026, 8, 14)])
	assert is_open_day(cal, D(2026, 7, 2))  # Thursday
	assert not is_open_day(cal, D(2026, 7, 3))  # Independence Day observed
	assert not is_open_day(cal, D(2026, 7, 4))  # Saturday
	assert not is_open_day(cal, D(2026, 8, 14))  # firm closure
	assert is_open_day(cal, dt.datetime(2026, 8, 13, 23, 59))  # datetimes are read as their day
	assert is_open_day(SEVEN_DAYS, D(2026, 7, 4))  # a Saturday with hours


def test_previous_and_next_open_day_around_independence_day_2026():
	assert previous_open_day(NY, D(2026, 7, 4)) == D(2026, 7, 2)  # Sat -> Fri holiday -> Thu
	assert next_open_day(NY, D(2026, 7, 3)) == D(2026, 7, 6)
	assert previous_open_day(NY, D(2026, 7, 2)) == D(2026, 7, 2)  # open: itself
	assert next_open_day(NY, dt.datetime(2026, 7, 2, 18)) == D(2026, 7, 2)


def test_previous_and_next_open_day_around_christmas_2027():
	assert previous_open_day(NY, D(2027, 12, 25)) == D(2027, 12, 23)
	assert next_open_day(NY, D(2027, 12, 24)) == D(2027, 12, 27)
	assert previous_open_day(NY, dt.datetime(2027, 12, 24, 9)) == D(2027, 12, 23)
	assert next_open_day(NY, D(2027, 12, 31)) == D(2028, 1, 3)  # New Year 2028 observed Dec 31


def test_open_windows_and_is_open_at():
	assert open_windows(SPLIT, D(2026, 6, 1)) == [
		(at(2026, 6, 1, 9), at(2026, 6, 1, 12)),
		(at(2026, 6, 1, 13), at(2026, 6, 1, 17)),
	]
	assert open_windows(SPLIT, D(2026, 6, 6)) == []
	assert open_windows(ALWAYS, D(2026, 6, 6)) == [(at(2026, 6, 6), at(2026, 6, 7))]
	assert is_open_at(SPLIT, at(2026, 6, 1, 9))
	assert not is_open_at(SPLIT, at(2026, 6, 1, 12))  # windows are half-open
	assert not is_open_at(SPLIT, at(2026, 6, 1, 12, 30))
	assert is_open_at(SPLIT, at(2026, 6, 1, 16, 59))
	assert not is_open_at(NY, at(2026, 7, 3, 10))  # holiday
	assert is_open_at(NY, dt.datetime(2026, 6, 1, 14, tzinfo=UTC))  # 10:00 in New York


def test_non_datetime_moment_is_a_type_error():
	with pytest.raises(TypeError):
		is_open_at(NY, D(2026, 6, 1))


# ---------------------------------------------------------------------------------- business clock
@pytest.mark.parametrize(
	("start", "hours", "expected"),
	[
		(at(2026, 6, 1, 10), 3, at(2026, 6, 1, 13)),
		(at(2026, 6, 1, 9), 8, at(2026, 6, 1, 17)),  # exhausting a window ends at its close
		(at(2026, 6, 1, 16), 2, at(2026, 6, 2, 10)),
		(at(2026, 6, 1, 7), 1, at(2026, 6, 1, 10)),  # before opening: counting starts at 09:00
		(at(2026, 6, 1, 19), 1, at(2026, 6, 2, 10)),  # after closing: the next morning
		(at(2026, 6, 5, 16), 2, at(2026, 6, 8, 10)),  # over a weekend
		(at(2026, 6, 6, 12), 1, at(2026, 6, 8, 10)),  # starting on a Saturday
		(at(2026, 6, 1, 10), 0.25, at(2026, 6, 1, 10, 15)),
		(at(2026, 6, 1, 10), 40, at(2026, 6, 8, 10)),  # a whole working week
		(at(2026, 7, 2, 15), 4, at(2026, 7, 6, 11)),  # over Friday July 3 2026 (observed holiday)
		(at(2027, 12, 23, 16), 2, at(2027, 12, 27, 10)),  # over observed Christmas 2027 and the weekend
	],
)
def test_add_business_hours(start, hours, expected):
	assert add_business_hours(NY, start, hours) == expected


def test_twenty_four_business_hours_from_the_wednesday_before_thanksgiving():
	"""Wed 10-17 (7h), Thanksgiving closed, Fri 8h (15), weekend, Mon 8h (23), Tue 9-10 (24)."""
	start = at(2026, 11, 25, 10)
	end = add_business_hours(NY, start, 24)
	assert end == at(2026, 12, 1, 10)
	assert business_hours_between(NY, start, end) == 24
	assert subtract_business_hours(NY, end, 24) == start


def test_zero_hours_moves_to_the_next_opening_only_when_closed():
	assert add_business_hours(NY, at(2026, 6, 1, 10, 30), 0) == at(2026, 6, 1, 10, 30)
	assert add_business_hours(NY, at(2026, 6, 1, 9), 0) == at(2026, 6, 1, 9)
	assert add_business_hours(NY, at(2026, 6, 1, 17), 0) == at(2026, 6, 2, 9)  # 17:00 is closed
	assert add_business_hours(NY, at(2026, 6, 6, 11), 0) == at(2026, 6, 8, 9)
	assert add_business_hours(NY, at(2026, 7, 3, 11), 0) == at(2026, 7, 6, 9)


def test_several_windows_per_day_skip_the_lunch_break():
	assert add_business_hours(SPLIT, at(2026, 6, 1, 11), 2) == at(2026, 6, 1, 14)
	assert add_business_hours(SPLIT, at(2026, 6, 1, 11), 1) == at(2026, 6, 1, 12)  # ends at the break
	assert add_business_hours(SPLIT, at(2026, 6, 1, 12, 30), 0) == at(2026, 6, 1, 13)
	assert add_business_hours(SPLIT, at(2026, 6, 1, 12), 0) == at(2026, 6, 1, 13)
	assert add_business_hours(SPLIT, at(2026, 6, 1, 9), 8) == at(2026, 6, 2, 10)  # 7 open hours a day
	assert business_hours_between(SPLIT, at(2026, 6, 1, 8), at(2026, 6, 1, 18)) == 7
	assert business_hours_between(SPLIT, at(2026, 6, 1, 11, 30), at(2026, 6, 1, 13, 30)) == 1
	assert subtract_business_hours(SPLIT, at(2026, 6, 1, 14), 2) == at(2026, 6, 1, 11)
	assert subtract_business_hours(SPLIT, at(2026, 6, 1, 12, 30), 0) == at(2026, 6, 1, 12)


@pytest.mark.parametrize(
	("end", "hours", "expected"),
	[
		(at(2026, 6, 2, 10), 2, at(2026, 6, 1, 16)),
		(at(2026, 6, 2, 17), 8, at(2026, 6, 2, 9)),  # exactly one window back: its opening
		(at(2026, 6, 2, 9), 8, at(2026, 6, 1, 9)),
		(at(2026, 6, 8, 9), 0, at(2026, 6, 5, 17)),  # Monday 09:00 is the start of a window
		(at(2026, 6, 8, 10), 0, at(2026, 6, 8, 10)),
		(at(2026, 6, 6, 12), 1, at(2026, 6, 5, 16)),  # from a Saturday
		(at(2026, 7, 6, 10), 2, at(2026, 7, 2, 16)),  # back over the observed July 3
	],
)
def test_subtract_business_hours(end, hours, expected):
	assert subtract_business_hours(NY, end, hours) == expected


def test_negative_hours_count_the_other_way():
	assert add_business_hours(NY, at(2026, 6, 2, 10), -2) == at(2026, 6, 1, 16)
	assert subtract_business_hours(NY, at(2026, 6, 1, 16), -2) == at(2026, 6, 2, 10)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "soon", None, True])
def test_hours_must_be_a_finite_number(bad):
	with pytest.raises(ValueError, match="finite number"):
		add_business_hours(NY, at(2026, 6, 1, 10), bad)
	with pytest.raises(ValueError, match="finite number"):
		add_calendar_hours(NY, at(2026, 6, 1, 10), bad)


def test_numeric_text_hours_are_accepted():
	"""Values read from a Data field or JSON as text."""
	assert add_business_hours(NY, at(2026, 6, 1, 10), "2") == at(2026, 6, 1, 12)


def test_business_hours_between():
	assert business_hours_between(NY, at(2026, 6, 5, 16), at(2026, 6, 8, 10)) == 2
	assert business_hours_between(NY, at(2026, 6, 8, 10), at(2026, 6, 5, 16)) == 0
	assert business_hours_between(NY, at(2026, 6, 8, 10), at(2026, 6, 8, 10)) == 0
	assert business_hours_between(NY, at(2026, 6, 6), at(2026, 6, 7, 23)) == 0  # a weekend
	assert business_hours_between(NY, at(2026, 6, 1), at(2026, 6, 8)) == 40
	assert business_hours_between(NY, at(2026, 6, 29), at(2026, 7, 6)) == 32  # July 3 closed


def test_aware_datetimes_are_converted_to_the_calendar_zone():
	start = dt.datetime(2026, 6, 1, 14, tzinfo=UTC)  # 10:00 EDT
	assert add_business_hours(NY, start, 1) == at(2026, 6, 1, 11)
	assert business_hours_between(NY, start, dt.datetime(2026, 6, 1, 16, tzinfo=UTC)) == 2
	assert subtract_business_hours(NY, dt.datetime(2026, 1, 5, 15, tzinfo=UTC), 0) == at(2026, 1, 5, 10)


def test_windows_ending_at_midnight():
	night = make_calendar(hours={d: ((T(22), T(0)),) for d in range(7)}, federal_holidays=False)
	assert add_business_hours(night, at(2026, 6, 1, 23), 1) == at(2026, 6, 2)  # Mon 23:00 + 1 = Tue 00:00
	assert add_business_hours(night, at(2026, 6, 1, 23), 2) == at(2026, 6, 2, 23)
	assert add_business_hours(night, at(2026, 6, 2, 0, 30), 0) == at(2026, 6, 2, 22)
	assert subtract_business_hours(night, at(2026, 6, 2), 0.5) == at(2026, 6, 1, 23, 30)
	assert business_hours_between(night, at(2026, 6, 1, 12), at(2026, 6, 3, 12)) == 4


# ------------------------------------------------------------------------------------------ DST
def test_business_hours_are_wall_clock_hours_over_the_spring_change():
	"""Sunday March 8 2026 lasts 23 real hours in New York; a 24/7 calendar still counts 24 on it."""
	start = at(2026, 3, 8)
	assert add_business_hours(ALWAYS, start, 24) == at(2026, 3, 9)
	assert business_hours_between(ALWAYS, start, at(2026, 3, 9)) == 24
	assert add_calendar_hours(ALWAYS, start, 24) == at(2026, 3, 9, 1)  # 24 real hours


def test_business_hours_are_wall_clock_hours_over_the_autumn_change():
	"""Sunday November 1 2026 lasts 25 real hours."""
	start = at(2026, 11, 1)
	assert add_business_hours(ALWAYS, start, 24) == at(2026, 11, 2)
	assert add_calendar_hours(ALWAYS, start, 24) == at(2026, 11, 1, 23)


def test_a_nine_to_five_day_is_eight_hours_on_change_days():
	assert business_hours_between(SEVEN_DAYS, at(2026, 3, 8), at(2026, 3, 9)) == 8
	assert business_hours_between(SEVEN_DAYS, at(2026, 11, 1), at(2026, 11, 2)) == 8
	assert add_business_hours(SEVEN_DAYS, at(2026, 3, 7, 16), 2) == at(2026, 3, 8, 10)


def test_weekday_sla_over_a_dst_weekend_keeps_wall_times():
	assert add_business_hours(NY, at(2026, 3, 6, 15), 4) == at(2026, 3, 9, 11)
	assert add_business_hours(NY, at(2026, 10, 30, 16), 2) == at(2026, 11, 2, 10)


def test_calendar_hours_over_the_spring_change():
	assert add_calendar_hours(NY, at(2026, 3, 7, 12), 24) == at(2026, 3, 8, 13)
	assert add_calendar_hours(NY, at(2026, 3, 8, 13), -24) == at(2026, 3, 7, 12)
	assert add_calendar_hours(NY, at(2026, 3, 8, 1, 30), 1) == at(2026, 3, 8, 3, 30)


def test_calendar_hours_over_the_autumn_change():
	assert add_calendar_hours(NY, at(2026, 10, 31, 12), 24) == at(2026, 11, 1, 11)
	# Stepping an hour at a time through the repeated hour never gets stuck in it.
	first = add_calendar_hours(NY, at(2026, 11, 1, 0, 30), 1)
	second = add_calendar_hours(NY, first, 1)
	third = add_calendar_hours(NY, second, 1)
	assert (first, first.fold) == (at(2026, 11, 1, 1, 30), 0)
	assert (second, second.fold) == (at(2026, 11, 1, 1, 30), 1)
	assert third == at(2026, 11, 1, 2, 30)


def test_to_utc_and_from_utc_in_summer_and_winter():
	assert to_utc(NY, at(2026, 6, 1, 12)) == at(2026, 6, 1, 16)
	assert to_utc(NY, at(2026, 1, 5, 12)) == at(2026, 1, 5, 17)
	assert from_utc(NY, at(2026, 6, 1, 16)) == at(2026, 6, 1, 12)
	assert from_utc(NY, at(2026, 1, 5, 17)) == at(2026, 1, 5, 12)
	assert to_utc(NY, at(2026, 1, 5, 12)).tzinfo is None
	assert from_utc(NY, at(2026, 1, 5, 17)).tzinfo is None


def test_non_existent_spring_time_is_shifted_forward():
	gap = at(2026, 3, 8, 2, 30)
	assert to_utc(NY, gap) == at(2026, 3, 8, 7, 30)
	assert from_utc(NY, to_utc(NY, gap)) == at(2026, 3, 8, 3, 30)
	assert to_utc(NY, gap.replace(fold=1)) == at(2026, 3, 8, 7, 30)  # forward even with fold=1


def test_ambiguous_autumn_time_reads_as_the_first_occurrence():
	twice = at(2026, 11, 1, 1, 30)
	assert to_utc(NY, twice) == at(2026, 11, 1, 5, 30)  # EDT, fold=0
	assert to_utc(NY, twice.replace(fold=1)) == at(2026, 11, 1, 6, 30)  # EST when asked for
	back = from_utc(NY, at(2026, 11, 1, 6, 30))
	assert back == twice and back.fold == 1
	assert to_utc(NY, back) == at(2026, 11, 1, 6, 30)


def test_fold_one_outside_a_change_is_ignored():
	assert to_utc(NY, at(2026, 6, 1, 12).replace(fold=1)) == at(2026, 6, 1, 16)


def test_aware_values_in_utc_conversions():
	eastern = dt.timezone(dt.timedelta(hours=-5))
	assert to_utc(NY, dt.datetime(2026, 1, 5, 12, tzinfo=eastern)) == at(2026, 1, 5, 17)
	assert from_utc(NY, dt.datetime(2026, 1, 5, 12, tzinfo=eastern)) == at(2026, 1, 5, 12)


def test_other_time_zones():
	london = make_calendar(time_zone="Europe/London", federal_holidays=False)
	assert to_utc(london, at(2026, 6, 1, 12)) == at(2026, 6, 1, 11)
	assert add_calendar_hours(london, at(2026, 3, 28, 12), 24) == at(2026, 3, 29, 13)  # UK change
	assert add_business_hours(london, dt.datetime(2026, 6, 1, 8, tzinfo=UTC), 1) == at(2026, 6, 1, 10)


# --------------------------------------------------------------------------------------- properties
CALENDARS = st.sampled_from(
	[NY, SPLIT, ALWAYS, make_calendar(hours={0: ((T(22), T(0)),), 4: ((T(8), T(9, 30)),)})]
)
STARTS = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31))
HOURS = st.floats(min_value=0, max_value=300, allow_nan=False, allow_infinity=False)


@settings(deadline=None)
@given(cal=CALENDARS, start=STARTS, hours=HOURS)
def test_business_hours_between_inverts_add_business_hours(cal, start, hours):
	end = add_business_hours(cal, start, hours)
	assert end >= start
	assert abs(business_hours_between(cal, start, end) - hours) < 1e-6


@settings(deadline=None)
@given(cal=CALENDARS, end=STARTS, hours=HOURS)
def test_business_hours_between_inverts_subtract_business_hours(cal, end, hours):
	start = subtract_business_hours(cal, end, hours)
	assert start <= end
	assert abs(business_hours_between(cal, start, end) - hours) < 1e-6


@settings(deadline=None)
@given(cal=CALENDARS, start=STARTS, hours=st.floats(min_value=0.001, max_value=100))
def test_adding_positive_hours_ends_inside_open_time_or_at_a_close(cal, start, hours):
	end = add_business_hours(cal, start, hours)
	assert is_open_at(cal, end) or any(
		e == end for _, e in open_windows(cal, (end - dt.timedelta(seconds=1)).date())
	)


@settings(deadline=None)
@given(cal=CALENDARS, start=STARTS, a=HOURS, b=HOURS)
def test_adding_hours_is_monotonic_and_additive(cal, start, a, b):
	lo, hi = sorted((a, b))
	assert add_business_hours(cal, start, lo) <= add_business_hours(cal, start, hi)
	if hi > 0:  # (adding 0 at a closing time moves on to the next opening)
		once = add_business_hours(cal, start, lo + hi)
		twice = add_business_hours(cal, add_business_hours(cal, start, lo), hi)
		assert abs((once - twice).total_seconds()) < 1e-3


@given(day=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)))
def test_previous_and_next_open_day_are_the_nearest_open_days(day):
	before, after = previous_open_day(NY, day), next_open_day(NY, day)
	assert before <= day <= after
	assert is_open_day(NY, before) and is_open_day(NY, after)
	for gap in range(1, (day - before).days + 1):
		assert not is_open_day(NY, before + dt.timedelta(days=gap))
	for gap in range((after - day).days):
		assert not is_open_day(NY, day + dt.timedelta(days=gap))


@given(instant=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31)))
def test_utc_round_trips_through_wall_time(instant):
	assert to_utc(NY, from_utc(NY, instant)) == instant


@given(start=STARTS, hours=st.floats(min_value=-500, max_value=500, allow_nan=False))
def test_calendar_hours_are_real_elapsed_hours(start, hours):
	end = add_calendar_hours(NY, start, hours)
	elapsed = to_utc(NY, end) - to_utc(NY, start)
	assert abs(elapsed.total_seconds() / 3600 - hours) < 1e-6


def test_module_imports_no_frappe():
	source = open(C.__file__).read()
	assert "import frappe" not in source and "from frappe" not in source
