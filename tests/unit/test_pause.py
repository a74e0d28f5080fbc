"""Paused clocks: business-time arithmetic of a pause, and the ladder while a task waits."""

from __future__ import annotations

import datetime as dt

from legist_routing.engine.calendar import make_calendar
from legist_routing.engine.escalation import GUIDE_POLICY, TaskClock, schedule
from legist_routing.engine.pause import resume

NY = make_calendar()  # Mon-Fri 09:00-17:00


def at(d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
	return dt.datetime(2026, 6, d, hh, mm)  # June 2026: the 5th is a Friday, the 8th a Monday


def test_a_pause_over_a_weekend_counts_only_business_hours():
	# paused Friday 15:00, resumed Monday 11:00: 2 h on Friday + 2 h on Monday
	r = resume(NY, at(5, 15), at(8, 11), ack_due=at(5, 16), due=at(9, 17))
	assert r.hours == 4.0
	assert r.ack_due == at(8, 12)  # Friday 16:00 + 4 business hours: Monday 12:00
	assert r.due == at(10, 13)  # Tuesday 17:00 + 4 business hours: Wednesday 13:00


def test_a_pause_entirely_outside_business_hours_moves_nothing():
	r = resume(NY, at(6, 10), at(7, 18), ack_due=None, due=at(9, 17))  # Saturday to Sunday
	assert (r.hours, r.ack_due, r.due) == (0.0, None, at(9, 17))


def test_a_due_time_missed_before_the_pause_stays_missed():
	r = resume(NY, at(8, 10), at(8, 12), ack_due=at(8, 9, 30), due=at(8, 11))
	assert r.hours == 2.0
	assert r.ack_due == at(8, 9, 30)
	assert r.due == at(8, 13)


def test_a_moved_due_time_never_passes_the_legal_deadline():
	r = resume(NY, at(8, 9), at(9, 17), ack_due=None, due=at(10, 15), hard_deadline=at(10, 17))
	assert r.hours == 16.0
	assert r.due == at(10, 17)


def test_a_paused_task_keeps_only_the_deadline_stages():
	clock = TaskClock(
		assigned_at=at(8, 9), due=at(12, 17), hard_deadline=at(30, 17), assignee="p@x", paused=True
	)
	steps = schedule(GUIDE_POLICY, clock, NY)
	stages = {s.key: s for s in GUIDE_POLICY.stages}
	assert steps and all(stages[s.stage].anchor == "deadline" for s in steps)


def test_the_assignment_clock_resumes_where_it_stopped():
	base = TaskClock(assigned_at=at(8, 9), due=at(12, 17), hard_deadline=at(30, 17), assignee="p@x")
	after = TaskClock(
		assigned_at=at(8, 9), due=at(12, 17), hard_deadline=at(30, 17), assignee="p@x", paused_hours=6.0
	)
	stages = {s.key: s for s in GUIDE_POLICY.stages}
	before_steps = {s.stage: s for s in schedule(GUIDE_POLICY, base, NY)}
	after_steps = {s.stage: s for s in schedule(GUIDE_POLICY, after, NY)}
	for key, step in before_steps.items():
		if stages[key].anchor == "assignment":
			# same version (the ledger still knows the steps already taken), 6 business hours later
			assert after_steps[key].version == step.version
			assert after_steps[key].at > step.at
		else:
			assert after_steps[key].at == step.at
	x = [k for k in before_steps if stages[k].anchor == "assignment" and stages[k].hours == 4]
	assert x and after_steps[x[0]].at == at(9, 11)  # Monday 09:00 + 4 h + 6 h paused = Tuesday 11:00


def test_a_calendar_clock_stage_moves_by_the_business_hours_paused():
	from legist_routing.engine.escalation import Policy, Stage

	policy = Policy("calendar", (Stage("nudge", "not_acknowledged", "assignment", 48, "calendar", "remind"),))
	clock = TaskClock(assigned_at=at(8, 9), assignee="p@x")
	assert schedule(policy, clock, NY)[0].at == at(10, 9)
	paused = TaskClock(assigned_at=at(8, 9), assignee="p@x", paused_hours=3.0)
	assert schedule(policy, paused, NY)[0].at == at(10, 12)
