"""Business calendars on the site: the Business Calendar DocType as the engine's BusinessCalendar."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.utils import get_system_timezone, get_time
from frappe.utils.caching import request_cache

from legist_routing.engine import calendar as C
from legist_routing.services import settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_cache: dict[tuple, C.BusinessCalendar] = {}


def clear_cache():
	_cache.clear()
	cache = getattr(frappe.local, "request_cache", None)
	if cache is not None:
		cache.pop(_load.__wrapped__, None)


def validate_calendar(doc):
	if not doc.time_zone:
		return _validate_hours(doc)
	try:
		ZoneInfo(doc.time_zone)
	except (ZoneInfoNotFoundError, ValueError):
		frappe.throw(
			_("Time Zone: '{0}' is not a time zone name; use one such as America/New_York.").format(
				doc.time_zone
			)
		)
	_validate_hours(doc)


def _validate_hours(doc):
	by_day: dict[str, list] = {}
	for row in doc.hours:
		opens, closes = get_time(row.opens), get_time(row.closes)
		if closes <= opens:
			frappe.throw(
				_("Working Hours row {0}: closes ({1}) must be after opens ({2}).").format(
					row.idx, row.closes, row.opens
				)
			)
		by_day.setdefault(row.weekday, []).append((opens, closes, row.idx))
	for day, windows in by_day.items():
		windows.sort()
		for (_o1, c1, _i1), (o2, _c2, i2) in itertools.pairwise(windows):
			if o2 < c1:
				frappe.throw(_("Working Hours row {0}: overlaps another window on {1}.").format(i2, _(day)))


def _default_name() -> str | None:
	return settings.get().default_calendar


def get_calendar(name: str | None = None) -> C.BusinessCalendar:
	"""The named calendar (default: Routing Settings'), or Mon-Fri 09-17 with federal holidays in the site's zone."""
	name = name or _default_name()
	if not name:
		return _fallback()
	return _load(name)


@request_cache  # one look-up per request
def _load(name: str) -> C.BusinessCalendar:
	modified = frappe.db.get_value("Business Calendar", name, "modified")
	if modified is None:
		return _fallback()
	key = (frappe.local.site, name, str(modified), get_system_timezone())
	if key not in _cache:
		# Built calendars are shared through Redis: a fresh worker process need not recompute sixteen years
		# of federal holidays.
		shared = frappe.cache.get_value(f"legist_routing:calendar:{name}:{modified}:{key[3]}")
		if shared is not None:
			_cache[key] = shared
	if key not in _cache:
		doc = frappe.get_doc("Business Calendar", name)
		hours: dict[int, list] = {}
		for row in doc.hours:
			hours.setdefault(WEEKDAYS.index(row.weekday), []).append(
				(get_time(row.opens), get_time(row.closes))
			)
		_cache[key] = C.make_calendar(
			time_zone=doc.time_zone or get_system_timezone(),
			hours={day: tuple(sorted(w)) for day, w in hours.items()},
			closures=[frappe.utils.getdate(c.date) for c in doc.closures],
			federal_holidays=bool(doc.us_federal_holidays),
		)
		frappe.cache.set_value(
			f"legist_routing:calendar:{name}:{modified}:{key[3]}", _cache[key], expires_in_sec=86400
		)
	return _cache[key]


def _fallback() -> C.BusinessCalendar:
	key = (frappe.local.site, None, get_system_timezone())
	if key not in _cache:
		_cache[key] = C.make_calendar(time_zone=get_system_timezone())
	return _cache[key]


# ----------------------------------------------------------------------- site time <-> calendar time
def to_calendar(value: dt.datetime | None, cal: C.BusinessCalendar) -> dt.datetime | None:
	"""A naive datetime in the site's time zone as naive wall time in the calendar's zone."""
	if value is None:
		return None
	site = ZoneInfo(get_system_timezone())
	if site.key == cal.time_zone:
		return value
	return value.replace(tzinfo=site).astimezone(ZoneInfo(cal.time_zone)).replace(tzinfo=None)


def to_site(value: dt.datetime | None, cal: C.BusinessCalendar) -> dt.datetime | None:
	if value is None:
		return None
	site = ZoneInfo(get_system_timezone())
	if site.key == cal.time_zone:
		return value
	return value.replace(tzinfo=ZoneInfo(cal.time_zone)).astimezone(site).replace(tzinfo=None)


def federal_holidays(years) -> set[dt.date]:
	return set(C.us_federal_holidays(years))
