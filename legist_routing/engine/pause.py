"""Paused clocks: a task waiting on the client or a third party stops its acknowledgement and completion
clocks, counted in business time on the task's calendar. The legal deadline never moves.

All times are naive wall times in the calendar's zone (the services convert).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from legist_routing.engine.calendar import BusinessCalendar, add_business_hours, business_hours_between


@dataclass(frozen=True)
class Resumed:
	"""What resuming a paused task changes: the business hours this pause lasted, the new due times."""

	hours: float
	ack_due: dt.datetime | None
	due: dt.datetime | None


def resume(
	cal: BusinessCalendar,
	paused_at: dt.datetime,
	now: dt.datetime,
	ack_due: dt.datetime | None,
	due: dt.datetime | None,
	hard_deadline: dt.datetime | None = None,
) -> Resumed:
	"""The pause from ``paused_at`` to ``now`` in business hours, and the due times moved by as much.

	A due time the pause began after (already missed) stays where it was; a moved due time never passes
	the legal deadline."""
	hours = business_hours_between(cal, paused_at, now)

	def moved(value: dt.datetime | None) -> dt.datetime | None:
		if value is None or hours == 0 or value <= paused_at:
			return value
		shifted = add_business_hours(cal, value, hours)
		return min(shifted, hard_deadline) if hard_deadline is not None else shifted

	return Resumed(round(hours, 4), moved(ack_due), moved(due))
