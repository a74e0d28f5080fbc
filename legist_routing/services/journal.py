"""The journal: Routing Log and Escalation Event rows, written by the system in the caller's transaction.

Rows are inserted with ``db_insert`` (no hooks, no permission checks, no new-document defaults): they
are the record of what routing did, written once and never edited.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Mapping
from typing import Any

import frappe
from frappe.utils import now_datetime

from legist_routing.engine.decide import Event
from legist_routing.services import settings


def seen(event_key: str) -> bool:
	return bool(frappe.db.exists("Routing Log", {"event_key": event_key}))


def count_redelivery(event: Event):
	frappe.db.sql(
		"update `tabRouting Log` set deliveries = ifnull(deliveries, 1) + 1 where event_key = %s",
		event.key[:140],
	)


def _stamp(doc, owner: str | None = None):
	doc.name = frappe.generate_hash(length=12)
	doc.owner = doc.modified_by = owner or frappe.session.user
	doc.creation = doc.modified = now_datetime()
	return doc


def log_doc(event: Event, **values):
	# get_doc, not new_doc: a log is written on every event and needs none of the new-document defaults.
	return _stamp(
		frappe.get_doc(
			{
				"doctype": "Routing Log",
				"deliveries": 1,
				"event": event.trigger,
				"event_key": event.key[:140],
				"case": event.case,
				"reference_doctype": event.reference_doctype,
				"reference_name": event.reference_name,
				**values,
			}
		)
	)


def write_decision(event: Event, tasks: list[str], rules: list[str], **values) -> str:
	"""The log of one routed event, linked to the rules that fired; the tasks it created point back at it
	(one statement each)."""
	log = log_doc(event, **values)
	log.db_insert()
	if rules:
		now = log.creation
		frappe.db.bulk_insert(
			"Routing Log Rule",
			[
				"name",
				"parent",
				"parenttype",
				"parentfield",
				"idx",
				"rule",
				"owner",
				"creation",
				"modified",
				"modified_by",
			],
			[
				(
					frappe.generate_hash(length=12),
					log.name,
					"Routing Log",
					"rules",
					i,
					rule,
					log.owner,
					now,
					now,
					log.owner,
				)
				for i, rule in enumerate(dict.fromkeys(rules), 1)
			],
		)
	if tasks:
		frappe.db.sql(
			"update `tabCase Task` set routing_log = %(log)s where name in %(tasks)s",
			{"log": log.name, "tasks": tasks},
		)
	return log.name


def write_plain(event: str, key: str, case, reference_doctype, reference_name, summary: str, trace: dict):
	"""A Routing Log for work that did not come from rules (escalations, manual reassignments)."""
	log = log_doc(
		Event(event, key, case, reference_doctype, reference_name),
		status="Applied",
		summary=summary,
		trace=json.dumps(trace, default=str),
	)
	log.db_insert()
	return log.name


def write_error(event: Event, summary: str, trace: Mapping[str, Any], duration_ms: float) -> dict:
	"""Never let routing block the user's save: log the failure where a manager will see it."""
	tb = traceback.format_exc()
	try:
		frappe.log_error(title=f"Routing failed: {event.trigger} {event.reference_name}", message=tb)
		log = log_doc(
			event,
			status="Error",
			summary=summary,
			error=tb,
			trace=json.dumps(trace, default=str),
			duration_ms=duration_ms,
		)
		# An errored event may be delivered again once fixed: keep its key free.
		log.event_key = None
		log.db_insert()
	except Exception:
		frappe.log_error(title="Routing Log could not be written")
	return {"status": "Error", "error": tb}


# ----------------------------------------------------------------------- the escalation ledger
def ledger_row(values: dict):
	"""One executed step; the unique ledger key refuses a second execution of the same step."""
	_stamp(frappe.get_doc({"doctype": "Escalation Event", **values}), owner="Administrator").db_insert()


def done_steps(task_name: str) -> set[tuple[str, str]]:
	rows = frappe.get_all("Escalation Event", filters={"task": task_name}, fields=["stage", "version"])
	return {(r.stage, r.version) for r in rows}


def moved_by_stage(task_name: str, stage: str, version: str) -> bool:
	"""Did this stage already reassign the task, for an earlier version of its clock?"""
	return bool(
		frappe.db.exists(
			"Escalation Event",
			{"task": task_name, "stage": stage, "version": ["!=", version], "action": "reassign"},
		)
	)


def pending_emails(limit: int) -> list:
	"""Outbox rows, locked; rows another worker holds are skipped."""
	return frappe.db.sql(
		"""select name, task, recipients, email_subject, email_body from `tabEscalation Event`
		where email_pending = 1 order by creation limit %s for update skip locked""",
		limit,
		as_dict=True,
	)


def emails_sent(names: list[str]):
	frappe.db.sql(
		"update `tabEscalation Event` set email_pending = 0 where name in %(names)s", {"names": names}
	)


# --------------------------------------------------------------------------------------- retention
def clear_routing_logs(days: int):
	"""Log Settings' retention for the Routing Log (the period is the firm's, in Log Settings)."""
	from frappe.query_builder import Interval
	from frappe.query_builder.functions import Now

	log = frappe.qb.DocType("Routing Log")
	frappe.db.delete(log, filters=(log.creation < (Now() - Interval(days=days))))


def clear_escalation_events(days: int):
	"""Ledger rows of closed or deleted tasks only: an open task's rows are what keep its steps exactly-once."""
	frappe.db.sql(
		"""delete e from `tabEscalation Event` e
		left join `tabCase Task` t on t.name = e.task
		where e.creation < now() - interval %(days)s day
			and (t.name is null or t.status in %(closed)s)""",
		{"days": int(days), "closed": settings.CLOSED},
	)
