"""The Legist Routing workspace: the desk the firm's staff land on, and what its cards and charts read.

- ``boot_session``: the workspace is the default for the app's staff roles (Frappe 15 reads a user's
  *Default Workspace* from the boot; a user who chose one keeps it).
- ``kpi_card`` / ``kpi_trend``: one KPI over the last 30 days, or its trend, for the workspace's number
  cards and charts (``services/kpis.py`` counts; managers only, as the Routing KPIs report).
- ``open_work``: open tasks per person against their capacity (Routing Team Member), in one statement.

Planning layer: reads only, writes nothing.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, now_datetime, nowdate

from legist_routing.services import audit, kpis, settings
from legist_routing.services.settings import CLOSED

WORKSPACE = "Legist Routing"
STAFF_ROLES = ("Legist Manager", "Legist Attorney", "Legist Paralegal", "Legist Intake")
# A Dashboard Chart's time interval (Frappe's words) as a KPI trend's period.
INTERVALS = {"Daily": "Day", "Weekly": "Week", "Monthly": "Month", "Quarterly": "Quarter", "Yearly": "Year"}
TIMESPANS = {"Last Week": 7, "Last Month": 30, "Last Quarter": 91, "Last Year": 365}


def desk_constants() -> dict:
	"""The facts the desk's scripts need (closed and paused statuses, manager roles, reasons, the rule
	vocabulary, the audit trail's kinds, the charted KPIs and the task priorities the KPI filters offer),
	from their one Python source."""
	return {
		**settings.constants(),
		"audit_kinds": list(audit.KINDS),
		"kpi_charts": kpis.chart_options(),
		"priorities": (frappe.get_meta("Case Task").get_field("priority").options or "").split("\n"),
	}


def boot_session(bootinfo):
	"""Desk users get the desk's constants in the boot (``frappe.boot.legist_routing``), so a form's
	script has them as it opens instead of racing a request; the app's staff with no workspace of their
	own get the Legist Routing workspace as their default (where the desk opens after signing in, and
	where "Home" leads)."""
	user = bootinfo.get("user")
	if not user or not settings.is_desk_user():
		return
	bootinfo.legist_routing = desk_constants()
	if user.get("default_workspace") or not set(STAFF_ROLES).intersection(user.get("roles") or ()):
		return
	if frappe.db.exists("Workspace", WORKSPACE):
		user.default_workspace = {"name": WORKSPACE, "public": 1, "title": WORKSPACE}


# ------------------------------------------------------------------------------------- KPI cards
def _shown_value(k) -> dict:
	if k.unit == "%":
		return {"value": round(k.value * 100, 1), "fieldtype": "Percent", "precision": 1}
	if k.unit == "h":
		return {"value": k.value, "fieldtype": "Float", "precision": 1}
	return {"value": int(k.value), "fieldtype": "Int"}


def kpi_card(filters: dict) -> dict | str:
	"""A number card's value: the KPI (or breakdown row) named by ``filters.kpi`` over the last 30 days
	(or the filters' period), "n/a" when there was nothing to measure. Clicking opens the report."""
	key = filters.get("kpi") or ""
	top = kpis.PARENT_OF.get(key, key)
	if top not in kpis.SOURCES:
		frappe.throw(_("KPI: choose one of {0}.").format(", ".join(kpis.SOURCES)))
	result = kpis.compute(filters, only=top)
	k = result.get(key)
	if k.value is None:
		return _("n/a")
	scope = {f: filters[f] for f in ("case_type", "team", "user", "priority") if filters.get(f)}
	return {
		**_shown_value(k),
		"route": ["query-report", "Routing KPIs"],
		"route_options": {"from_date": str(result.from_date), "to_date": str(result.to_date), **scope},
	}


def kpi_trend(
	filters: dict, timespan: str | None, interval: str | None, from_date=None, to_date=None
) -> dict:
	"""A Dashboard Chart's data: the KPI named by ``filters.kpi`` per day, week, month, quarter or year over
	the chart's timespan (Frappe's Last Week … Last Year, or a date range)."""
	key = filters.get("kpi") or kpis.CHARTED[0]
	top = kpis.PARENT_OF.get(key, key)
	if top not in kpis.SOURCES:
		frappe.throw(_("KPI: choose one of {0}.").format(", ".join(kpis.SOURCES)))
	grain = INTERVALS.get(interval or "Weekly", "")
	if not grain:
		frappe.throw(_("Time Interval: choose one of {0}.").format(", ".join(INTERVALS)))
	if timespan == "Select Date Range" and from_date and to_date:
		start, end = getdate(from_date), getdate(to_date)
	else:
		end = getdate(nowdate())
		start = add_days(end, 1 - TIMESPANS.get(timespan or "Last Quarter", 91))
	scope = {f: filters[f] for f in ("case_type", "team", "user", "priority") if filters.get(f)}
	result = kpis.compute({**scope, "from_date": start, "to_date": end, "trend": grain}, only=top)
	k = result.get(key)
	scale = 100 if k.unit == "%" else 1
	return {
		"labels": [kpis.period_label(p, grain) for p in result.periods],
		"datasets": [{"name": kpis.label_of(key), "values": [round((v or 0) * scale, 2) for v in k.trend]}],
	}


# ------------------------------------------------------------------------------------ open work
def open_work(team: str | None = None) -> list:
	"""Every active team member (and anyone else holding open tasks, when no team is chosen): open tasks
	and estimated hours against their capacity (0 = no limit), and how many are overdue."""
	params = {"closed": CLOSED, "now": now_datetime(), "team": team}
	team_rows = "and m.parent = %(team)s" if team else ""
	others = (
		""
		if team
		else """union all
		select w.assigned_to, null, null, 0, 0 from (
			select distinct t.assigned_to from `tabCase Task` t
			where t.status not in %(closed)s and t.assigned_to is not null) w
		where w.assigned_to not in (select m.user from `tabRouting Team Member` m
			where m.parenttype = 'Routing Team' and m.active = 1)"""
	)
	return frappe.db.sql(
		f"""select p.person, u.full_name, p.team, p.team_role, p.capacity_tasks, p.capacity_hours,
			coalesce(w.open_tasks, 0) as open_tasks, coalesce(w.open_hours, 0) as open_hours,
			coalesce(w.overdue, 0) as overdue,
			if(p.capacity_tasks > 0, coalesce(w.open_tasks, 0) / p.capacity_tasks, null) as load_tasks
		from (
			select m.user as person, m.parent as team, m.team_role, ifnull(m.capacity_tasks, 0) as capacity_tasks,
				ifnull(m.capacity_hours, 0) as capacity_hours
			from `tabRouting Team Member` m
			where m.parenttype = 'Routing Team' and m.active = 1 {team_rows}
			{others}
		) p
		left join (
			select t.assigned_to, count(*) as open_tasks, sum(ifnull(t.estimated_hours, 0)) as open_hours,
				sum(t.due < %(now)s) as overdue
			from `tabCase Task` t
			where t.status not in %(closed)s and t.assigned_to is not null
			group by t.assigned_to
		) w on w.assigned_to = p.person
		left join `tabUser` u on u.name = p.person
		order by load_tasks is null, load_tasks desc, open_tasks desc, p.person, p.team""",
		params,
		as_dict=True,
	)
