"""USCIS response deadlines (8 CFR 1.2, 103.2(b)(8), 103.8(b), 205.2(d)) from deadline kinds as data, and
the firm's internal buffers."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legist_routing.engine import deadlines as DL
from legist_routing.engine.calendar import is_open_day, make_calendar, us_federal_holidays
from legist_routing.engine.deadlines import (
	SHIPPED_KINDS,
	Deadline,
	DeadlineKind,
	basis_of,
	buffer_due,
	clashing_kind,
	crossed_thresholds,
	days_left,
	find_kind,
	normalise_form,
	notice_key,
	roll_forward,
)

D = dt.date
FEDERAL = us_federal_holidays(range(2020, 2036))
NY = make_calendar()
SHIPPED = {kind.name: kind for kind in SHIPPED_KINDS}


def response_deadline(*args, kinds=SHIPPED_KINDS, **kw):
	"""The engine's, with the shipped kinds unless a test passes its own."""
	return DL.response_deadline(*args, kinds=kinds, **kw)


def response_period(*args, kinds=SHIPPED_KINDS):
	return DL.response_period(*args, kinds=kinds)


def test_shipped_kinds_are_the_guides_periods_with_their_authorities():
	assert {k.name: (k.notice_type, k.form_type, k.period_days, k.mail_days) for k in SHIPPED_KINDS} == {
		"RFE": ("RFE", None, 84, 3),
		"RFE on Form I-539": ("RFE", "I-539", 30, 3),
		"NOID": ("NOID", None, 30, 3),
		"Decision": ("Decision", None, 30, 3),
		"NOIR": (None, None, 30, 3),
		"Revocation Appeal": (None, None, 15, 3),
	}
	assert SHIPPED["Revocation Appeal"].authority == "8 CFR 205.2(d)"
	assert all(k.authority for k in SHIPPED_KINDS)
	assert not any(clashing_kind(k, SHIPPED_KINDS) for k in SHIPPED_KINDS)


# ------------------------------------------------------------------------------------ computed
def test_rfe_is_84_days_from_the_notice_date():
	deadline = response_deadline("RFE", D(2026, 5, 28), holidays=FEDERAL)
	assert deadline == Deadline(
		working=D(2026, 8, 20),
		legal=D(2026, 8, 20),
		basis="RFE: 84 days from the notice date (8 CFR 103.2(b)(8)(iv))",
		days=84,
		kind="RFE",
	)


def test_mailed_rfe_gets_three_more_days_and_rolls_from_sunday_to_monday():
	deadline = response_deadline("RFE", D(2026, 5, 28), mailed=True, holidays=FEDERAL)
	assert deadline.days == 87
	assert deadline.working == D(2026, 8, 23)  # a Sunday: the firm plans on it
	assert deadline.legal == D(2026, 8, 24)  # 8 CFR 1.2: the period runs to Monday
	assert deadline.basis.startswith(
		"RFE: 84 days from the notice date (8 CFR 103.2(b)(8)(iv)) + 3 days mailed (8 CFR 103.8(b))"
	)
	assert "8 CFR 1.2" in deadline.basis and "Sunday" in deadline.basis


@pytest.mark.parametrize("form", ["I-539", "i-539", "Form I-539", "form i539", " I 539 "])
def test_rfe_on_form_i539_is_30_days(form):
	deadline = response_deadline("RFE", D(2026, 6, 1), form_type=form)
	assert (deadline.working, deadline.days) == (D(2026, 7, 1), 30)
	assert "I-539" in deadline.basis and "PM-602-0040" in deadline.basis
	assert deadline.kind == "RFE on Form I-539"


def test_mailed_i539_rfe_is_33_days_and_rolls_past_independence_day():
	deadline = response_deadline("RFE", D(2026, 6, 1), form_type="I-539", mailed=True, holidays=FEDERAL)
	assert deadline.days == 33
	assert deadline.working == D(2026, 7, 4)  # Saturday, Independence Day
	assert deadline.legal == D(2026, 7, 6)


@pytest.mark.parametrize("form", ["I-129", "I-485", "I-539A", None, ""])
def test_other_forms_keep_the_84_day_rfe(form):
	assert response_deadline("RFE", D(2026, 5, 28), form_type=form).days == 84


def test_i539_form_only_changes_the_rfe_period():
	assert response_deadline("NOID", D(2026, 6, 1), form_type="I-539").days == 30
	assert response_period("Decision", "I-539") == 30


def test_noid_is_30_days():
	deadline = response_deadline("NOID", D(2026, 8, 3))
	assert (deadline.working, deadline.legal, deadline.days) == (D(2026, 9, 2), D(2026, 9, 2), 30)
	assert deadline.basis == "NOID: 30 days from the notice date (8 CFR 103.2(b)(8)(iv))"


def test_decision_appeal_window_is_30_days_or_33_mailed():
	served = response_deadline("Decision", D(2026, 8, 3))
	mailed = response_deadline("Decision", D(2026, 8, 3), mailed=True)
	assert (served.working, served.days) == (D(2026, 9, 2), 30)
	assert (mailed.working, mailed.days) == (D(2026, 9, 5), 33)
	assert "I-290B" in served.basis and "103.3(a)(2)(i)" in served.basis


def test_notice_of_intent_to_revoke_is_30_days_when_the_notice_names_it():
	deadline = response_deadline("Other", D(2026, 8, 3), mailed=True, kind=SHIPPED["NOIR"])
	assert (deadline.working, deadline.days) == (D(2026, 9, 5), 33)
	assert deadline.basis.startswith("NOIR: 30 days from the notice date to answer the notice of intent")
	assert "205.2(b)" in deadline.basis


def test_revocation_appeal_is_15_days_or_18_mailed_under_205_2_d():
	"""8 CFR 205.2(d): an appeal within 15 days after service of the revocation; 103.8(b) adds 3 by mail."""
	kind = SHIPPED["Revocation Appeal"]
	served = response_deadline("Decision", D(2026, 8, 3), kind=kind, holidays=FEDERAL)
	mailed = response_deadline("Decision", D(2026, 8, 3), mailed=True, kind=kind, holidays=FEDERAL)
	assert (served.working, served.legal, served.days) == (D(2026, 8, 18), D(2026, 8, 18), 15)
	assert (mailed.working, mailed.legal, mailed.days) == (D(2026, 8, 21), D(2026, 8, 21), 18)
	assert served.basis == (
		"Revocation Appeal: 15 days from the notice date to appeal the revocation of the petition's approval"
		" (8 CFR 205.2(d))"
	)
	assert mailed.basis.endswith("(8 CFR 205.2(d)) + 3 days mailed (8 CFR 103.8(b))")
	assert mailed.kind == "Revocation Appeal"


def test_kinds_without_a_notice_type_never_apply_by_themselves():
	assert response_deadline("Other", D(2026, 8, 3)) is None
	assert find_kind(SHIPPED_KINDS, "Intent to Revoke") is None
	assert find_kind(SHIPPED_KINDS, "Decision").name == "Decision"  # not the revocation appeal


def test_working_deadline_on_a_monday_holiday_rolls_to_tuesday():
	"""30 days from Saturday 8 August 2026 is Labor Day, Monday 7 September."""
	deadline = response_deadline("NOID", D(2026, 8, 8), holidays=FEDERAL)
	assert deadline.working == D(2026, 9, 7)
	assert deadline.legal == D(2026, 9, 8)
	assert "Monday holiday" in deadline.basis and "Tuesday" in deadline.basis


def test_without_holidays_only_weekends_roll():
	assert response_deadline("NOID", D(2026, 8, 8)).legal == D(2026, 9, 7)


@pytest.mark.parametrize(
	("written", "key"),
	[
		("RFE", "RFE"),
		("rfe", "RFE"),
		("Request for Evidence", "RFE"),
		("NOID", "NOID"),
		("notice of intent to deny", "NOID"),
		("Intent to Deny", "NOID"),
		("Decision", "Decision"),
		("Denial", "Decision"),
		("NOIR", "NOIR"),
		("notice_of_intent_to_revoke", "NOIR"),
		("Intent  to  Revoke", "NOIR"),
		("Receipt", "Receipt"),
		("Biometrics  Appointment", "Biometrics Appointment"),
		("biometrics_appointment", "biometrics appointment"),
		("Interview", "Interview"),
		("", None),
		("   ", None),
		(None, None),
		(42, None),
	],
)
def test_notice_key_reads_the_ways_people_write_notice_types(written, key):
	assert notice_key(written) == key


@pytest.mark.parametrize(
	"notice", ["Receipt", "Biometrics Appointment", "Biometrics", "Interview", "Transfer", "Other", None]
)
def test_notices_without_a_response_period_have_no_deadline(notice):
	assert response_deadline(notice, D(2026, 6, 1)) is None
	assert response_period(notice) is None


def test_no_notice_date_means_no_computed_deadline():
	assert response_deadline("RFE", None) is None
	assert response_deadline("RFE", "") is None


def test_dates_may_come_as_text_or_datetimes():
	assert response_deadline("NOID", "2026-08-03").working == D(2026, 9, 2)
	assert response_deadline("NOID", dt.datetime(2026, 8, 3, 15, 30)).working == D(2026, 9, 2)
	assert response_deadline("NOID", None, printed="2026-09-04").working == D(2026, 9, 4)


# ------------------------------------------------------------------------------- kinds as data
FIRM = (
	*SHIPPED_KINDS,
	DeadlineKind("Interview Follow-up", 10, "Firm policy", "Interview", mail_days=0, purpose="  "),
	DeadlineKind("NOID on Form I-140", 33, "8 CFR 103.2(b)(8)(iv)", "noid", "form i140", mail_days=5),
)


def test_a_firm_added_kind_gives_a_type_without_a_shipped_period_its_deadline():
	deadline = response_deadline("Interview", D(2026, 8, 3), kinds=FIRM, mailed=True)
	assert (deadline.working, deadline.days, deadline.kind) == (D(2026, 8, 13), 10, "Interview Follow-up")
	assert deadline.basis == "Interview Follow-up: 10 days from the notice date (Firm policy)"  # no mail days
	assert response_deadline("Interview", D(2026, 8, 3)) is None  # the shipped kinds have none


def test_a_firm_kind_for_a_form_wins_over_the_notice_types_kind_and_adds_its_own_mail_days():
	deadline = response_deadline("Notice of Intent to Deny", D(2026, 8, 3), "I-140", mailed=True, kinds=FIRM)
	assert (deadline.days, deadline.kind) == (38, "NOID on Form I-140")
	assert deadline.basis.startswith(
		"NOID on Form I-140: 33 days from the notice date (8 CFR 103.2(b)(8)(iv))"
	)
	assert " + 5 days mailed (8 CFR 103.8(b))" in deadline.basis
	assert response_deadline("NOID", D(2026, 8, 3), "I-129", kinds=FIRM).kind == "NOID"


def test_a_named_kind_wins_over_the_notice_types_kind():
	deadline = response_deadline("RFE", D(2026, 8, 3), "I-539", kinds=FIRM, kind=SHIPPED["NOID"])
	assert (deadline.days, deadline.kind) == (30, "NOID")
	assert response_deadline("RFE", None, kinds=FIRM, kind=SHIPPED["NOID"]) is None  # still needs a date
	printed = response_deadline("RFE", D(2026, 8, 3), printed=D(2026, 9, 1), kind=SHIPPED["NOID"])
	assert (printed.basis, printed.kind) == ("printed on the notice", None)  # a printed date still wins


def test_without_kinds_nothing_is_computed():
	assert response_deadline("RFE", D(2026, 8, 3), kinds=()) is None
	assert response_period("RFE", kinds=()) is None


def test_kinds_may_come_as_any_iterable_and_their_order_never_matters():
	twin = DeadlineKind("A twin RFE kind", 60, "Firm policy", "Request for Evidence")
	assert find_kind(iter((SHIPPED["RFE"], twin)), "RFE").name == "A twin RFE kind"
	assert find_kind(iter((twin, SHIPPED["RFE"])), "rfe").name == "A twin RFE kind"
	assert find_kind(SHIPPED_KINDS, None) is None


def test_clashing_kind_finds_another_kind_for_the_same_type_and_form():
	twin = DeadlineKind("A twin RFE kind", 60, "Firm policy", "Request for Evidence")
	assert clashing_kind(twin, SHIPPED_KINDS) == SHIPPED["RFE"]
	assert clashing_kind(SHIPPED["RFE"], SHIPPED_KINDS) is None  # itself, by name, is no clash
	other_form = DeadlineKind("RFE on Form I-129", 60, "Firm policy", "RFE", "I129")
	assert clashing_kind(other_form, SHIPPED_KINDS) is None
	assert clashing_kind(DeadlineKind("RFE 539", 20, "x", "rfe", "Form I-539"), SHIPPED_KINDS).name == (
		"RFE on Form I-539"
	)
	assert clashing_kind(SHIPPED["Revocation Appeal"], (*SHIPPED_KINDS, SHIPPED["NOIR"])) is None


def test_basis_names_the_kind_its_period_purpose_and_authority():
	kind = DeadlineKind("Motion", 30, "8 CFR 103.5(a)(1)(i)", "Decision", mail_days=3, purpose=" to reopen ")
	assert basis_of(kind) == "Motion: 30 days from the notice date to reopen (8 CFR 103.5(a)(1)(i))"
	assert basis_of(kind, mailed=True).endswith("(8 CFR 103.5(a)(1)(i)) + 3 days mailed (8 CFR 103.8(b))")


# ------------------------------------------------------------------------------------- printed
def test_printed_date_wins_over_the_computed_period():
	deadline = response_deadline("RFE", D(2026, 5, 28), mailed=True, printed=D(2026, 8, 19))
	assert deadline == Deadline(D(2026, 8, 19), D(2026, 8, 19), "printed on the notice", None, None)


def test_printed_saturday_rolls_to_monday():
	deadline = response_deadline("RFE", D(2026, 4, 11), printed=D(2026, 7, 4), holidays=FEDERAL)
	assert (deadline.working, deadline.legal) == (D(2026, 7, 4), D(2026, 7, 6))


def test_printed_saturday_before_a_monday_holiday_rolls_to_tuesday():
	"""Saturday 10 October 2026, then Sunday, then Columbus Day: the legal deadline is Tuesday."""
	deadline = response_deadline("NOID", None, printed=dt.datetime(2026, 10, 10, 0, 0), holidays=FEDERAL)
	assert (deadline.working, deadline.legal) == (D(2026, 10, 10), D(2026, 10, 13))


def test_printed_date_applies_to_any_notice_type():
	assert response_deadline("Interview", None, printed=D(2026, 9, 1)).working == D(2026, 9, 1)


def test_roll_forward():
	assert roll_forward(D(2026, 8, 20)) == D(2026, 8, 20)
	assert roll_forward(D(2026, 8, 22)) == D(2026, 8, 24)
	assert roll_forward(D(2027, 12, 24), FEDERAL) == D(2027, 12, 27)  # Christmas observed + weekend
	assert roll_forward(D(2026, 11, 26), FEDERAL) == D(2026, 11, 27)


@pytest.mark.parametrize(
	("written", "form"),
	[
		("I-539", "I-539"),
		("i539", "I-539"),
		("Form I-130", "I-130"),
		("I-539A", "I-539A"),
		("AR-11", "AR-11"),
		("G28", "G-28"),
		("", None),
		(None, None),
		("ETA 9089", "ETA-9089"),
	],
)
def test_normalise_form(written, form):
	assert normalise_form(written) == form


def test_unusual_form_names_are_kept_upper_case():
	assert normalise_form("DS-160 confirmation") == "DS-160CONFIRMATION"


# ------------------------------------------------------------------------------------- buffers
def test_buffer_on_a_holiday_moves_earlier():
	"""Seven days before Friday 10 July 2026 is Friday 3 July, the observed Independence Day."""
	deadline = response_deadline("NOID", None, printed=D(2026, 7, 10), holidays=FEDERAL)
	assert buffer_due(NY, deadline, 7) == dt.datetime(2026, 7, 2, 17)


def test_buffer_counts_from_the_working_deadline_not_the_rolled_legal_one():
	deadline = response_deadline("NOID", None, printed=D(2026, 10, 10), holidays=FEDERAL)
	assert deadline.legal == D(2026, 10, 13)
	assert buffer_due(NY, deadline, 7) == dt.datetime(2026, 10, 2, 17)  # Sat 3 Oct -> Fri 2 Oct
	assert buffer_due(NY, deadline, 0) == dt.datetime(2026, 10, 9, 17)  # the Saturday itself -> Friday


def test_buffer_on_an_open_day_keeps_its_day_and_takes_the_due_hour():
	deadline = response_deadline("RFE", D(2026, 5, 28))  # working Thursday 20 August 2026
	assert buffer_due(NY, deadline, 7) == dt.datetime(2026, 8, 13, 17)
	assert buffer_due(NY, deadline, 7, due_hour=12) == dt.datetime(2026, 8, 13, 12)
	assert buffer_due(NY, deadline, 0) == dt.datetime(2026, 8, 20, 17)


def test_buffer_moves_before_a_firm_closure():
	cal = make_calendar(closures=[D(2026, 8, 13), D(2026, 8, 12)])
	assert buffer_due(cal, response_deadline("RFE", D(2026, 5, 28)), 7) == dt.datetime(2026, 8, 11, 17)


def test_buffer_never_lands_after_the_working_deadline():
	deadline = response_deadline("RFE", D(2026, 5, 28))
	assert buffer_due(NY, deadline, -3) == dt.datetime(2026, 8, 20, 17)


def test_buffer_from_a_plain_date():
	assert buffer_due(NY, D(2026, 8, 20), 7) == dt.datetime(2026, 8, 13, 17)
	assert buffer_due(NY, "2026-08-20", 1) == dt.datetime(2026, 8, 19, 17)
	with pytest.raises(ValueError, match="needs a deadline"):
		buffer_due(NY, None, 7)


# ---------------------------------------------------------------------------------- thresholds
@pytest.mark.parametrize(
	("today", "crossed"),
	[
		(D(2026, 8, 1), []),  # 19 days left
		(D(2026, 8, 5), []),  # 15 days left
		(D(2026, 8, 6), [14]),
		(D(2026, 8, 13), [14, 7]),
		(D(2026, 8, 15), [14, 7]),
		(D(2026, 8, 17), [14, 7, 3]),
		(D(2026, 8, 19), [14, 7, 3, 1]),
		(D(2026, 8, 20), [14, 7, 3, 1]),  # the deadline day itself
		(D(2026, 8, 21), []),  # passed: no more reminders
	],
)
def test_crossed_thresholds(today, crossed):
	assert crossed_thresholds(D(2026, 8, 20), today) == crossed


def test_custom_thresholds_are_deduplicated_and_sorted_descending():
	assert crossed_thresholds(D(2026, 8, 20), D(2026, 8, 20), thresholds=(3, 30, 0, 3)) == [30, 3, 0]
	assert crossed_thresholds(D(2026, 8, 20), D(2026, 8, 19), thresholds=[0]) == []


def test_crossed_thresholds_accept_text_and_datetimes_and_refuse_nothing():
	assert crossed_thresholds("2026-08-20", dt.datetime(2026, 8, 19, 8)) == [14, 7, 3, 1]
	assert crossed_thresholds(None, D(2026, 8, 19)) == []


def test_days_left():
	assert days_left(D(2026, 8, 20), D(2026, 8, 13)) == 7
	assert days_left(D(2026, 8, 20), D(2026, 8, 21)) == -1


# ---------------------------------------------------------------------------------- properties
NOTICE_DATES = st.dates(min_value=D(2021, 1, 1), max_value=D(2034, 6, 30))


@given(
	notice=st.sampled_from(["RFE", "NOID", "Decision", "Request for Evidence"]),
	day=NOTICE_DATES,
	form=st.sampled_from([None, "I-539", "I-129"]),
	mailed=st.booleans(),
)
def test_legal_deadline_is_the_first_business_day_on_or_after_working(notice, day, form, mailed):
	deadline = response_deadline(notice, day, form_type=form, mailed=mailed, holidays=FEDERAL)
	assert deadline.working == day + dt.timedelta(days=deadline.days)
	assert deadline.legal >= deadline.working
	assert deadline.legal.weekday() < 5 and deadline.legal not in FEDERAL
	for gap in range((deadline.legal - deadline.working).days):
		skipped = deadline.working + dt.timedelta(days=gap)
		assert skipped.weekday() >= 5 or skipped in FEDERAL
	assert deadline.legal - deadline.working <= dt.timedelta(days=4)


@given(working=NOTICE_DATES, days_before=st.integers(min_value=-5, max_value=60), hour=st.integers(8, 18))
def test_buffer_is_never_after_the_working_deadline_and_always_on_an_open_day(working, days_before, hour):
	due = buffer_due(
		NY,
		Deadline(working, roll_forward(working, FEDERAL), "printed on the notice", None),
		days_before,
		hour,
	)
	assert due <= dt.datetime.combine(working, dt.time(hour))
	assert is_open_day(NY, due.date())
	assert due.time() == dt.time(hour)
	wanted = working - dt.timedelta(days=max(0, days_before))
	assert due.date() <= wanted
	for gap in range(1, (wanted - due.date()).days + 1):
		assert not is_open_day(NY, due.date() + dt.timedelta(days=gap))


@given(deadline=NOTICE_DATES, today=NOTICE_DATES)
def test_thresholds_are_exactly_those_reached(deadline, today):
	crossed = crossed_thresholds(deadline, today)
	assert crossed == sorted(crossed, reverse=True)
	for t in (14, 7, 3, 1):
		assert (t in crossed) == (deadline - dt.timedelta(days=t) <= today <= deadline)


def test_module_imports_no_frappe():
	source = open(DL.__file__).read()
	assert "import frappe" not in source and "from frappe" not in source
