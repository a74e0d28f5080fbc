"""USCIS response deadlines and the firm's internal buffers in front of them.

Rules:

- **Printed date wins.** When the notice prints a response date, that date is the deadline.
- **Otherwise the standard period by notice type**, counted in calendar days from the notice date:
  RFE 84 days (12 weeks, the maximum under 8 CFR 103.2(b)(8)(iv); USCIS's standard period since
  PM-602-0040) except 30 days for an RFE on Form I-539; NOID 30 days (8 CFR 103.2(b)(8)(iv));
  Decision 30 days to file an appeal or motion on Form I-290B (8 CFR 103.3(a)(2)(i), 103.5(a)(1)(i));
  NOIR (notice of intent to revoke) 30 days. Other notices (Receipt, Biometrics, Interview, Transfer)
  have no response period.
- **Mailed notices get 3 more days** (8 CFR 103.8(b)): RFE 87, NOID/Decision/NOIR 33.
- **Two dates.** ``working`` is the unrolled last day; the firm counts every internal buffer from it.
  ``legal`` applies 8 CFR 1.2: when the last day falls on a Saturday, Sunday or legal holiday the
  period runs to the next day that is none of these. The firm never plans on the extra days.
- **Buffers move earlier, never later.** An internal due date ``days_before`` the working deadline
  that lands on a closed day moves to the previous open day of the firm's calendar.

Pure: no Frappe, no clock (``today`` comes in).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass

from legist_routing.engine.calendar import BusinessCalendar, previous_open_day

MAIL_DAYS = 3  # 8 CFR 103.8(b)

# notice type -> standard response period in calendar days
RESPONSE_PERIODS: dict[str, int] = {"RFE": 84, "NOID": 30, "Decision": 30, "NOIR": 30}

# (notice type, form) -> period, where a form has its own standard period
FORM_PERIODS: dict[tuple[str, str], int] = {("RFE", "I-539"): 30}

# Why each period is what it is (the deadline's ``basis`` quotes it).
PERIOD_BASIS: dict[str, str] = {
	"RFE": "84 days from the notice date (8 CFR 103.2(b)(8)(iv))",
	"RFE:I-539": "30 days from the notice date for Form I-539 (USCIS PM-602-0040)",
	"NOID": "30 days from the notice date (8 CFR 103.2(b)(8)(iv))",
	"Decision": (
		"30 days from the decision to appeal or move on Form I-290B (8 CFR 103.3(a)(2)(i), 103.5(a)(1)(i))"
	),
	"NOIR": "30 days from the notice date to answer the notice of intent to revoke",
}
MAIL_BASIS = f" + {MAIL_DAYS} days mailed (8 CFR 103.8(b))"

# Accepted spellings of the notice types (lower case) -> the key in RESPONSE_PERIODS.
NOTICE_ALIASES: dict[str, str] = {
	"rfe": "RFE",
	"request for evidence": "RFE",
	"noid": "NOID",
	"notice of intent to deny": "NOID",
	"intent to deny": "NOID",
	"decision": "Decision",
	"denial": "Decision",
	"notice of decision": "Decision",
	"noir": "NOIR",
	"intent to revoke": "NOIR",
	"notice of intent to revoke": "NOIR",
}


@dataclass(frozen=True)
class Deadline:
	"""A response deadline: ``working`` (the unrolled last day the firm plans on) and ``legal``
	(8 CFR 1.2 roll-forward past weekends and legal holidays), with the reason and days counted."""

	working: dt.date
	legal: dt.date
	basis: str
	days: int | None  # calendar days counted from the notice date (mail days included); None when printed


def notice_key(notice_type: str | None) -> str | None:
	"""The :data:`RESPONSE_PERIODS` key for a notice type as people write it, or ``None``."""
	if not isinstance(notice_type, str):
		return None
	return NOTICE_ALIASES.get(" ".join(notice_type.replace("_", " ").split()).lower())


def normalise_form(form_type: str | None) -> str | None:
	"""``"Form I539"``, ``"i-539"`` and ``"I-539A"``... -> ``"I-539"``-style names (upper case)."""
	if not isinstance(form_type, str) or not form_type.strip():
		return None
	text = re.sub(r"^\s*form\s*", "", form_type, flags=re.IGNORECASE).upper().replace(" ", "")
	match = re.fullmatch(r"([A-Z]{1,3})-?(\d+[A-Z]?)", text)
	return f"{match.group(1)}-{match.group(2)}" if match else text


def as_date(value: object) -> dt.date | None:
	"""A date from a date, a datetime or ISO text (the time is dropped); None for empty."""
	if value in (None, ""):
		return None
	if isinstance(value, dt.datetime):
		return value.date()
	if isinstance(value, dt.date):
		return value
	return dt.date.fromisoformat(str(value).strip()[:10])


def roll_forward(day: dt.date, holidays: Container[dt.date] = frozenset()) -> dt.date:
	"""8 CFR 1.2: a period ending on a Saturday, Sunday or legal holiday runs to the next day that is
	none of these."""
	while day.weekday() >= 5 or day in holidays:
		day += dt.timedelta(days=1)
	return day


def response_period(notice_type: str | None, form_type: str | None = None) -> int | None:
	"""The standard response period in days for a notice (and form), or ``None`` when it has none."""
	key = notice_key(notice_type)
	if key is None:
		return None
	return _period(key, form_type)


def _period(key: str, form_type: str | None) -> int:
	"""The standard response period of a :data:`RESPONSE_PERIODS` key (and form)."""
	form = normalise_form(form_type)
	return FORM_PERIODS.get((key, form or ""), RESPONSE_PERIODS[key])


def response_deadline(
	notice_type: str | None,
	notice_date: dt.date | None,
	form_type: str | None = None,
	mailed: bool = False,
	printed: dt.date | None = None,
	holidays: Container[dt.date] = frozenset(),
) -> Deadline | None:
	"""The response deadline of a USCIS notice.

	A ``printed`` date wins (``working`` = printed, ``legal`` rolled forward). Otherwise the standard
	period of the notice type (form-specific where one exists) is added to ``notice_date``, plus 3 days
	when ``mailed``. ``None`` when nothing can be computed: a type without a response period (Receipt,
	Biometrics, Interview...) or no notice date. ``holidays`` are the legal holidays for the
	roll-forward (pass :func:`~legist_routing.engine.calendar.us_federal_holidays`, not firm closures).
	"""
	printed_day = as_date(printed)
	if printed_day is not None:
		return Deadline(printed_day, roll_forward(printed_day, holidays), "printed on the notice", None)
	day = as_date(notice_date)
	key = notice_key(notice_type)
	if key is None or day is None:
		return None
	form = normalise_form(form_type) or ""
	period = _period(key, form)
	basis = f"{key}: " + PERIOD_BASIS[f"{key}:{form}" if (key, form) in FORM_PERIODS else key]
	days = period + (MAIL_DAYS if mailed else 0)
	if mailed:
		basis += MAIL_BASIS
	working = day + dt.timedelta(days=days)
	legal = roll_forward(working, holidays)
	if legal != working:
		basis += f"; falls on a {working:%A}" + (" holiday" if working.weekday() < 5 else "")
		basis += f", so the legal deadline runs to {legal:%A} (8 CFR 1.2)"
	return Deadline(working, legal, basis, days)


def buffer_due(
	cal: BusinessCalendar, deadline: Deadline | dt.date, days_before: int, due_hour: int = 17
) -> dt.datetime:
	"""The internal due time ``days_before`` calendar days ahead of the *working* deadline, at
	``due_hour`` wall time.

	A day the firm is closed moves to the previous open day (never later). Negative ``days_before``
	counts as 0, so the result is never later than the working deadline; the legal roll-forward is never
	used for buffers.
	"""
	working: dt.date | None = deadline.working if isinstance(deadline, Deadline) else as_date(deadline)
	if working is None:
		raise ValueError("buffer_due needs a deadline")
	day = previous_open_day(cal, working - dt.timedelta(days=max(0, int(days_before))))
	return dt.datetime.combine(day, dt.time(hour=int(due_hour)))


def crossed_thresholds(
	deadline_day: dt.date, today: dt.date, thresholds: Iterable[int] = (14, 7, 3, 1)
) -> list[int]:
	"""The reminder thresholds reached by ``today``: every ``t`` with ``deadline_day - t <= today``,
	highest first, while the deadline has not passed (``[]`` after it). The caller fires each once,
	so a sweep that missed a few days still fires the ones it missed."""
	last, day = as_date(deadline_day), as_date(today)  # dates, datetimes or ISO text
	if last is None or day is None or day > last:
		return []
	left = (last - day).days
	return sorted({int(t) for t in thresholds if int(t) >= left}, reverse=True)


def days_left(deadline_day: dt.date, today: dt.date) -> int:
	"""Calendar days from ``today`` to ``deadline_day`` (negative once passed)."""
	return (deadline_day - today).days
