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

import frappe
from frappe import _

from legist_routing.engine.decide import Decision, Event, decide
from legist_routing.services import apply, facts, journal, messages, rules, settings

SAVEPOINT = "legist_routing"


def route(event: Event, known: dict) -> dict | None:
	"""Route ``event``; returns a summary (for tests and the API) and never raises."""
	started = time.perf_counter()
	try:
		conf = settings.get()
		if not conf.routing_enabled:
			return None
		if journal.seen(event.key):
			journal.count_redelivery(event)
			return {"status": "Duplicate"}
		ruleset, templates = rules.get_compiled()
		known.update(facts.firm_facts())
		decision = decide(event, known, ruleset, rules.context(templates))
	except Exception:
		return _record_error(event, started)
	if not decision.intents and not decision.matched and not conf.log_no_match:
		return {"status": "No Match"}
	frappe.db.savepoint(SAVEPOINT)
	try:
		log = journal.new_name()
		results = apply.apply(decision, event, log)
		status = _status(decision, results)
		_write_log(event, known, decision, results, status, started, log, ruleset.versions)
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
			lines.append(_("{0}: matched").format(entry["rule"]))
		else:
			lines.append(_("{0}: not matched ({1})").format(entry["rule"], messages.failure_text(entry)))
	for pruned in decision.trace.get("pruned", []):
		lines.append(
			_("{0} rule(s) set aside: they need another {1} than {2}").format(
				pruned["rules"], pruned["fact"], repr(pruned["actual"])
			)
		)
	for r in results:
		if r["status"] == "unresolved":
			lines.append(_("{0} action {1}: {2}").format(r["rule"], r["action"], r["message"]))
		elif r.get("why"):
			lines.append(_("{0} action {1}: {2}").format(r["rule"], r["action"], r["why"]))
	return "\n".join(lines) or _("No rule for this event.")


def _write_log(
	event: Event,
	known: dict,
	decision: Decision,
	results: list[dict],
	status: str,
	started: float,
	name: str,
	versions: dict,
):
	journal.write_decision(
		event,
		list(decision.matched),
		name=name,
		versions=versions,  # of the rules as compiled for this decision
		status=status,
		summary=_summary(decision, results),
		rules_considered=decision.trace.get("considered", 0),
		rules_matched=len(decision.matched),
		facts=journal.facts_json(known, event.previous),
		trace=json.dumps(decision.trace, default=str),
		intents=json.dumps([apply.intent_dict(i) for i in decision.intents], default=str),
		results=json.dumps(results, default=str),
		duration_ms=_ms(started),
	)


def _ms(started: float) -> float:
	return round((time.perf_counter() - started) * 1000, 3)


def _record_error(event: Event, started: float, decision: Decision | None = None) -> dict:
	return journal.write_error(
		event,
		"Routing failed; nothing was applied. See the error below and Frappe's Error Log.",
		decision.trace if decision else {},
		_ms(started),
	)
