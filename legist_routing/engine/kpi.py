"""The guide's KPIs as plain formulas over task records (dicts or objects with the named attributes).

- acknowledgement rate: of the tasks whose acknowledgement was due in the period (or that were
  acknowledged), the share acknowledged by their ``ack_due``;
- time to attorney review: median hours from a review task's creation (the draft handed over) to its
  completion;
- missed deadlines: tasks completed after their hard deadline, or still open past it;
- reassignment rate: the share of tasks that were reassigned at least once;
- client communication latency: median hours from a case's status change to the client being told.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

# A task (or review) record: a dict (Frappe's rows are dicts) or any object with the named attributes;
# a missing field reads as None.
Record: TypeAlias = dict[str, Any] | object


@dataclass(frozen=True)
class Kpi:
	key: str
	value: float | None  # None: nothing to measure in the period
	numerator: float = 0
	denominator: float = 0
	unit: str = ""


def _get(row: Record, name: str) -> Any:
	return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def acknowledgement_rate(tasks: Iterable[Record], now: dt.datetime) -> Kpi:
	due = on_time = 0
	for t in tasks:
		ack_due: dt.datetime | None = _get(t, "ack_due")
		acked: dt.datetime | None = _get(t, "acknowledged_at")
		if ack_due is None or (acked is None and ack_due > now):
			continue  # not yet due: neither on time nor late
		due += 1
		on_time += acked is not None and acked <= ack_due
	return Kpi("acknowledgement_rate", on_time / due if due else None, on_time, due, "%")


def time_to_review(reviews: Iterable[Record]) -> Kpi:
	hours: list[float] = [
		(_get(r, "completed_at") - _get(r, "creation")).total_seconds() / 3600
		for r in reviews
		if _get(r, "completed_at") and _get(r, "creation")
	]
	return Kpi(
		"time_to_attorney_review", statistics.median(hours) if hours else None, len(hours), len(hours), "h"
	)


def missed_deadlines(tasks: Iterable[Record], now: dt.datetime) -> Kpi:
	missed = counted = 0
	for t in tasks:
		deadline: dt.datetime | None = _get(t, "hard_deadline")
		if deadline is None or _get(t, "status") == "Cancelled":
			continue
		counted += 1
		done: dt.datetime | None = _get(t, "completed_at")
		missed += (done is not None and done > deadline) or (done is None and now > deadline)
	return Kpi("missed_deadlines", missed, missed, counted, "")


def reassignment_rate(tasks: Iterable[Record]) -> Kpi:
	total = moved = 0
	for t in tasks:
		total += 1
		moved += (_get(t, "reassignment_count") or 0) > 0
	return Kpi("reassignment_rate", moved / total if total else None, moved, total, "%")


def communication_latency(pairs: Iterable[tuple[dt.datetime | None, dt.datetime | None]]) -> Kpi:
	"""``pairs``: (status changed at, client told at); a pair missing either is not counted."""
	hours = [(told - changed).total_seconds() / 3600 for changed, told in pairs if told and changed]
	return Kpi(
		"client_communication_latency",
		statistics.median(hours) if hours else None,
		len(hours),
		len(hours),
		"h",
	)
