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


def new_name() -> str:
	"""A name for a Routing Log or Escalation Event (known before the row is written)."""
	return frappe.generate_hash(length=12)


def _stamp(doc, owner: str | None = None):
	doc.name = new_name()
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


def write_decision(
	event: Event,
	rules: list[str],
	name: str | None = None,
	versions: Mapping[str, tuple[int, str | None]] | None = None,
	**values,
) -> str:
	"""The log of one routed event, linked to the rules that fired and the version of each that decided.
	``name``: the name the tasks it created were given as their Routing Log; ``versions``: rule name ->
	(version number, Routing Config Version), as the rules were compiled."""
	log = log_doc(event, **values)
	if name:
		log.name = name
	log.db_insert()
	if rules:
		now = log.creation
		versions = versions or {}
		insert_values(
			"Routing Log Rule",
			RULE_COLUMNS,
			[
				(
					new_name(),
					log.name,
					"Routing Log",
					"rules",
					i,
					rule,
					*versions.get(rule, (None, None)),
					log.owner,
					now,
					now,
					log.owner,
				)
				for i, rule in enumerate(dict.fromkeys(rules), 1)
			],
		)
	return log.name


def facts_json(known: Mapping[str, Any], previous: Mapping[str, Any]) -> str:
	"""The facts an event brought, as its Routing Log keeps them (a backtest replays the event from them):
	each canonical fact path with its value, and the values before a status change under ``previous`` (a
	key without a dot, so no fact's)."""
	facts = dict(known)
	if previous:
		facts["previous"] = dict(previous)
	return json.dumps(facts, default=str, separators=(",", ":"))


def stored_facts(value: str | None) -> tuple[dict, dict] | None:
	"""A Routing Log's ``facts`` read back: the facts and the values before the change; None when the log
	kept none (written before logs kept them)."""
	if not value:
		return None
	facts = json.loads(value) if isinstance(value, str) else dict(value)
	previous = facts.pop("previous", None) or {}
	return facts, previous


RULE_COLUMNS = (
	"name",
	"parent",
	"parenttype",
	"parentfield",
	"idx",
	"rule",
	"version",
	"rule_version",
	"owner",
	"creation",
	"modified",
	"modified_by",
)


def insert_values(doctype: str, columns, rows: list[tuple], chunk: int = 500):
	"""A multi-row INSERT of ``rows`` (tuples in the order of ``columns``), written as ``db_insert`` writes
	one row: no hooks. ``frappe.db.bulk_insert`` without building each value through the query builder."""
	names = ", ".join(f"`{c}`" for c in columns)
	one = "(" + ", ".join(["%s"] * len(columns)) + ")"
	for i in range(0, len(rows), chunk):
		part = rows[i : i + chunk]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({names}) values " + ", ".join([one] * len(part)),
			[v for row in part for v in row],
		)


def write_plain(event: str, key: str, case, reference_doctype, reference_name, summary: str, trace: dict):
	"""A Routing Log for work that did not come from rules (escalations, manual reassignments)."""
	row = plain_row(event, key, case, reference_doctype, reference_name, summary, trace)
	insert_rows("Routing Log", [row])
	return row["name"]


def plain_row(event: str, key: str, case, reference_doctype, reference_name, summary: str, trace: dict):
	"""The row ``write_plain`` writes, for ``insert_rows`` (a sweep writes its logs together)."""
	return stamped(
		{
			"event": event,
			"event_key": key[:140],
			"case": case,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"status": "Applied",
			"deliveries": 1,
			"summary": summary,
			"reason": trace.get("reason"),
			"trace": json.dumps(trace, default=str),
		}
	)


def stamped(values: dict, owner: str | None = None) -> dict:
	"""A new row's name, owner and times, as ``db_insert`` would write them."""
	now = now_datetime()
	user = owner or frappe.session.user
	return {
		"name": new_name(),
		"owner": user,
		"modified_by": user,
		"creation": now,
		"modified": now,
		**values,
	}


def insert_rows(doctype: str, rows: list[dict]):
	"""Rows of one DocType in multi-row INSERTs (no hooks, as ``db_insert``); columns a row leaves out
	take the table's defaults."""
	by_columns: dict[tuple, list] = {}
	for row in rows:
		by_columns.setdefault(tuple(row), []).append(tuple(row.values()))
	for columns, values in by_columns.items():
		insert_values(doctype, columns, values)


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


def ledger_values(values: dict) -> dict:
	"""The row ``ledger_row`` writes, for ``insert_rows``: the unique key refuses it just the same."""
	return stamped(values, owner="Administrator")


def done_steps(task_name: str) -> set[tuple[str, str]]:
	return done_steps_of([task_name])[task_name]


def done_steps_of(task_names: list[str]) -> dict[str, set[tuple[str, str]]]:
	"""The executed steps of each task, one query for all."""
	done: dict[str, set[tuple[str, str]]] = {name: set() for name in task_names}
	if task_names:
		for task, stage, version in frappe.db.sql(
			"select task, stage, version from `tabEscalation Event` where task in %(tasks)s",
			{"tasks": tuple(task_names)},
		):
			done.setdefault(task, set()).add((stage, version))
	return done


def moved_by_stage(task_name: str, stage: str, version: str) -> bool:
	"""Did this stage already reassign the task, for an earlier version of its clock?"""
	return bool(
		frappe.db.exists(
			"Escalation Event",
			{"task": task_name, "stage": stage, "version": ["!=", version], "action": "reassign"},
		)
	)


def pending_emails(limit: int) -> list:
	"""Outbox rows, locked; rows another worker holds are skipped.

	Found by a plain read, then locked by primary key: a locking read of the ``email_pending`` range would
	also lock its gaps, and a worker writing new steps would wait for this one's e-mails to be built. The
	locked read sees the row as committed, so a row another worker sent meanwhile is left out."""
	names = frappe.db.sql_list(
		"select name from `tabEscalation Event` where email_pending = 1 order by creation limit %s", limit
	)
	if not names:
		return []
	rows = frappe.db.sql(
		"""select name, task, recipients, email_subject, email_body, email_pending, creation
		from `tabEscalation Event` where name in %(names)s for update skip locked""",
		{"names": tuple(names)},
		as_dict=True,
	)
	return sorted((r for r in rows if r.email_pending), key=lambda r: r.creation)


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
