"""The firm's business calendar: open hours, closures, US federal holidays, and clock arithmetic.

Rules the arithmetic follows:

- **Wall time.** Every naive datetime is wall-clock time in the calendar's IANA time zone
  (``America/New_York`` by default). Aware datetimes are converted into that zone first. Results are
  naive wall times.
- **Business hours are wall-clock hours.** A 09:00-17:00 window is 8 business hours every day,
  including the days daylight saving starts or ends; counting happens only inside open windows.
- **Windows are half-open.** ``[09:00, 17:00)``: 17:00 itself is closed. Adding a positive number of
  hours that exactly exhausts a window ends *at* the closing time (8 hours from Monday 09:00 is Monday
  17:00), while adding zero hours at 17:00 moves to the next opening.
- **Open days.** A day is open when its weekday has at least one window and it is not in ``closed``
  (firm closures and, by default, US federal holidays including their observed days).
- **Calendar (elapsed) hours** are real hours: wall -> UTC, add, UTC -> wall. Ambiguous wall times
  (the repeated hour in November) are read with ``fold=0`` (the first, daylight-time occurrence) unless
  the datetime carries ``fold=1``; non-existent wall times (the skipped hour in March) are shifted
  forward (02:30 becomes 03:30).

Pure: no Frappe, no clock. The only third-party import is the maintained ``holidays`` package.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

with warnings.catch_warnings():
	# holidays 0.5x-0.60 warn on import about their 1.0 versioning; the app pins holidays<0.61 already.
	warnings.simplefilter("ignore", DeprecationWarning)
	import holidays as holidays_lib

UTC = dt.timezone.utc
MIDNIGHT = dt.time(0)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Window: TypeAlias = tuple[dt.time, dt.time]
# Open hours as people and the database give them: a weekday (0 = Monday, or "Monday" / "mon") -> None,
# one (opens, closes) pair or a sequence of pairs, each bound a dt.time, "09:00" text or a dt.timedelta.
HoursSpec: TypeAlias = Mapping[int, Any] | Mapping[str, Any]


# ------------------------------------------------------------------------------------------ hours
def _as_time(value: object, where: str) -> dt.time:
	"""A window bound as ``dt.time``: accepts ``dt.time``, ``"09:00"``/``"09:00:00"`` and the
	``dt.timedelta`` that MariaDB returns for Frappe Time fields."""
	if isinstance(value, dt.datetime):
		return value.time()
	if isinstance(value, dt.time):
		return value.replace(tzinfo=None)
	if isinstance(value, dt.timedelta):
		seconds = int(value.total_seconds())
		if not 0 <= seconds <= 24 * 3600:
			raise ValueError(f"{where}: {value} is not a time of day")
		if seconds == 24 * 3600:
			return MIDNIGHT  # 24:00 as an end means midnight
		return (dt.datetime.min + value).time()
	if isinstance(value, str):
		text = value.strip()
		if text in ("24:00", "24:00:00"):
			return MIDNIGHT
		try:
			return dt.time.fromisoformat(text)
		except ValueError:
			pass
	raise ValueError(f"{where}: {value!r} is not a time of day")


def _weekday(key: object) -> int:
	"""0 = Monday ... 6 = Sunday; also accepts English day names ("Monday", "mon")."""
	if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
		return key
	if isinstance(key, str):
		name = key.strip().lower()
		for i, full in enumerate(WEEKDAY_NAMES):
			if len(name) >= 3 and full.startswith(name):
				return i
	raise ValueError(f"hours: {key!r} is not a weekday (0=Monday ... 6=Sunday)")


def _minutes(t: dt.time, end: bool) -> float:
	"""Minutes since midnight; an end of 00:00 means the following midnight (24:00)."""
	value = t.hour * 60 + t.minute + t.second / 60 + t.microsecond / 60e6
	return 24 * 60 if end and value == 0 else value


class WeeklyHours(Mapping[int, tuple[Window, ...]]):
	"""Read-only ``weekday -> windows`` (0 = Monday). Days without windows are absent (``.get(d, ())``).

	Windows of a day are sorted and must not overlap; each must open before it closes. An end of
	``00:00`` means midnight at the end of the day, so ``(00:00, 00:00)`` is a 24-hour day.
	Hashable and picklable, so a :class:`BusinessCalendar` can be cached.
	"""

	def __init__(self, hours: HoursSpec | None = None) -> None:
		days: list[tuple[Window, ...]] = [() for _ in range(7)]
		for key, windows in (hours or {}).items():
			day = _weekday(key)
			where = f"hours[{WEEKDAY_NAMES[day].title()}]"
			if windows is None:
				windows = ()
			if len(windows) == 2 and not isinstance(windows[0], list | tuple):
				windows = (windows,)  # a single (opens, closes) pair
			parsed: list[Window] = []
			for window in windows:
				if len(window) != 2:
					raise ValueError(f"{where}: each window is (opens, closes), got {window!r}")
				start, end = _as_time(window[0], where), _as_time(window[1], where)
				if _minutes(end, True) <= _minutes(start, False):
					raise ValueError(f"{where}: window {start:%H:%M}-{end:%H:%M} must open before it closes")
				parsed.append((start, end))
			parsed += list(days[day])
			parsed.sort(key=lambda w: _minutes(w[0], False))
			for (_s1, e1), (s2, _e2) in itertools.pairwise(parsed):
				if _minutes(s2, False) < _minutes(e1, True):
					raise ValueError(f"{where}: windows overlap at {s2:%H:%M}")
			days[day] = tuple(parsed)
		self._days: tuple[tuple[Window, ...], ...] = tuple(days)

	def __getitem__(self, day: int) -> tuple[Window, ...]:
		if not isinstance(day, int) or not 0 <= day <= 6 or not self._days[day]:
			raise KeyError(day)
		return self._days[day]

	def __iter__(self) -> Iterator[int]:
		return (d for d in range(7) if self._days[d])

	def __len__(self) -> int:
		return sum(1 for d in self._days if d)

	def __hash__(self) -> int:
		return hash(self._days)

	def __eq__(self, other: object) -> bool:
		if isinstance(other, WeeklyHours):
			return self._days == other._days
		if isinstance(other, Mapping):
			try:
				return self._days == WeeklyHours(other)._days
			except (ValueError, TypeError):
				return False
		return NotImplemented

	def __repr__(self) -> str:
		return f"WeeklyHours({dict(self)!r})"

	def windows(self, weekday: int) -> tuple[Window, ...]:
		return self._days[weekday]


DEFAULT_HOURS = WeeklyHours({d: ((dt.time(9), dt.time(17)),) for d in range(5)})


def _as_date(value: object, where: str) -> dt.date:
	if isinstance(value, dt.datetime):
		return value.date()
	if isinstance(value, dt.date):
		return value
	if isinstance(value, str):
		try:
			return dt.date.fromisoformat(value.strip()[:10])
		except ValueError:
			pass
	raise ValueError(f"{where}: {value!r} is not a date")


@lru_cache(maxsize=64)
def _zoneinfo(name: str) -> ZoneInfo:
	try:
		return ZoneInfo(name)
	except (ZoneInfoNotFoundError, ValueError, TypeError) as e:
		raise ValueError(f"time_zone: {name!r} is not an IANA time zone such as America/New_York") from e


# --------------------------------------------------------------------------------------- calendar
@dataclass(frozen=True)
class BusinessCalendar:
	"""When the firm works.

	``hours`` maps a weekday (0 = Monday) to its open windows, several per day allowed (09-12, 13-17);
	default Monday-Friday 09:00-17:00. ``closed`` holds firm closures and holidays already merged
	(see :func:`make_calendar`). Plain mappings and date iterables are normalised on construction; a
	calendar with no open window on any weekday is refused (it could never count an hour).
	"""

	time_zone: str = "America/New_York"
	hours: Mapping[int, tuple[Window, ...]] = DEFAULT_HOURS
	closed: frozenset[dt.date] = frozenset()

	def __post_init__(self) -> None:
		_zoneinfo(self.time_zone)  # refuse an unknown zone now rather than at the first computation
		hours = self.hours if isinstance(self.hours, WeeklyHours) else WeeklyHours(self.hours)
		if not len(hours):
			raise ValueError("hours: the calendar has no open window on any weekday")
		object.__setattr__(self, "hours", hours)
		if not isinstance(self.closed, frozenset) or not all(type(d) is dt.date for d in self.closed):
			object.__setattr__(self, "closed", frozenset(_as_date(d, "closed") for d in self.closed))

	@property
	def zone(self) -> ZoneInfo:
		return _zoneinfo(self.time_zone)


def us_federal_holidays(years: Iterable[int] | int) -> dict[dt.date, str]:
	"""US federal (public, no state) holidays for ``years``, with observed days, from ``holidays``.

	When a holiday falls on a Saturday it is observed on the Friday before, on a Sunday the Monday
	after; both the actual and the observed day are included (July 4 2026 is a Saturday, so Friday
	July 3 2026 is in the result too; New Year's Day 2028 is a Saturday, observed Friday Dec 31 2027,
	which is included for year 2027).
	"""
	wanted = sorted({int(years)} if isinstance(years, int) else {int(y) for y in years})
	if not wanted:
		return {}
	found = holidays_lib.country_holidays("US", years=wanted, observed=True)
	return {day: found[day] for day in sorted(found)}


def make_calendar(
	time_zone: str = "America/New_York",
	hours: HoursSpec | None = None,
	closures: Iterable[dt.date | str] = (),
	federal_holidays: bool = True,
	years: Iterable[int] = range(2020, 2036),
) -> BusinessCalendar:
	"""A calendar with firm ``closures`` and (unless ``federal_holidays`` is false) US federal holidays
	for ``years`` merged into ``closed``. ``hours`` ``None`` or empty means Monday-Friday 09:00-17:00."""
	closed = {_as_date(d, "closures") for d in closures}
	if federal_holidays:
		closed |= set(us_federal_holidays(years))
	return BusinessCalendar(
		time_zone=time_zone or "America/New_York",
		hours=WeeklyHours(hours) if hours else DEFAULT_HOURS,
		closed=frozenset(closed),
	)


# -------------------------------------------------------------------------------------- open days
def is_open_day(cal: BusinessCalendar, day: dt.date) -> bool:
	"""True when ``day``'s weekday has windows and the day is not closed."""
	if isinstance(day, dt.datetime):
		day = day.date()
	return bool(cal.hours.get(day.weekday())) and day not in cal.closed


def previous_open_day(cal: BusinessCalendar, day: dt.date) -> dt.date:
	"""``day`` itself when open, else the nearest earlier open day."""
	if isinstance(day, dt.datetime):
		day = day.date()
	while not is_open_day(cal, day):
		day -= dt.timedelta(days=1)
	return day


def next_open_day(cal: BusinessCalendar, day: dt.date) -> dt.date:
	"""``day`` itself when open, else the nearest later open day."""
	if isinstance(day, dt.datetime):
		day = day.date()
	while not is_open_day(cal, day):
		day += dt.timedelta(days=1)
	return day


def open_windows(cal: BusinessCalendar, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
	"""The open windows of ``day`` as naive wall datetimes (empty on closed days)."""
	if not is_open_day(cal, day):
		return []
	out = []
	for start, end in cal.hours.get(day.weekday(), ()):
		close_day = day + dt.timedelta(days=1) if end == MIDNIGHT else day
		out.append((dt.datetime.combine(day, start), dt.datetime.combine(close_day, end)))
	return out


def is_open_at(cal: BusinessCalendar, moment: dt.datetime) -> bool:
	"""True when ``moment`` (wall, or aware) lies inside an open window (windows are half-open)."""
	moment = as_wall(cal, moment)
	return any(s <= moment < e for s, e in open_windows(cal, moment.date()))


def as_wall(cal: BusinessCalendar, value: dt.datetime) -> dt.datetime:
	"""Naive wall time in the calendar's zone: naive values are taken as wall time already, aware ones
	are converted."""
	if not isinstance(value, dt.datetime):
		raise TypeError(f"expected a datetime, got {value!r}")
	if value.tzinfo is None:
		return value
	return value.astimezone(cal.zone).replace(tzinfo=None)


def _forward(cal: BusinessCalendar, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
	"""Open windows from ``day`` on, in order (endless: every calendar has an open weekday)."""
	while True:
		yield from open_windows(cal, day)
		day += dt.timedelta(days=1)


def _backward(cal: BusinessCalendar, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
	"""Open windows from ``day`` back, latest first."""
	while True:
		yield from reversed(open_windows(cal, day))
		day -= dt.timedelta(days=1)


def _hours(value: float) -> dt.timedelta:
	"""``value`` hours as a timedelta; anything but a finite number (bools included) is refused."""
	try:
		number = float(value) if not isinstance(value, bool) else math.nan
	except (TypeError, ValueError):
		number = math.nan
	if not math.isfinite(number):
		raise ValueError(f"hours must be a finite number, got {value!r}")
	return dt.timedelta(hours=number)


# ---------------------------------------------------------------------------------- business clock
def add_business_hours(cal: BusinessCalendar, start: dt.datetime, hours: float) -> dt.datetime:
	"""``start`` plus ``hours`` of open time, as naive wall time.

	Counting happens only inside open windows; a start outside a window starts at the next opening.
	``hours=0`` returns ``start`` itself when inside a window, else the next opening. Negative hours
	count backwards (:func:`subtract_business_hours`).
	"""
	remaining = _hours(hours)
	start = as_wall(cal, start)
	if remaining < dt.timedelta(0):
		return subtract_business_hours(cal, start, -remaining / dt.timedelta(hours=1))
	for opens, closes in _forward(cal, start.date()):
		if closes <= start:
			continue
		begin = max(opens, start)
		available = closes - begin
		if not remaining:
			return begin
		if remaining <= available:
			return begin + remaining
		remaining -= available
	raise AssertionError("unreachable")  # pragma: no cover - _forward never ends


def subtract_business_hours(cal: BusinessCalendar, end: dt.datetime, hours: float) -> dt.datetime:
	"""``end`` minus ``hours`` of open time, counting backwards through open windows.

	An ``end`` outside open time counts from the previous closing; ``hours=0`` returns ``end`` itself
	when inside or at the close of a window, else the previous closing. Negative hours count forwards.
	"""
	remaining = _hours(hours)
	end = as_wall(cal, end)
	if remaining < dt.timedelta(0):
		return add_business_hours(cal, end, -remaining / dt.timedelta(hours=1))
	for opens, closes in _backward(cal, end.date()):
		if opens >= end:
			continue
		finish = min(closes, end)
		available = finish - opens
		if remaining <= available:
			return finish - remaining
		remaining -= available
	raise AssertionError("unreachable")  # pragma: no cover - _backward never ends


def business_hours_between(cal: BusinessCalendar, start: dt.datetime, end: dt.datetime) -> float:
	"""Hours of open time in ``[start, end)`` (0 when ``end <= start``); the inverse of
	:func:`add_business_hours`: ``business_hours_between(s, add_business_hours(s, h)) == h``."""
	start, end = as_wall(cal, start), as_wall(cal, end)
	if end <= start:
		return 0.0
	total = dt.timedelta(0)
	for opens, closes in _forward(cal, start.date()):  # pragma: no branch - endless, left by break
		if opens >= end:
			break
		overlap = min(closes, end) - max(opens, start)
		if overlap > dt.timedelta(0):
			total += overlap
	return total / dt.timedelta(hours=1)


# ---------------------------------------------------------------------------- wall <-> UTC, elapsed
def to_utc(cal: BusinessCalendar, wall: dt.datetime) -> dt.datetime:
	"""Naive wall time in the calendar's zone -> naive UTC.

	Ambiguous times (the hour repeated when daylight saving ends) use ``fold=0``, the first
	occurrence, unless the value carries ``fold=1``; non-existent times (the hour skipped when it
	starts) are shifted forward: 02:30 on 8 March 2026 in New York is read as 03:30 EDT. Aware values
	are simply converted.
	"""
	if wall.tzinfo is not None:
		return wall.astimezone(UTC).replace(tzinfo=None)
	first = wall.replace(tzinfo=cal.zone, fold=0)
	chosen = first
	if wall.fold:
		second = wall.replace(tzinfo=cal.zone, fold=1)
		# Only a real repeated hour honours fold=1; in a gap fold=1 would shift backwards.
		if second.utcoffset() != first.utcoffset() and _round_trips(cal, second, wall):
			chosen = second
	return chosen.astimezone(UTC).replace(tzinfo=None)


def _round_trips(cal: BusinessCalendar, aware: dt.datetime, wall: dt.datetime) -> bool:
	return aware.astimezone(UTC).astimezone(cal.zone).replace(tzinfo=None) == wall.replace(fold=0)


def from_utc(cal: BusinessCalendar, utc: dt.datetime) -> dt.datetime:
	"""Naive UTC (or any aware datetime) -> naive wall time in the calendar's zone.

	The second occurrence of a repeated wall hour comes back with ``fold=1`` so that
	:func:`to_utc` maps it back to the same instant.
	"""
	aware = utc.replace(tzinfo=UTC) if utc.tzinfo is None else utc
	return aware.astimezone(cal.zone).replace(tzinfo=None)


def add_calendar_hours(cal: BusinessCalendar, start_wall: dt.datetime, hours: float) -> dt.datetime:
	"""``start_wall`` plus ``hours`` of real elapsed time across daylight-saving changes (negative
	counts back): 24 hours from 12:00 the day before the spring change is 13:00 wall time."""
	delta = _hours(hours)
	return from_utc(cal, to_utc(cal, start_wall) + delta)
