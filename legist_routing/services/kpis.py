"""The guide's five KPIs, counted by the database.

Each KPI is defined once, in ``definitions()`` (the Routing KPIs report shows them as its help). The
counting is SQL: one aggregate statement per source, grouped by period — Case Task for acknowledgements,
deadlines and reassignment rate; Case Task again for reviews, whose median and 90th percentile are the
database's ``PERCENTILE_CONT``; the Routing Log for reassignments and their reasons; Client Message and
Case for client communication. No task row comes back to Python, only aggregates; ``engine.kpi`` turns
them into shares and trends (``None`` where nothing was measured, never a division by zero).

Bottom layer: reads only, writes nothing. Managers only: callers check (the report's roles, the API).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, get_datetime, getdate, now_datetime

from legist_routing.engine import kpi as K
from legist_routing.services import settings

DEFAULT_DAYS = 30  # the period when none is given: the last 30 days, today included
# SQL for the first day of a datetime's period (a DATE); ``{0}`` is the column.
BUCKETS = {
	"Day": "date({0})",
	"Week": "date_sub(date({0}), interval weekday({0}) day)",
	"Month": "date_sub(date({0}), interval dayofmonth({0}) - 1 day)",
	"Quarter": "makedate(year({0}), 1) + interval (quarter({0}) - 1) quarter",
	"Year": "makedate(year({0}), 1)",
}
# A task's deadline: the earlier of its internal due time and its USCIS hard deadline (either may be empty).
DEADLINE = "least(coalesce(t.due, t.hard_deadline), coalesce(t.hard_deadline, t.due))"
# A task whose deadlines count: notifications and cancelled tasks aside.
COUNTED = "(ifnull(t.kind, '') != 'Notification' and t.status != 'Cancelled')"
# Which computation each row comes from, so a card or chart asks only for what it shows.
SOURCES = {
	"acknowledgement_rate": "tasks",
	"missed_deadlines": "tasks",
	"reassignment_rate": "tasks",
	"time_to_attorney_review": "reviews",
	"client_communication_latency": "messages",
}

# A breakdown row and the KPI it details.
PARENT_OF = {
	"time_to_attorney_review_p90": "time_to_attorney_review",
	"missed_uscis_deadlines": "missed_deadlines",
	"reassignments_rule": "reassignment_rate",
	"reassignments_manual": "reassignment_rate",
	"client_communication_latency_median": "client_communication_latency",
	"status_changes_untold": "client_communication_latency",
}


@dataclass(frozen=True)
class Result:
	from_date: dt.date
	to_date: dt.date
	grain: str
	periods: list[dt.date]
	kpis: list[K.Kpi]

	def get(self, key: str) -> K.Kpi:
		return next(k for k in self.kpis if k.key == key)


def labels() -> dict[str, str]:
	return {
		"acknowledgement_rate": _("Acknowledged within SLA"),
		"time_to_attorney_review": _("Median time to attorney review"),
		"time_to_attorney_review_p90": _("90th percentile time to attorney review"),
		"missed_deadlines": _("Missed deadlines"),
		"missed_uscis_deadlines": _("Also past the USCIS hard deadline"),
		"reassignment_rate": _("Reassignment rate"),
		"reassignments_rule": _("Reassignments by rule (escalation, case slot)"),
		"reassignments_manual": _("Reassignments by hand (a manager)"),
		"client_communication_latency": _("Client communication latency"),
		"client_communication_latency_median": _("Median client communication latency"),
		"status_changes_untold": _("Status changes the client has not been told of"),
	}


# The KPIs a trend can be charted for (the Routing KPIs report's Chart filter, the workspace's trend
# charts), the first the default.
CHARTED = (
	"acknowledgement_rate",
	"time_to_attorney_review",
	"time_to_attorney_review_p90",
	"missed_deadlines",
	"reassignment_rate",
	"client_communication_latency",
)


def chart_options() -> list[dict]:
	"""The charted KPIs as Select options for the desk's filters, in the reader's language."""
	names = labels()
	return [{"value": key, "label": names[key]} for key in CHARTED]


def definitions() -> list[tuple[str, str]]:
	"""What each KPI counts, exactly: (label, definition), for the report's help."""
	names = labels()
	return [
		(
			names["acknowledgement_rate"],
			_(
				"Of the tasks created in the period that have an acknowledgement due time (notifications "
				"included), the share acknowledged by that time. A task neither acknowledged nor due yet is "
				"not counted, nor one cancelled before anyone acknowledged it. After a reassignment the new "
				"assignee's window is the one that counts."
			),
		),
		(
			names["time_to_attorney_review"],
			_(
				"For the review tasks completed in the period, the elapsed hours from the review task's first "
				"assignment to its completion; each review round (approved or sent back) is one review. "
				"Shown as the median and the 90th percentile, interpolated as the database's PERCENTILE_CONT "
				"does. Count: the reviews measured."
			),
		),
		(
			names["missed_deadlines"],
			_(
				"Tasks (notifications and cancelled tasks aside) whose deadline falls in the period and that "
				"were completed after it or are still open past it. A task's deadline is its internal due "
				"time, or its USCIS hard deadline when that is earlier or the only one. Out of: the tasks "
				"whose deadline in the period has come (passed, or met by completing the task). The row "
				"below counts those also past the USCIS hard deadline."
			),
		),
		(
			names["reassignment_rate"],
			_(
				"Of the tasks created in the period (notifications aside), the share moved to someone else at "
				"least once. The rows below count the reassignments made in the period, from the Routing "
				"Log: by rule (an escalation policy's Reassign stage, or a new person in the case slot the "
				"task was assigned through) and by hand (a manager, with the reason given), each reason on "
				"its own row."
			),
		),
		(
			names["client_communication_latency"],
			_(
				"For the first message to the client after a case's status changed (its opening included), "
				"sent in the period: the hours from the change to the message, as an average (the guide's "
				"measure) and a median. The last row counts the status changes of the period that no "
				"message has followed yet."
			),
		),
		(
			_("Filters"),
			_(
				"The period runs from the first day's midnight to the end of the last day, in the site's time "
				"zone. Case type and priority are the task's (for client messages and status changes, the "
				"case's). A person is the task's assignee (for a message, its author; for a status change "
				"not yet told, the case's primary paralegal or lead attorney); a team stands for its active "
				"members. A week starts on Monday."
			),
		),
	]


# ------------------------------------------------------------------------------------------- scope
def window(filters: dict) -> tuple[dt.date, dt.date]:
	"""The period's first and last day (the last 30 days when not given)."""
	to_date = getdate(filters.get("to_date") or now_datetime())
	from_date = getdate(filters.get("from_date") or add_days(to_date, 1 - DEFAULT_DAYS))
	if from_date > to_date:
		frappe.throw(_("From: the period starts after it ends; choose a From date on or before To."))
	return from_date, to_date


def grain_of(filters: dict) -> str:
	grain = filters.get("trend") or "Week"
	if grain not in BUCKETS:
		frappe.throw(_("Trend: choose By Week or By Month."))
	return grain


def _members() -> str:
	return """(select m.user from `tabRouting Team Member` m
		where m.parent = %(team)s and m.parenttype = 'Routing Team' and m.active = 1)"""


def task_scope(filters: dict, params: dict) -> str:
	"""The filters as SQL conditions on the task ``t``."""
	parts = []
	if filters.get("case_type"):
		params["case_type"] = filters["case_type"]
		parts.append("t.`case` in (select c.name from `tabCase` c where c.case_type = %(case_type)s)")
	if filters.get("priority"):
		params["priority"] = filters["priority"]
		parts.append("t.priority = %(priority)s")
	if filters.get("user"):
		params["user"] = filters["user"]
		parts.append("t.assigned_to = %(user)s")
	if filters.get("team"):
		params["team"] = filters["team"]
		parts.append(f"t.assigned_to in {_members()}")
	return "".join(f" and {p}" for p in parts)


def case_scope(filters: dict, params: dict, case: str, person: str | tuple[str, ...]) -> str:
	"""The filters as SQL conditions on a case column (``case``: its name) and a person expression (a
	column, or a tuple of columns any of which may be the person)."""
	parts = []
	if filters.get("case_type") or filters.get("priority"):
		inner = []
		if filters.get("case_type"):
			params["case_type"] = filters["case_type"]
			inner.append("c.case_type = %(case_type)s")
		if filters.get("priority"):
			params["priority"] = filters["priority"]
			inner.append("c.priority = %(priority)s")
		parts.append(f"{case} in (select c.name from `tabCase` c where {' and '.join(inner)})")
	columns = person if isinstance(person, tuple) else (person,)
	if filters.get("user"):
		params["user"] = filters["user"]
		parts.append("(" + " or ".join(f"{c} = %(user)s" for c in columns) + ")")
	if filters.get("team"):
		params["team"] = filters["team"]
		parts.append("(" + " or ".join(f"{c} in {_members()}" for c in columns) + ")")
	return "".join(f" and {p}" for p in parts)


def _params(from_date: dt.date, to_date: dt.date, now: dt.datetime) -> dict:
	return {
		"start": get_datetime(from_date),
		"end": get_datetime(add_days(to_date, 1)),
		"now": now,
	}


# ------------------------------------------------------------------------------------------ queries
def task_cells(filters: dict, grain: str, params: dict) -> list:
	"""Acknowledgements, reassignment rate and deadlines in one pass over the tasks.

	The tasks are counted per (creation day, deadline day) — a cheap integer key, and the conditions
	counted need no cohort test — then those day cells (a few thousand at most) are summed per period by
	the outer query, each measure over its own cohort: tasks created in the period, tasks whose deadline
	falls in it. A cell's period is None for tasks outside that cohort."""
	bucket = BUCKETS[grain]
	params["first_day"], params["last_day"] = _day(params["start"]), _day(params["end"]) - 1
	created = "g.created_day between %(first_day)s and %(last_day)s"
	due = "g.deadline_day between %(first_day)s and %(last_day)s"
	return frappe.db.sql(
		f"""select
			if({created}, {bucket.format("from_days(g.created_day)")}, null) as created,
			if({due}, {bucket.format("from_days(g.deadline_day)")}, null) as deadline,
			sum(if({created}, g.ack_on_time, 0)) as ack_on_time,
			sum(if({created}, g.ack_due, 0)) as ack_due,
			sum(if({created}, g.tasks, 0)) as tasks,
			sum(if({created}, g.reassigned, 0)) as reassigned,
			sum(if({due}, g.deadlines, 0)) as deadlines,
			sum(if({due}, g.missed, 0)) as missed,
			sum(if({due}, g.missed_uscis, 0)) as missed_uscis
		from (
			select to_days(t.creation) as created_day, to_days({DEADLINE}) as deadline_day,
				sum(t.ack_due is not null and t.acknowledged_at <= t.ack_due) as ack_on_time,
				sum(t.ack_due is not null and (t.acknowledged_at is not null
					or (t.status != 'Cancelled' and t.ack_due <= %(now)s))) as ack_due,
				sum(ifnull(t.kind, '') != 'Notification') as tasks,
				sum(ifnull(t.kind, '') != 'Notification' and t.reassignment_count > 0) as reassigned,
				sum({COUNTED} and (t.completed_at is not null or {DEADLINE} <= %(now)s)) as deadlines,
				sum({COUNTED} and (t.completed_at > {DEADLINE}
					or (t.completed_at is null and {DEADLINE} < %(now)s))) as missed,
				sum({COUNTED} and (t.completed_at > t.hard_deadline
					or (t.completed_at is null and t.hard_deadline < %(now)s))) as missed_uscis
			from `tabCase Task` t
			where ((t.creation >= %(start)s and t.creation < %(end)s)
				or ({DEADLINE} >= %(start)s and {DEADLINE} < %(end)s)){task_scope(filters, params)}
			group by created_day, deadline_day
		) g
		group by created, deadline""",
		params,
		as_dict=True,
	)


def _day(moment: dt.datetime) -> int:
	"""MariaDB's TO_DAYS of a midnight."""
	return moment.toordinal() + 365


# Where a review's clock starts: its first assignment (Frappe's ToDo keeps every one; a task never
# reassigned has only the one its Assigned At records).
REVIEW_START = """if(t.reassignment_count > 0,
	coalesce((select min(d.creation) from `tabToDo` d
		where d.reference_type = 'Case Task' and d.reference_name = t.name), t.assigned_at),
	t.assigned_at)"""


def _percentiles(inner: str, params: dict, with_sum: bool = False) -> list:
	"""Count, median and 90th percentile of ``h`` per ``period`` and over the whole (``inner`` selects
	``period`` and ``h``), by the database's PERCENTILE_CONT: one row per period, and one whose period is
	None for the whole. Each value is read twice, once for its period and once for the whole, so that
	every window has the same PARTITION BY (MariaDB 10.11 reuses one sort for windows that differ only
	in it, and an OVER () beside an OVER (PARTITION BY …) then reads the values out of order)."""
	total = ", sum(g.h) over (partition by g.period) as total" if with_sum else ""
	return frappe.db.sql(
		f"""select distinct g.period,
			count(*) over (partition by g.period) as n,
			percentile_cont(0.5) within group (order by g.h) over (partition by g.period) as p50,
			percentile_cont(0.9) within group (order by g.h) over (partition by g.period) as p90{total}
		from (
			select if(w.whole, null, r.period) as period, r.h
			from ({inner}) r
			straight_join (select 0 as whole union all select 1) w
		) g""",
		params,
		as_dict=True,
	)


def review_rows(filters: dict, grain: str, params: dict) -> list:
	bucket = BUCKETS[grain].format("t.completed_at")
	return _percentiles(
		f"""select {bucket} as period,
			timestampdiff(second, {REVIEW_START}, t.completed_at) / 3600 as h
		from `tabCase Task` t
		where t.kind = 'Review' and t.status = 'Completed' and t.assigned_at is not null
			and t.completed_at >= %(start)s and t.completed_at < %(end)s{task_scope(filters, params)}""",
		params,
	)


def reassignment_rows(filters: dict, grain: str, params: dict) -> list:
	"""Reassignments made in the period (the Routing Log's ``task.reassigned``), per period and reason.

	Without filters on the task, the notifications are set aside by name (read from the Case Task's
	kind index) and the Routing Log's own index answers the rest, so a reassignment whose task was since
	deleted still counts; with them, each log joins its task and must match them."""
	bucket = BUCKETS[grain].format("l.creation")
	scope = task_scope(filters, params)
	if scope:
		source = "`tabRouting Log` l straight_join `tabCase Task` t on t.name = l.reference_name"
		tasks = f" and ifnull(t.kind, '') != 'Notification'{scope}"
	else:
		source = "`tabRouting Log` l"
		tasks = """ and l.reference_name not in
			(select n.name from `tabCase Task` n where n.kind = 'Notification')"""
	return frappe.db.sql(
		f"""select {bucket} as period, l.reason, count(*) as n
		from {source}
		where l.event = 'task.reassigned' and l.reference_doctype = 'Case Task'
			and l.creation >= %(start)s and l.creation < %(end)s{tasks}
		group by period, reason""",
		params,
		as_dict=True,
	)


def message_rows(filters: dict, grain: str, params: dict) -> list:
	"""The first message to the client after each status change, sent in the period: how many, the sum
	and the median of the hours from the change. (The portal stamps each message with the change it
	follows; the first of a change is the one no earlier message shares that stamp with.)"""
	bucket = BUCKETS[grain].format("m.sent_at")
	return _percentiles(
		f"""select {bucket} as period, timestampdiff(second, m.status_changed_at, m.sent_at) / 3600 as h
		from `tabClient Message` m
		where m.status_changed_at is not null and m.sent_at >= %(start)s and m.sent_at < %(end)s
			and not exists (select 1 from `tabClient Message` e
				where e.`case` = m.`case` and e.status_changed_at = m.status_changed_at
					and (e.sent_at < m.sent_at or (e.sent_at = m.sent_at and e.name < m.name)))
			{case_scope(filters, params, "m.`case`", "m.owner")}""",
		params,
		with_sum=True,
	)


def untold_rows(filters: dict, grain: str, params: dict) -> list:
	"""Status changes in the period no message has followed yet, per period (a message follows a change
	when it carries that change's time: the portal stamps it so)."""
	bucket = BUCKETS[grain].format("s.status_changed_at")
	scope = case_scope(filters, params, "s.name", ("s.primary_paralegal", "s.lead_attorney"))
	return frappe.db.sql(
		f"""select {bucket} as period, count(*) as n
		from `tabCase` s
		left join `tabClient Message` m force index (case_status_changed_at_index)
			on m.`case` = s.name and m.status_changed_at = s.status_changed_at
		where s.status_changed_at >= %(start)s and s.status_changed_at < %(end)s and m.name is null{scope}
		group by period""",
		params,
		as_dict=True,
	)


# ---------------------------------------------------------------------------------------- measures
def compute(filters: dict | None = None, now: dt.datetime | None = None, only: str | None = None) -> Result:
	"""The KPIs over the period and per week or month. ``only``: one KPI (and its breakdown rows), for a
	number card or a chart; ``now``: the moment "not yet due" and "still open past it" are judged at."""
	filters = dict(filters or {})
	from_date, to_date = window(filters)
	grain = grain_of(filters)
	now = now or now_datetime()
	periods = K.periods(from_date, to_date, grain)
	if only is not None and only not in SOURCES:
		frappe.throw(_("KPI: choose one of {0}.").format(", ".join(SOURCES)))
	wanted = {SOURCES[only]} if only else set(SOURCES.values())
	out: list[K.Kpi] = []
	if "tasks" in wanted:
		out += _task_kpis(filters, grain, periods, _params(from_date, to_date, now), only)
	if "reviews" in wanted:
		out += _review_kpis(filters, grain, periods, _params(from_date, to_date, now))
	if "messages" in wanted:
		out += _message_kpis(filters, grain, periods, _params(from_date, to_date, now))
	parents = {k.key: k.parent for k in out}

	def root(key: str) -> str:
		parent = parents.get(key)
		return root(parent) if parent else key

	order = {key: i for i, key in enumerate(K.KEYS)}
	out.sort(key=lambda k: order[root(k.key)])  # stable: each KPI's rows keep their order
	return Result(from_date, to_date, grain, periods, out)


def _task_kpis(filters, grain, periods, params, only) -> list[K.Kpi]:
	cells = task_cells(filters, grain, params)
	created = K.fold(cells, "created", ("ack_on_time", "ack_due", "tasks", "reassigned"))
	due = K.fold(cells, "deadline", ("deadlines", "missed", "missed_uscis"))
	out = []
	if only in (None, "acknowledgement_rate"):
		out.append(K.rate("acknowledgement_rate", created, "ack_on_time", "ack_due", periods))
	if only in (None, "missed_deadlines"):
		out.append(K.count("missed_deadlines", due, "missed", "deadlines", periods))
		out.append(
			K.count("missed_uscis_deadlines", due, "missed_uscis", "deadlines", periods, "missed_deadlines")
		)
	if only in (None, "reassignment_rate"):
		out.append(K.rate("reassignment_rate", created, "reassigned", "tasks", periods))
		out += _reassignment_kpis(filters, grain, periods, params)
	return out


def _reassignment_kpis(filters, grain, periods, params) -> list[K.Kpi]:
	rows = reassignment_rows(filters, grain, params)
	manual = set(settings.MANUAL_REASONS)
	system = [r for r in settings.REASONS if r not in manual]
	kinds = (("reassignments_rule", system), ("reassignments_manual", list(settings.MANUAL_REASONS)))
	out = []
	for key, reasons in kinds:
		mine = [r for r in rows if _kind_of(r.reason, manual) == key]
		sums = K.fold(mine, "period", ("n",))
		out.append(K.count(key, sums, "n", None, periods, "reassignment_rate"))
		seen = [*reasons, *sorted({r.reason or "" for r in mine} - set(reasons))]
		for reason in seen:
			part = K.fold([r for r in mine if (r.reason or "") == reason], "period", ("n",))
			out.append(K.count(f"{key}:{reason}", part, "n", None, periods, key))
	return out


def _kind_of(reason: str | None, manual: set[str]) -> str:
	"""A manager's reason is a reassignment by hand; the system's own (and any other) one by rule."""
	return "reassignments_manual" if reason in manual else "reassignments_rule"


def _spread(rows: list) -> tuple[dict, Any]:
	"""A percentile statement's rows by period, and its row for the whole period (None: no values)."""
	by_period = {r.period: r for r in rows if r.period is not None}
	return by_period, next((r for r in rows if r.period is None), None)


def _review_kpis(filters, grain, periods, params) -> list[K.Kpi]:
	by_period, whole = _spread(review_rows(filters, grain, params))
	n = whole.n if whole else 0
	return [
		K.Kpi(
			"time_to_attorney_review",
			K.hours(whole.p50) if whole else None,
			n,
			n,
			"h",
			tuple(K.hours(by_period[p].p50) if p in by_period else None for p in periods),
		),
		K.Kpi(
			"time_to_attorney_review_p90",
			K.hours(whole.p90) if whole else None,
			n,
			n,
			"h",
			tuple(K.hours(by_period[p].p90) if p in by_period else None for p in periods),
			"time_to_attorney_review",
		),
	]


def _message_kpis(filters, grain, periods, params) -> list[K.Kpi]:
	by_period, whole = _spread(message_rows(filters, grain, params))
	untold = K.fold(untold_rows(filters, grain, params), "period", ("n",))
	n = whole.n if whole else 0

	def mean(row):
		return K.hours(K.ratio(float(row.total), row.n)) if row else None

	return [
		K.Kpi(
			"client_communication_latency",
			mean(whole),
			n,
			n,
			"h",
			tuple(mean(by_period.get(p)) for p in periods),
		),
		K.Kpi(
			"client_communication_latency_median",
			K.hours(whole.p50) if whole else None,
			n,
			n,
			"h",
			tuple(K.hours(by_period[p].p50) if p in by_period else None for p in periods),
			"client_communication_latency",
		),
		K.count("status_changes_untold", untold, "n", None, periods, "client_communication_latency"),
	]


def period_label(day: dt.date, grain: str) -> str:
	"""A period's name in the user's language: the week's Monday, the month, the quarter, the year."""
	if grain == "Month":
		return formatdate(day, "MMM yyyy")
	if grain == "Quarter":
		return _("Q{0} {1}").format((day.month - 1) // 3 + 1, day.year)
	if grain == "Year":
		return str(day.year)
	return formatdate(day, "dd MMM yy")


def label_of(key: str) -> str:
	"""A row's label; a reason row (``reassignments_manual:Overload``) is its reason."""
	if ":" in key:
		reason = key.split(":", 1)[1]
		return _(reason) if reason else _("No reason recorded")
	return labels()[key]
