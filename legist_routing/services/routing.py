"""Route one event: decide with the engine, apply the intents, keep the Routing Log.

Guarantees:
- the user's save is never blocked: any failure is rolled back to a savepoint, logged in the
  Routing Log (status Error) and in Frappe's Error Log;
- the same event delivered twice creates nothing twice (a unique event key on the Routing Log, a
  unique routing key on each Case Task);
- every decision, including "no rule matched", leaves a Routing Log a manager can read.
"""

from __future__ import annotations

import json
import time
import traceback

import frappe
from frappe.utils import now_datetime

from legist_routing.engine.decide import Context, Decision, Event, decide, explain_failure
from legist_routing.services import apply, calendars, rules

SAVEPOINT = "legist_routing"


def settings() -> frappe._dict:
	"""Routing Settings, cached for the request."""
	if "legist_routing_settings" not in frappe.local.cache:
		frappe.local.cache["legist_routing_settings"] = frappe._dict(
			frappe.get_cached_doc("Routing Settings").as_dict()
		)
	return frappe.local.cache["legist_routing_settings"]


def route(event: Event, facts: dict) -> dict | None:
	"""Route ``event``; returns a summary (for tests and the API) and never raises."""
	started = time.perf_counter()
	try:
		conf = settings()
		if not conf.routing_enabled:
			return None
		if frappe.db.exists("Routing Log", {"event_key": event.key}):
			_count_redelivery(event)
			return {"status": "Duplicate"}
		ruleset, templates = rules.get_compiled()
		facts["operations.manager"] = conf.operations_manager
		ctx = Context(
			# Whole seconds: the desk's date-time fields show and keep no fractions.
			now=now_datetime().replace(microsecond=0),
			templates=templates,
			due_hour=int(conf.default_due_hour or 17),
			calendar=calendars.get_calendar(),
		)
		decision = decide(event, facts, ruleset, ctx)
	except Exception:
		return _record_error(event, started)
	if not decision.intents and not decision.matched and not conf.log_no_match:
		return {"status": "No Match"}
	frappe.db.savepoint(SAVEPOINT)
	try:
		results = apply.apply(decision, event)
		status = _status(decision, results)
		_write_log(event, decision, results, status, started)
	except frappe.DuplicateEntryError:
		# A concurrent delivery of the same event won the race: undo ours.
		frappe.db.rollback(save_point=SAVEPOINT)
		return {"status": "Duplicate"}
	except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
		# The database already rolled back the whole transaction, the user's save included: nothing to
		# undo here, and the save must fail as a retryable error rather than pretend to have worked.
		raise
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		return _record_error(event, started, decision)
	return {"status": status, "results": results, "matched": decision.matched}


def _status(decision: Decision, results: list[dict]) -> str:
	if not decision.matched:
		return "No Match"
	if any(r["status"] in ("unresolved", "unroutable") for r in results):
		return "Partly Applied"
	return "Applied"


def _summary(decision: Decision, results: list[dict]) -> str:
	lines = []
	for entry in decision.trace.get("rules", []):
		if entry["matched"]:
			lines.append(f"{entry['rule']}: matched")
		else:
			lines.append(f"{entry['rule']}: not matched ({explain_failure(entry)})")
	for pruned in decision.trace.get("pruned", []):
		lines.append(
			f"{pruned['rules']} rule(s) set aside: they need another {pruned['fact']} than {pruned['actual']!r}"
		)
	for r in results:
		if r["status"] == "unresolved":
			lines.append(f"{r['rule']} action {r['action']}: {r['message']}")
		elif r.get("why"):
			lines.append(f"{r['rule']} action {r['action']}: {r['why']}")
	return "\n".join(lines) or "No rule for this event."


def _log_doc(event: Event, **values):
	# get_doc, not new_doc: a log is written on every event and needs none of the new-document defaults.
	doc = frappe.get_doc(
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
	doc.name = frappe.generate_hash(length=12)
	doc.owner = doc.modified_by = frappe.session.user
	doc.creation = doc.modified = now_datetime()
	return doc


def _write_log(event: Event, decision: Decision, results: list[dict], status: str, started: float):
	log = _log_doc(
		event,
		status=status,
		summary=_summary(decision, results),
		rules_considered=decision.trace.get("considered", 0),
		rules_matched=len(decision.matched),
		trace=json.dumps(decision.trace, default=str),
		intents=json.dumps([apply.intent_dict(i) for i in decision.intents], default=str),
		results=json.dumps(results, default=str),
		duration_ms=round((time.perf_counter() - started) * 1000, 3),
	)
	# db_insert: the log is written by the system, in the event's transaction, without hooks.
	log.db_insert()
	tasks = [r["task"] for r in results if r.get("task")]
	if tasks:  # one statement for all the event's tasks
		frappe.db.sql(
			"update `tabCase Task` set routing_log = %(log)s where name in %(tasks)s",
			{"log": log.name, "tasks": tasks},
		)


def write_plain_log(event: str, key: str, case, reference_doctype, reference_name, summary: str, trace: dict):
	"""A Routing Log for work that did not come from rules (escalations, manual reassignments)."""
	log = _log_doc(
		Event(event, key, case, reference_doctype, reference_name),
		status="Applied",
		summary=summary,
		trace=json.dumps(trace, default=str),
	)
	log.db_insert()
	return log.name


def _count_redelivery(event: Event):
	frappe.db.sql(
		"update `tabRouting Log` set deliveries = ifnull(deliveries, 1) + 1 where event_key = %s",
		event.key[:140],
	)


def _record_error(event: Event, started: float, decision: Decision | None = None) -> dict:
	"""Never let routing block the user's save: log the failure where a manager will see it."""
	tb = traceback.format_exc()
	try:
		frappe.log_error(title=f"Routing failed: {event.trigger} {event.reference_name}", message=tb)
		log = _log_doc(
			event,
			status="Error",
			summary="Routing failed; nothing was applied. See the error below and Frappe's Error Log.",
			error=tb,
			trace=json.dumps(decision.trace if decision else {}, default=str),
			duration_ms=round((time.perf_counter() - started) * 1000, 3),
		)
		# An errored event may be delivered again once fixed: keep its key free.
		log.event_key = None
		log.db_insert()
	except Exception:
		frappe.log_error(title="Routing Log could not be written")
	return {"status": "Error", "error": tb}
