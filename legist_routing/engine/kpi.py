"""The guide's KPIs: the arithmetic on the counts the database returns, and the periods of a trend.

The database does the counting (``services/kpis.py``: aggregate statements grouped by period, medians and
percentiles by its own ``PERCENTILE_CONT``); what is left needs no database and is kept here, pure:

- the periods of a trend (weeks start on Monday, months on the 1st), empty ones included;
- ratios and means that are ``None`` where nothing was measured (never a division by zero, never a 0%
  that means "nothing happened");
- folding the grouped cells a statement returns (one per combination of periods) into totals and per
  period sums: at most a few hundred aggregate rows, never the tasks themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The five KPIs of the guide, in its order.
KEYS = (
	"acknowledgement_rate",
	"time_to_attorney_review",
	"missed_deadlines",
	"reassignment_rate",
	"client_communication_latency",
)
GRAINS = ("Day", "Week", "Month", "Quarter", "Year")


@dataclass(frozen=True)
class Kpi:
	key: str
	value: float | None  # None: nothing to measure in the period
	numerator: float = 0
	denominator: float = 0
	unit: str = ""  # "%" (a share, 0..1), "h" (hours), "" (a count)
	trend: tuple[float | None, ...] = field(default=())  # one value per period, in the order of periods()
	parent: str | None = None  # a breakdown row: the KPI it details


def period_start(day: dt.date, grain: str) -> dt.date:
	"""The first day of the day, week (Monday), month, quarter or year that ``day`` falls in."""
	if grain == "Day":
		return day
	if grain == "Week":
		return day - dt.timedelta(days=day.weekday())
	if grain == "Month":
		return day.replace(day=1)
	if grain == "Quarter":
		return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
	if grain == "Year":
		return day.replace(month=1, day=1)
	raise ValueError(f"unknown grain {grain!r}; use one of {', '.join(GRAINS)}")


def next_period(start: dt.date, grain: str) -> dt.date:
	"""The first day of the period after the one starting on ``start``."""
	if grain == "Day":
		return start + dt.timedelta(days=1)
	if grain == "Week":
		return start + dt.timedelta(days=7)
	months = {"Month": 1, "Quarter": 3, "Year": 12}[grain]
	index = start.year * 12 + start.month - 1 + months
	return dt.date(index // 12, index % 12 + 1, 1)


def periods(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
	"""The first days of every period from the one holding ``start`` to the one holding ``end``."""
	out: list[dt.date] = []
	if end < start:
		return out
	current, last = period_start(start, grain), period_start(end, grain)
	while current <= last:
		out.append(current)
		current = next_period(current, grain)
	return out


def ratio(numerator: float, denominator: float) -> float | None:
	"""``numerator / denominator``, or None when there is nothing to divide by."""
	return numerator / denominator if denominator else None


def hours(value: float | None) -> float | None:
	"""Hours as the KPIs show them: to two decimals."""
	return None if value is None else round(float(value), 2)


def fold(cells: Iterable[Mapping[str, Any]], by: str, fields: Sequence[str]) -> dict[Any, dict[str, float]]:
	"""Sum ``fields`` of the grouped ``cells`` per value of their ``by`` column (a cell whose ``by`` is None
	belongs to no period of that measure and is left out); the key None holds the grand total."""
	out: dict[Any, dict[str, float]] = {None: dict.fromkeys(fields, 0.0)}
	for cell in cells:
		key = cell.get(by)
		if key is None:
			continue
		slot = out.setdefault(key, dict.fromkeys(fields, 0.0))
		for name in fields:
			value = float(cell.get(name) or 0)
			slot[name] += value
			out[None][name] += value
	return out


def rate(
	key: str,
	sums: Mapping[Any, Mapping[str, float]],
	num: str,
	den: str,
	keys: Sequence[Any],
	parent: str | None = None,
) -> Kpi:
	"""A share (``num`` of ``den``) over the period and per period ``keys``, from ``fold``'s sums."""
	total = sums[None]
	return Kpi(
		key,
		ratio(total[num], total[den]),
		total[num],
		total[den],
		"%",
		tuple(ratio(sums[k][num], sums[k][den]) if k in sums else None for k in keys),
		parent,
	)


def count(
	key: str,
	sums: Mapping[Any, Mapping[str, float]],
	num: str,
	den: str | None,
	keys: Sequence[Any],
	parent: str | None = None,
) -> Kpi:
	"""A count (of ``den`` when given, as its "out of"), over the period and per period ``keys``."""
	total = sums[None]
	return Kpi(
		key,
		total[num],
		total[num],
		total[den] if den else 0,
		"",
		tuple(sums[k][num] if k in sums else 0 for k in keys),
		parent,
	)
