"""The clock triggers: deadline.approaching once per notice, deadline version and threshold (14, 7, 3, 1
days); appointment.approaching and appointment.passed once per notice and appointment time."""

from __future__ import annotations

import datetime as dt

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate

from legist_routing.engine import deadlines as D
from legist_routing.engine.decide import Event
from legist_routing.services import facts, journal, routing, settings


def thresholds() -> tuple[int, ...]:
	raw = settings.get().deadline_thresholds or "14,7,3,1"
	values = sorted({int(p) for p in raw.replace(" ", "").split(",") if p.strip().isdigit()}, reverse=True)
	return tuple(values) or (14, 7, 3, 1)


def sweep(today=None) -> list[str]:
	"""Hourly job: route deadline.approaching for each notice whose response date crossed a threshold.

	The event key holds the notice, its deadline and the threshold, so each fires once (the Routing Log's
	unique key), and a changed deadline is a new version that fires again.
	"""
	today = getdate(today or nowdate())
	steps = thresholds()
	notices = frappe.get_all(
		"Case Notice",
		filters={"response_due_date": ["between", [today, add_days(today, max(steps))]]},
		fields=["name", "case", *facts.NOTICE_FIELDS[1:]],
	)
	if not notices:
		return []
	cases = {
		c.name: c
		for c in frappe.get_all("Case", filters={"name": ["in", {n.case for n in notices}]}, fields=["*"])
	}
	crossed = {
		notice.name: [
			(d, f"deadline.approaching:{notice.name}:{getdate(notice.response_due_date)}:{d}")
			for d in D.crossed_thresholds(getdate(notice.response_due_date), today, steps)
		]
		for notice in notices
	}
	keys = [key for pairs in crossed.values() for _d, key in pairs]
	seen = (
		set(frappe.get_all("Routing Log", filters={"event_key": ["in", keys]}, pluck="event_key"))
		if keys
		else set()
	)
	fired = []
	for notice in notices:
		deadline = getdate(notice.response_due_date)
		pending = [d for d, key in crossed[notice.name] if key not in seen]
		# After an outage only the most urgent threshold fires; the earlier ones are recorded as passed.
		for days in pending[:-1]:
			journal.write_plain(
				event="deadline.approaching",
				key=f"deadline.approaching:{notice.name}:{deadline}:{days}",
				case=notice.case,
				reference_doctype="Case Notice",
				reference_name=notice.name,
				summary=f"{days}-day threshold passed while routing was not running; superseded by {pending[-1]} days.",
				trace={"threshold": days, "superseded_by": pending[-1]},
			)
		for days in pending[-1:]:
			key = f"deadline.approaching:{notice.name}:{deadline}:{days}"
			known = {
				**facts.case_facts(cases[notice.case]),
				**facts.notice_facts(notice),
				"deadline.days_left": (deadline - today).days,
				"deadline.threshold": days,
				"deadline.kind": "response",
			}
			routing.route(Event("deadline.approaching", key, notice.case, "Case Notice", notice.name), known)
			fired.append(key)
	return fired


# How long before an appointment an unconfirmed one fires appointment.approaching, and how long after it
# appointment.passed still fires (an outage longer than that is not caught up).
APPOINTMENT_HOURS = 48
PASSED_WINDOW_DAYS = 7


def sweep_appointments(now=None) -> list[str]:
	"""Hourly job: route appointment.approaching (48 hours before, once per notice and appointment time)
	and appointment.passed (once, after it). ``appointment.confirmed`` says whether the work the notice
	created (the confirmation task) is done."""
	now = get_datetime(now or now_datetime())
	soon, since = now + dt.timedelta(hours=APPOINTMENT_HOURS), now - dt.timedelta(days=PASSED_WINDOW_DAYS)
	notices = frappe.get_all(
		"Case Notice",
		filters={"appointment_at": ["between", [since, soon]]},
		fields=["name", "case", *facts.NOTICE_FIELDS[1:]],
	)
	if not notices:
		return []
	events = {}
	for notice in notices:
		at = get_datetime(notice.appointment_at)
		trigger = "appointment.passed" if at <= now else "appointment.approaching"
		suffix = "" if trigger == "appointment.passed" else f":{APPOINTMENT_HOURS}"
		events[notice.name] = (trigger, f"{trigger}:{notice.name}:{at.isoformat()}{suffix}")
	keys = [key for _t, key in events.values()]
	seen = set(frappe.get_all("Routing Log", filters={"event_key": ["in", keys]}, pluck="event_key"))
	names = [n.name for n in notices]
	confirmed = set(
		frappe.get_all(
			"Case Task",
			filters={"case_notice": ["in", names], "status": "Completed", "kind": "Work"},
			pluck="case_notice",
		)
	)
	cases = {
		c.name: c
		for c in frappe.get_all("Case", filters={"name": ["in", {n.case for n in notices}]}, fields=["*"])
	}
	fired = []
	for notice in notices:
		trigger, key = events[notice.name]
		if key in seen:
			continue
		hours_left = (get_datetime(notice.appointment_at) - now).total_seconds() / 3600
		known = {
			**facts.case_facts(cases[notice.case]),
			**facts.notice_facts(notice),
			"appointment.hours_left": round(hours_left, 1),
			"appointment.confirmed": notice.name in confirmed,
			"appointment.threshold": APPOINTMENT_HOURS,
		}
		routing.route(Event(trigger, key, notice.case, "Case Notice", notice.name), known)
		fired.append(key)
	return fired
