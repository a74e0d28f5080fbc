"""The guide's KPI formulas."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from legist_routing.engine import kpi as K

NOW = dt.datetime(2026, 12, 15, 12)
H = dt.timedelta(hours=1)


def test_acknowledgement_rate_counts_only_tasks_already_due():
	tasks = [
		{"ack_due": NOW - 10 * H, "acknowledged_at": NOW - 12 * H},  # on time
		{"ack_due": NOW - 10 * H, "acknowledged_at": NOW - 8 * H},  # late
		{"ack_due": NOW - 10 * H, "acknowledged_at": None},  # overdue, not acknowledged
		{"ack_due": NOW + 10 * H, "acknowledged_at": None},  # not yet due: not counted
		{"ack_due": NOW + 10 * H, "acknowledged_at": NOW - H},  # acknowledged early: on time
		{"ack_due": None, "acknowledged_at": None},  # no SLA: not counted
	]
	k = K.acknowledgement_rate(tasks, NOW)
	assert (k.numerator, k.denominator, k.value, k.unit) == (2, 4, 0.5, "%")
	assert K.acknowledgement_rate([], NOW).value is None


def test_time_to_review_is_a_median_in_hours():
	reviews = [
		SimpleNamespace(creation=NOW - 10 * H, completed_at=NOW),
		SimpleNamespace(creation=NOW - 2 * H, completed_at=NOW),
		SimpleNamespace(creation=NOW - 4 * H, completed_at=NOW),
		SimpleNamespace(creation=NOW - 4 * H, completed_at=None),  # still open
	]
	k = K.time_to_review(reviews)
	assert (k.value, k.numerator) == (4, 3)
	assert K.time_to_review([]).value is None


def test_missed_deadlines():
	tasks = [
		{"hard_deadline": NOW - H, "completed_at": NOW - 2 * H, "status": "Completed"},  # met
		{"hard_deadline": NOW - H, "completed_at": NOW, "status": "Completed"},  # missed
		{"hard_deadline": NOW - H, "completed_at": None, "status": "Open"},  # open past it
		{"hard_deadline": NOW + H, "completed_at": None, "status": "Open"},  # not yet
		{"hard_deadline": NOW - H, "completed_at": None, "status": "Cancelled"},  # not counted
		{"hard_deadline": None, "completed_at": None, "status": "Open"},  # no deadline
	]
	k = K.missed_deadlines(tasks, NOW)
	assert (k.value, k.denominator) == (2, 4)


def test_reassignment_rate():
	k = K.reassignment_rate(
		[{"reassignment_count": 0}, {"reassignment_count": 2}, {"reassignment_count": None}]
	)
	assert (k.numerator, k.denominator) == (1, 3)
	assert K.reassignment_rate([]).value is None


def test_communication_latency():
	k = K.communication_latency([(NOW - 3 * H, NOW), (NOW - H, NOW), (NOW, None)])
	assert (k.value, k.numerator) == (2, 2)
	assert K.communication_latency([]).value is None
