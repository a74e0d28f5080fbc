"""KPIs for managers: one query per measure over the period, formulas from engine.kpi."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from legist_routing.engine import kpi as K

FIELDS = [
	"name",
	"kind",
	"status",
	"creation",
	"ack_due",
	"acknowledged_at",
	"completed_at",
	"hard_deadline",
	"reassignment_count",
]


def labels() -> dict[str, str]:
	return {
		"acknowledgement_rate": _("Acknowledged within SLA"),
		"time_to_attorney_review": _("Median time to attorney review"),
		"missed_deadlines": _("Missed deadlines"),
		"reassignment_rate": _("Reassignment rate"),
		"client_communication_latency": _("Client communication latency"),
	}


def compute(from_date=None, to_date=None, team_user: str | None = None) -> list[K.Kpi]:
	to_date = getdate(to_date or now_datetime())
	from_date = getdate(from_date or add_days(to_date, -30))
	filters: dict[str, object] = {"creation": ["between", [from_date, add_days(to_date, 1)]]}
	if team_user:
		filters["assigned_to"] = team_user
	tasks = [
		{
			**t,
			**{
				k: get_datetime(t[k]) if t[k] else None
				for k in ("creation", "ack_due", "acknowledged_at", "completed_at", "hard_deadline")
			},
		}
		for t in frappe.get_all("Case Task", filters=filters, fields=FIELDS)
	]
	now = now_datetime()
	work = [t for t in tasks if t["kind"] != "Notification"]
	return [
		K.acknowledgement_rate(tasks, now),
		K.time_to_review([t for t in tasks if t["kind"] == "Review"]),
		K.missed_deadlines(work, now),
		K.reassignment_rate(work),
		K.communication_latency(client_told(from_date, to_date)),
	]


def client_told(from_date, to_date) -> list[tuple]:
	"""(status changed at, client told at) of the first firm message after each case status change."""
	rows = frappe.get_all(
		"Client Message",
		filters={"sent_at": ["between", [from_date, add_days(to_date, 1)]], "latency_hours": ["is", "set"]},
		fields=["status_changed_at", "sent_at"],
	)
	return [(get_datetime(r.status_changed_at), get_datetime(r.sent_at)) for r in rows if r.status_changed_at]
