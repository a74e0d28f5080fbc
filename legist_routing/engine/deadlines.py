"""USCIS response deadlines and the firm's internal buffers in front of them.

Rules:

- **Printed date wins.** When the notice prints a response date, that date is the deadline.
- **Otherwise the notice's deadline kind**, counted in calendar days from the notice date. Kinds are data
  (the Notice Deadline Kind DocType; the caller passes them in as :class:`DeadlineKind` values): a name, the
  notice type (and optionally the form) it applies to by itself, the period, the mailing days and the
  authority the basis cites. A notice names its kind, or the kind is found from its notice type and form:
  a kind for that exact form wins over the notice type's general kind. :data:`SHIPPED_KINDS` are the ones
  the app installs: RFE 84 days (12 weeks, the maximum under 8 CFR 103.2(b)(8)(iv); USCIS's standard
  period since PM-602-0040) except 30 days for an RFE on Form I-539; NOID 30 days (8 CFR
  103.2(b)(8)(iv)); Decision 30 days to file an appeal or motion on Form I-290B (8 CFR 103.3(a)(2)(i),
  103.5(a)(1)(i)); NOIR (notice of intent to revoke) 30 days; the appeal of a revoked petition 15 days
  (8 CFR 205.2(d)). The last two are named on the notice (no notice type of their own). Other notices
  (Receipt, Biometrics, Interview, Transfer) have no response period.
- **Mailed notices get the kind's mailing days** (3 for every shipped kind, 8 CFR 103.8(b)): RFE 87,
  NOID/Decision/NOIR 33, revocation appeal 18.
- **Two dates.** ``working`` is the unrolled last day; the firm counts every internal buffer from it.
  ``legal`` applies 8 CFR 1.2: when the last day falls on a Saturday, Sunday or legal holiday the
  period runs to the next day that is none of these. The firm never plans on the extra days.
- **Buffers move earlier, never later.** An internal due date ``days_before`` the working deadline
  that lands on a closed day moves to the previous open day of the firm's calendar.

Pure: no Frappe, no clock (``today`` comes in), no stored periods (the kinds come in).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from legist_routing.engine.calendar import BusinessCalendar, previous_open_day

MAIL_DAYS = 3  # 8 CFR 103.8(b)
MAIL_AUTHORITY = "8 CFR 103.8(b)"


@dataclass(frozen=True)
class DeadlineKind:
	"""A kind of notice with a response period, as the firm configured it.

	``notice_type`` (and ``form_type``, when set) say which notices the kind applies to by itself; a kind
	without a notice type applies only to the notices that name it. ``purpose`` completes the basis:
	``"{name}: {period_days} days from the notice date {purpose} ({authority})"``."""

	name: str
	period_days: int
	authority: str
	notice_type: str | None = None
	form_type: str | None = None
	mail_days: int = MAIL_DAYS
	purpose: str = ""


# The kinds the app ships (services/deadline_kinds.py seeds them as Notice Deadline Kind rows).
SHIPPED_KINDS: tuple[DeadlineKind, ...] = (
	DeadlineKind("RFE", 84, "8 CFR 103.2(b)(8)(iv)", "RFE"),
	DeadlineKind("RFE on Form I-539", 30, "USCIS PM-602-0040", "RFE", "I-539"),
	DeadlineKind("NOID", 30, "8 CFR 103.2(b)(8)(iv)", "NOID"),
	DeadlineKind(
		"Decision",
		30,
		"8 CFR 103.3(a)(2)(i), 103.5(a)(1)(i)",
		"Decision",
		purpose="to appeal or move on Form I-290B",
	),
	DeadlineKind(
		"NOIR", 30, "8 CFR 205.2(b), 214.2(h)(11)(iii)(B)", purpose="to answer the notice of intent to revoke"
	),
	DeadlineKind(
		"Revocation Appeal",
		15,
		"8 CFR 205.2(d)",
		purpose="to appeal the revocation of the petition's approval",
	),
)

# Accepted spellings of the notice types (lower case) -> the one spelling kinds are matched by.
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


# A piece of a deadline's basis as a code and its parameters (services/messages.py words them in the
# reader's language; basis_text below in English): ("printed", {}), ("period", {"kind", "days", "purpose",
# "authority"}), ("mailed", {"days", "authority"}), ("rolled", {"day", "holiday", "legal"}) with dates.
BasisPart: TypeAlias = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Deadline:
	"""A response deadline: ``working`` (the unrolled last day the firm plans on) and ``legal``
	(8 CFR 1.2 roll-forward past weekends and legal holidays), with the reason, days counted and kind."""

	working: dt.date
	legal: dt.date
	basis: str
	days: int | None  # calendar days counted from the notice date (mail days included); None when printed
	kind: str | None = None  # the DeadlineKind's name; None when printed
	# the basis as coded parts, for the reader's language (not compared: ``basis`` says the same)
	parts: tuple[BasisPart, ...] = field(default=(), compare=False, repr=False)


def notice_key(notice_type: str | None) -> str | None:
	"""A notice type as kinds are matched by: ``"Request for Evidence"`` -> ``"RFE"``, other text with its
	spaces and underscores tidied (``"Biometrics  Appointment"``); ``None`` for no text."""
	if not isinstance(notice_type, str) or not notice_type.strip():
		return None
	text = " ".join(notice_type.replace("_", " ").split())
	return NOTICE_ALIASES.get(text.lower(), text)


def normalise_form(form_type: str | None) -> str | None:
	"""``"Form I539"``, ``"i-539"`` and ``"I-539A"``... -> ``"I-539"``-style names (upper case)."""
	if not isinstance(form_type, str) or not form_type.strip():
		return None
	text = re.sub(r"^\s*form\s*", "", form_type, flags=re.IGNORECASE).upper().replace(" ", "")
	match = re.fullmatch(r"([A-Z]{1,3})-?(\d+[A-Z]?)", text)
	return f"{match.group(1)}-{match.group(2)}" if match else text


def _applies_to(kind: DeadlineKind) -> tuple[str, str] | None:
	"""The (notice type, form) a kind applies to by itself, compared case-blind; None if only named."""
	key = notice_key(kind.notice_type)
	if key is None:
		return None
	return key.casefold(), normalise_form(kind.form_type) or ""


def find_kind(
	kinds: Iterable[DeadlineKind], notice_type: str | None, form_type: str | None = None
) -> DeadlineKind | None:
	"""The kind a notice of this type (and form) gets when it names none: the kind for its exact form,
	else the notice type's kind without a form, else ``None``. Ties (two kinds for the same type and form)
	go to the first name in alphabetical order, so the answer never depends on the order kinds come in."""
	key = notice_key(notice_type)
	if key is None:
		return None
	form = normalise_form(form_type) or ""
	by_scope: dict[tuple[str, str] | None, list[DeadlineKind]] = {}
	for kind in kinds:
		by_scope.setdefault(_applies_to(kind), []).append(kind)
	pool = by_scope.get((key.casefold(), form)) or by_scope.get((key.casefold(), ""))
	return min(pool, key=lambda k: k.name) if pool else None


def clashing_kind(kind: DeadlineKind, kinds: Iterable[DeadlineKind]) -> DeadlineKind | None:
	"""Another kind in ``kinds`` that applies by itself to the same notice type and form as ``kind``
	(two would leave the choice to alphabetical order), or ``None``."""
	applies = _applies_to(kind)
	if applies is None:
		return None
	return next((k for k in kinds if k.name != kind.name and _applies_to(k) == applies), None)


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


def response_period(
	notice_type: str | None, form_type: str | None = None, *, kinds: Iterable[DeadlineKind]
) -> int | None:
	"""The response period in days (mailing days not included) a notice of this type and form gets from
	``kinds``, or ``None`` when no kind applies."""
	kind = find_kind(kinds, notice_type, form_type)
	return kind.period_days if kind else None


def basis_of(kind: DeadlineKind, mailed: bool = False) -> str:
	"""Why a computed deadline is what it is, naming the kind's authority (and 8 CFR 103.8(b) if mailed)."""
	return basis_text(basis_parts(kind, mailed))


def basis_parts(kind: DeadlineKind, mailed: bool = False) -> list[BasisPart]:
	""":func:`basis_of` as coded parts."""
	purpose = kind.purpose.strip() if kind.purpose and kind.purpose.strip() else ""
	parts: list[BasisPart] = [
		(
			"period",
			{"kind": kind.name, "days": kind.period_days, "purpose": purpose, "authority": kind.authority},
		)
	]
	if mailed and kind.mail_days:
		parts.append(("mailed", {"days": kind.mail_days, "authority": MAIL_AUTHORITY}))
	return parts


def basis_text(parts: Iterable[BasisPart]) -> str:
	"""Coded basis parts in English."""
	text = ""
	for code, p in parts:
		if code == "printed":
			text += "printed on the notice"
		elif code == "period":
			purpose = f" {p['purpose']}" if p["purpose"] else ""
			text += f"{p['kind']}: {p['days']} days from the notice date{purpose} ({p['authority']})"
		elif code == "mailed":
			text += f" + {p['days']} days mailed ({p['authority']})"
		elif code == "rolled":
			text += f"; falls on a {p['day']:%A}" + (" holiday" if p["holiday"] else "")
			text += f", so the legal deadline runs to {p['legal']:%A} (8 CFR 1.2)"
	return text


def response_deadline(
	notice_type: str | None,
	notice_date: dt.date | None,
	form_type: str | None = None,
	mailed: bool = False,
	printed: dt.date | None = None,
	holidays: Container[dt.date] = frozenset(),
	*,
	kinds: Iterable[DeadlineKind],
	kind: DeadlineKind | None = None,
) -> Deadline | None:
	"""The response deadline of a USCIS notice.

	A ``printed`` date wins (``working`` = printed, ``legal`` rolled forward). Otherwise the period of the
	notice's ``kind`` (the one the notice names), or of the kind :func:`find_kind` finds in ``kinds`` for
	its type and form, is added to ``notice_date``, plus the kind's mailing days when ``mailed``. ``None``
	when nothing can be computed: no kind applies (Receipt, Biometrics, Interview...) or no notice date.
	``holidays`` are the legal holidays for the roll-forward (pass
	:func:`~legist_routing.engine.calendar.us_federal_holidays`, not firm closures).
	"""
	printed_day = as_date(printed)
	if printed_day is not None:
		printed_parts: tuple[BasisPart, ...] = (("printed", {}),)
		legal_day = roll_forward(printed_day, holidays)
		return Deadline(printed_day, legal_day, basis_text(printed_parts), None, parts=printed_parts)
	day = as_date(notice_date)
	found = kind or find_kind(kinds, notice_type, form_type)
	if found is None or day is None:
		return None
	days = int(found.period_days) + (int(found.mail_days) if mailed else 0)
	parts = basis_parts(found, mailed)
	working = day + dt.timedelta(days=days)
	legal = roll_forward(working, holidays)
	if legal != working:
		parts.append(("rolled", {"day": working, "holiday": working.weekday() < 5, "legal": legal}))
	return Deadline(working, legal, basis_text(parts), days, found.name, parts=tuple(parts))


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
