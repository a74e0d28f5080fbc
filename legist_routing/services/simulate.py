"""The simulator: which rules an event would fire, who would get the work, when it would fall due and
when it would escalate — with nothing written.

``simulate`` builds the facts the event would bring (from a real case, notice or task, or from values
the caller describes), decides with the engine over the enabled rules and/or draft rules (a disabled or
unsaved rule included), then plans every task the way ``apply`` would carry it out: the assignee, with
each candidate's verdict (the round-robin cursor is read plainly, never locked or moved), the due
times, and the escalation schedule counted from now.

Nothing is inserted, updated, locked or enqueued. The only writes are to caches that any read fills
(Frappe's document cache, the compiled rules and calendar).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from legist_routing.engine import deadlines as D
from legist_routing.engine import escalation as E
from legist_routing.engine import facts as F
from legist_routing.engine.decide import (
	CreateTask,
	Decision,
	Event,
	Notify,
	Pruned,
	RuleSet,
	Unresolved,
	decide,
)
from legist_routing.engine.problems import Problem, hint
from legist_routing.engine.rules import Rule, parse_rule
from legist_routing.services import (
	apply,
	assignment,
	calendars,
	escalation_policy,
	facts,
	messages,
	notices,
	rules,
	settings,
)

NOTICE_TRIGGERS = ("document.received", "deadline.approaching")
PREVIOUS_KEYS = ("previous_status", "previousStatus")
NOTICE_ONLY_FIELDS = ("mailed",)  # Case Notice fields that are no fact but change the computed deadline


# ------------------------------------------------------------------------------------------- entry
def simulate(
	trigger: str,
	case: str | None = None,
	case_values: dict | str | None = None,
	notice_values: dict | str | None = None,
	task_values: dict | str | None = None,
	rules_json: Any = None,
	include_enabled: bool = True,
	now: dt.datetime | str | None = None,
) -> dict:
	"""What routing would do for ``trigger`` on ``case`` (or a described case), as a JSON-able dict.

	- ``case_values``: the case's fields (``case_type``, ``priority``, ``primary_paralegal``…, or the
	guide's spellings ``type``, ``primaryParalegal``), over the real case when ``case`` is given;
	``previous_status`` for ``case.status_changed``.
	- ``notice_values``: a notice described (``notice_type``, ``response_due_date``, ``notice_date``,
	``receipt_number``, ``form_type``, ``mailed``; the response date is computed by type when left out,
	as on a real notice) or ``{"name": "NOTICE-…"}``; for ``portal.upload``: ``item``, ``file_type``.
	- ``task_values``: ``{"name": "TASK-…"}`` and/or the task's fields, with ``previous_status``.
	- ``rules_json``: draft rules (one, a list, as JSON text or decoded), in the guide's shape or as a
	Routing Rule form's fields; a draft is simulated even when disabled, and replaces the saved rule of
	its name. ``include_enabled``: the site's enabled rules too.

	With problems (a rule that cannot be read, an unknown case or field) the result has ``ok: false``
	and ``problems``, each with its path, and nothing is simulated.
	"""
	problems: list[Problem] = []
	moment: dt.datetime = (get_datetime(now) if now else now_datetime()).replace(microsecond=0, tzinfo=None)
	today = moment.date()
	case_values = _values(case_values, "case_values", problems)
	notice_values = _values(notice_values, "notice_values", problems)
	task_values = _values(task_values, "task_values", problems)
	if not trigger:
		problems.append(Problem("trigger", "required"))
	elif trigger not in F.TRIGGERS:
		problems.append(
			Problem("trigger", "unknown_trigger", {"value": trigger, "hint": hint(str(trigger), F.TRIGGERS)})
		)
	ruleset, templates, sources = rule_set(rules_json, include_enabled, problems)
	event, known = _event(trigger, case, case_values, notice_values, task_values, today, problems)
	if problems:
		return _jsonable({"ok": False, "problems": [_problem(p) for p in problems]})
	assert event is not None  # built whenever there is no problem
	known.update(facts.firm_facts())
	cal = calendars.get_calendar()
	decision = decide(event, known, ruleset, rules.context(templates, moment))
	tasks: list[dict] = []
	notifications: list[dict] = []
	unresolved: list[dict] = []
	for intent in decision.intents:
		base = {"rule": intent.rule, "action": int(intent.key.rsplit("|", 1)[1])}
		if isinstance(intent, Unresolved):
			unresolved.append(
				{**base, "code": intent.code, "message": messages.unresolved_text(intent.code, intent.params)}
			)
		elif isinstance(intent, CreateTask):
			tasks.append({**base, **_plan_task(intent, known, cal, moment, today)})
		elif isinstance(intent, Notify):
			notification, reviews = plan_notify(intent)
			notifications.append({**base, **notification})
			tasks += [{**base, **r} for r in reviews]
	result: dict[str, Any] = {
		"ok": True,
		"problems": [],
		"trigger": trigger,
		"case": event.case,
		"now": moment,
		"routing_enabled": bool(settings.get().routing_enabled),
		"facts": dict(sorted(known.items())),
		"previous": dict(event.previous),
		"rules": [],  # below: a thousand rules' traces need no JSON round trip
		"considered": decision.trace.get("considered", 0),
		"matched": list(decision.matched),
		"stopped_by": decision.trace.get("stopped_by"),
		"tasks": tasks,
		"notifications": notifications,
		"unresolved": unresolved,
		"notes": _notes(trigger, sources, ruleset, event),
	}
	out = _jsonable(result)
	out["rules"] = [_jsonable(row) if row["matched"] else row for row in _rules(decision, sources)]
	return out


def _jsonable(value: dict) -> dict:
	return json.loads(json.dumps(value, default=str))


def _problem(p: Problem) -> dict:
	return {"path": p.path, "code": p.code, "message": messages.problem_text(p)}


# -------------------------------------------------------------------------------------------- rules
class EveryRule(RuleSet):
	"""The rules of a trigger, each one evaluated: the index's short cut (a rule that needs another notice
	type is set aside unread) would hide the very conditions a manager simulates to see. The index only
	sets aside rules whose equality condition fails, so the same rules match, in the same order."""

	def __init__(self, rules):
		# no index to build: every rule of the trigger is read
		self.rules = tuple(r for r in rules if r.enabled)

	def candidates(self, trigger: str, facts: F.Facts) -> tuple[list[Rule], list[Pruned]]:
		# self.rules keeps the order given; a stable sort by priority gives decide's order.
		return sorted((r for r in self.rules if r.trigger == trigger), key=lambda r: -r.priority), []


def rule_set(rules_json, include_enabled: bool, problems: list[Problem]) -> tuple[RuleSet, dict, dict]:
	"""The rules to decide with, the templates, and for each rule where it came from: the enabled rules
	(with ``include_enabled``), each draft in place of the saved rule of its name, the other drafts after
	them. A simulation and a backtest decide with the same set; what cannot be read goes into ``problems``."""
	saved, templates = rules.get_compiled(log_invalid=False)
	drafts = _drafts(rules_json, set(templates), problems)
	sources = {r.name: {"source": "saved", "enabled": True} for r in saved.rules} if include_enabled else {}
	by_name = {r.name: r for r, _enabled in drafts}
	chosen: list[Rule] = []
	if include_enabled:
		# A draft of a saved rule takes that rule's place (its order breaks ties of priority).
		chosen = [by_name.get(r.name, r) for r in saved.rules]
	taken = {r.name for r in chosen}
	chosen += [r for r in by_name.values() if r.name not in taken]
	for rule, enabled in drafts:
		sources[rule.name] = {"source": "draft", "enabled": enabled}
	return EveryRule(chosen), templates, sources


def _drafts(rules_json, templates: set[str], problems: list[Problem]) -> list[tuple[Rule, bool]]:
	"""Draft rules parsed, each forced on for the simulation, with whether it is enabled as written."""
	if rules_json in (None, "", [], {}):
		return []
	data = rules_json
	if isinstance(data, str | bytes):
		try:
			data = json.loads(data)
		except ValueError as e:
			problems.append(Problem("rules_json", "bad_json", {"detail": str(e)}))
			return []
	if isinstance(data, dict) and "rules" in data and "ruleName" not in data:
		data = data["rules"]
	items = data if isinstance(data, list) else [data]
	out: list[tuple[Rule, bool]] = []
	seen: set[str] = set()
	for i, item in enumerate(items):
		prefix = f"rules[{i}]" if len(items) > 1 else ""
		if isinstance(item, dict) and ("rule_name" in item or item.get("doctype") == "Routing Rule"):
			item, found = rules.document_to_json(item)  # a Routing Rule form, saved or not
		else:
			found = []
		rule = None
		if not found:
			rule, found = parse_rule(item, templates)
		problems += [Problem(".".join(x for x in (prefix, p.path) if x), p.code, p.params) for p in found]
		if rule is None:
			continue
		if rule.name in seen:
			problems.append(Problem(f"{prefix}.ruleName".lstrip("."), "duplicate_rule", {"value": rule.name}))
			continue
		seen.add(rule.name)
		out.append((dataclasses.replace(rule, enabled=True), rule.enabled))
	return out


def _rules(decision: Decision, sources: dict) -> list[dict]:
	"""Each rule's verdict. A rule that did not match is all the engine's trace (JSON already: its values as
	ISO text) and text; a matched one's actions go through ``_jsonable`` with the rest of the result."""
	out = []
	wording = messages.failure_templates()
	for entry in decision.trace.get("rules", []):
		row = {
			"rule": entry["rule"],
			"priority": entry["priority"],
			"matched": entry["matched"],
			"conditions": entry["conditions"],
			**sources.get(entry["rule"], {"source": "saved", "enabled": True}),
		}
		if entry["matched"]:
			row["actions"] = entry.get("actions", [])
		else:
			row["failed"] = entry.get("failed", [])
			row["why"] = messages.failure_text(entry, wording)
		out.append(row)
	return out


def _notes(trigger: str, sources: dict, ruleset: RuleSet, event: Event) -> list[str]:
	notes = []
	if not settings.get().routing_enabled:
		notes.append(_("Routing is switched off in Routing Settings: a real event would do nothing."))
	if not any(rule.trigger == trigger for rule in ruleset.rules):
		notes.append(_("No rule listens to {0}: a real event would do nothing.").format(trigger))
	for rule in ruleset.rules:
		if sources.get(rule.name, {}).get("source") == "draft" and rule.trigger != trigger:
			notes.append(
				_("Rule {0} listens to {1}, not {2}: it was not considered.").format(
					rule.name, rule.trigger, trigger
				)
			)
	for path in ("case.status", "task.status"):
		changing = {"case.status": "case.status_changed", "task.status": "task.status_changed"}[path]
		if trigger == changing and path not in event.previous:
			notes.append(
				_("No previous status was given: a condition on {0} changing will not hold.").format(path)
			)
	return notes


# -------------------------------------------------------------------------------------------- facts
def _values(values, where: str, problems: list[Problem]) -> dict:
	if values in (None, ""):
		return {}
	if isinstance(values, str | bytes):
		try:
			values = json.loads(values)
		except ValueError as e:
			problems.append(Problem(where, "bad_json", {"detail": str(e)}))
			return {}
	if not isinstance(values, dict):
		problems.append(Problem(where, "not_an_object"))
		return {}
	return values


def _field(root: str, key: str, where: str, problems: list[Problem], also=()) -> str | None:
	"""A described value's key as its fact's field: ``type``, ``case.type`` or ``caseType`` -> ``case_type``."""
	if key in also:
		return key
	path = F.canonical(key if str(key).startswith(root + ".") else f"{root}.{key}")
	if path and path.startswith(root + "."):
		return path.split(".", 1)[1]
	fields = [p.split(".", 1)[1] for p in F.FACTS if p.startswith(root + ".")] + list(also)
	problems.append(
		Problem(f"{where}.{key}", "unknown_field", {"field": key, "hint": hint(str(key), fields)})
	)
	return None


def _describe(root: str, values: dict, row, fields, previous: dict, problems: list[Problem]) -> dict:
	"""Described values of a case or task: a document field goes into ``row`` (read as the document's facts),
	any other fact is returned as is; ``previous_status`` is the status before a change."""
	extra = {}
	for key, value in values.items():
		if key in PREVIOUS_KEYS:
			previous[f"{root}.status"] = value
			continue
		field = _field(root, key, f"{root}_values", problems)
		if field in fields:
			row[field] = value
		elif field:
			extra[f"{root}.{field}"] = value
	return extra


def _date(value) -> dt.date | None:
	return getdate(value) if value else None  # getdate(None) would be today


def _read(doctype: str, name: str, fields, where: str, problems: list[Problem]) -> frappe._dict | None:
	# plain SQL over our own field names: get_value's query builder parses each field with sqlparse
	found = frappe.db.sql(
		f"select {', '.join(f'`{f}`' for f in fields)} from `tab{doctype}` where name = %s",
		name,
		as_dict=True,
	)
	row = found[0] if found else None
	if row is None:
		problems.append(Problem(where, "not_found", {"doctype": _(doctype), "value": name}))
	return row


def _event(
	trigger: str,
	case: str | None,
	case_values: dict,
	notice_values: dict,
	task_values: dict,
	today: dt.date,
	problems: list[Problem],
) -> tuple[Event | None, dict]:
	"""The event and its facts, as ``services.events`` would build them for the real thing."""
	known: dict = {}
	previous: dict = {}
	reference: tuple[str | None, str | None] = (None, None)
	task = None
	if task_values.get("name"):
		task = _read(
			"Case Task", task_values["name"], (*facts.TASK_FIELDS, "case"), "task_values.name", problems
		)
	notice = None
	if notice_values.get("name") and trigger != "portal.upload":
		notice = _read(
			"Case Notice",
			notice_values["name"],
			(*facts.NOTICE_FIELDS, "case"),
			"notice_values.name",
			problems,
		)
	case = case or (task.case if task else None) or (notice.case if notice else None)
	row = frappe._dict()
	if case:
		row = _read("Case", case, facts.CASE_FIELDS, "case", problems) or frappe._dict()
	extra = _describe("case", case_values, row, facts.CASE_FIELDS, previous, problems)
	known.update(facts.case_facts(row))
	known.update(extra)
	if trigger == "portal.upload":
		known["document.notice_type"] = "Client Upload"
		for key, value in notice_values.items():
			field = _field("document", key, "notice_values", problems)
			if field:
				known[f"document.{field}"] = value
		if known.get("document.request"):
			reference = ("Client Request", known["document.request"])
	elif notice_values:
		known.update(_notice_facts(notice, notice_values, row, today, problems))
		reference = ("Case Notice", known.get("document.name"))
		if trigger == "document.received":
			# Routing reads the case after the notice refreshed its nearest USCIS deadline.
			due = _date(known.get("document.response_due_date"))
			nearest = _date(known.get("case.next_uscis_deadline"))
			if due and due >= today and (nearest is None or due < nearest):
				known["case.next_uscis_deadline"] = due
		if trigger == "deadline.approaching":
			known.update(_deadline_facts(known.get("document.response_due_date"), today))
	if task_values:
		task_row = task or frappe._dict()
		described = {k: v for k, v in task_values.items() if k != "name"}
		extra = _describe("task", described, task_row, facts.TASK_FIELDS, previous, problems)
		known.update(facts.task_facts(task_row))
		known.update(extra)
		reference = ("Case Task", task_row.get("name"))
	if not reference[1] and case:
		reference = ("Case", case)
	if problems or not trigger:
		return None, known
	key = f"simulation:{trigger}:{case or '-'}:{reference[1] or '-'}"
	return Event(trigger, key, case or None, reference[0], reference[1], previous), known


def _notice_facts(notice, values: dict, case_row, today: dt.date, problems: list[Problem]) -> dict:
	"""A named notice's facts, or a described one's with its deadline computed as a real notice's is."""
	extra = {}
	described: dict = {}
	for key, value in values.items():
		if key == "name":
			continue
		field = _field("document", key, "notice_values", problems, also=NOTICE_ONLY_FIELDS)
		if field in (*facts.NOTICE_FIELDS, *NOTICE_ONLY_FIELDS):
			described[field] = value
		elif field:
			extra[f"document.{field}"] = value
	if notice is not None:
		return {**facts.notice_facts(frappe._dict({**notice, **described})), **extra}
	# An unsaved notice, in memory only: its validation's deadline arithmetic, never its insert.
	doc = frappe.get_doc(
		{"doctype": "Case Notice", "case": case_row.get("name"), "notice_date": today, **described}
	)
	doc.receipt_number = notices.clean_receipt(doc.receipt_number)
	notices.set_deadlines(doc)
	return {**facts.notice_facts(doc), **extra}


def _deadline_facts(response_due, today: dt.date) -> dict:
	"""What the deadline sweep adds: days left and the threshold crossed (Routing Settings' thresholds)."""
	deadline = _date(response_due)
	if deadline is None:
		return {}
	raw = settings.get().deadline_thresholds or "14,7,3,1"
	steps = sorted({int(p) for p in raw.replace(" ", "").split(",") if p.isdigit()}, reverse=True)
	crossed = D.crossed_thresholds(deadline, today, steps or (14, 7, 3, 1))
	return {
		"deadline.days_left": (deadline - today).days,
		"deadline.threshold": crossed[-1] if crossed else None,
		"deadline.kind": "response",
	}


# ---------------------------------------------------------------------------------------- planning
def _plan_task(intent: CreateTask, known: dict, cal, now: dt.datetime, today: dt.date) -> dict:
	"""Who would take the task and why, its due times and its escalation schedule — as apply would make it."""
	need, chain, team = assignment.need_for(intent)
	choice, cursor = assignment.plan(need, chain, team, today, lock=False)
	title = intent.title or messages.task_title(intent.title_code)
	# The task as apply.create_task would insert it, built in memory only.
	task = frappe.get_doc(
		{
			**apply.task_values(intent, title=title),
			"status": "Open",
			"assigned_to": choice.user,
			"assigned_at": now if choice.user else None,
		}
	)
	return {
		"title": title,
		"template": intent.template,
		"kind": intent.kind,
		"priority": intent.priority or "Standard",
		"assignee": choice.user,
		"assignee_source": intent.assignee_source,
		"unroutable": choice.unroutable,
		"team": team,
		"strategy": list(chain),
		"chosen_by": choice.strategy,
		"why": messages.choice_reason(choice),
		"candidates": [messages.verdict_row(v) for v in choice.verdicts],
		"round_robin_cursor": cursor,
		"due": intent.due,
		"ack_due": intent.ack_due,
		"hard_deadline": intent.hard_deadline,
		"estimated_hours": intent.estimated_hours,
		"checklist": [
			{"item": item, "required": required, "attachment_required": attachment}
			for item, required, attachment in intent.checklist
		],
		"escalation": _schedule(task, known, cal, today),
	}


def _schedule(task, known: dict, cal, today: dt.date) -> dict:
	"""The ladder the task would get and when each step would fall due, counted from its assignment now."""
	policy = escalation_policy.policy_for(task)
	if policy is None:
		return {"policy": None, "source": None, "steps": [], "next_escalation_at": None}
	out: dict[str, Any] = {
		"policy": policy.name,
		"source": "rule" if task.escalation else "policy",
		"steps": [],
		"next_escalation_at": None,
	}
	if not task.assigned_to:
		out["note"] = _("Nobody would be assigned, so no escalation clock would run until someone is.")
		return out
	for step in E.schedule(policy, escalation_policy.clock_for(task, cal), cal):
		stage = policy.stage(step.stage)
		recipients = _recipients(stage, task, known)
		entry = {
			"stage": stage.key,
			"action": stage.action,
			"watch": stage.watch,
			"anchor": stage.anchor,
			"hours": stage.hours,
			"clock": stage.clock,
			"target": stage.target,
			"channels": list(stage.channels),
			"at": calendars.to_site(step.at, cal),
			"recipients": recipients,
		}
		if stage.action == "reassign":
			user, why = assignment.first_available(
				[u for u in recipients if u != task.assigned_to], task, today
			)
			entry.update(reassign_to=user, why=why)
		out["steps"].append(entry)
	out["next_escalation_at"] = out["steps"][0]["at"] if out["steps"] else None
	return out


def _recipients(stage: E.Stage, task, known: dict) -> list[str]:
	"""Who a step would reach, named the way ``escalation_policy.resolve_targets`` names them, but from the
	simulated facts (a described case has no document to read them from)."""
	if stage.action == "remind":
		return [task.assigned_to] if task.assigned_to else []
	known = {**known, "task.assigned_to": task.assigned_to, "task.secondary_owner": task.secondary_owner}
	users: list[str] = []
	for part in E.split_targets(stage.target):
		if part.startswith("user:"):
			users.append(part[5:])
		elif "@" in part:
			users.append(part)
		elif part.startswith("role:"):
			users += escalation_policy.users_with_role(part[5:])
		elif part == "team.lead":
			users.append(assignment.team_lead_of(task.assigned_to) or "")
		else:
			users.append(known.get(F.canonical(part) or part) or "")
	return list(dict.fromkeys(u for u in users if u))


def plan_notify(intent: Notify) -> tuple[dict, list[dict]]:
	"""The notification, and the tracked review tasks a response window gives each recipient."""
	notification = {
		"recipients": list(intent.recipients),
		"recipient_sources": list(intent.recipient_sources),
		"channels": list(intent.channels),
		"subject": intent.subject or messages.notification_subject(intent.topic),
		"message": intent.message,
		"respond_by": intent.respond_by,
	}
	reviews = []
	if intent.respond_by is not None:
		for user in intent.recipients:
			reviews.append(
				{
					"title": messages.review_title(intent.topic),
					"kind": "Notification",
					"priority": "Standard",
					"assignee": user,
					"unroutable": False,
					"why": _("told by the rule, and must respond by {0}").format(intent.respond_by),
					"candidates": [],
					"due": intent.respond_by,
					"ack_due": intent.respond_by,
					"hard_deadline": None,
					"checklist": [],
					"escalation": {"policy": None, "source": None, "steps": [], "next_escalation_at": None},
				}
			)
	return notification, reviews


# ------------------------------------------------------------------------------------------ report
def report(result: dict) -> str:
	"""The simulation as plain text, for the bench command."""
	if not result.get("ok"):
		return "\n".join(
			[_("The simulation could not run:"), *(f"  - {p['message']}" for p in result["problems"])]
		)
	lines = [
		_("Simulation of {0} on {1}, at {2}. Nothing was written.").format(
			result["trigger"], result.get("case") or _("a described case"), result["now"]
		)
	]
	document = {k: v for k, v in result["facts"].items() if k.startswith("document.") and v not in (None, "")}
	if document:
		lines.append(_("The document: {0}").format(", ".join(f"{k[9:]} {v}" for k, v in document.items())))
	lines += [f"! {note}" for note in result["notes"]]
	lines += [
		"",
		_("Rules ({0} considered, {1} matched)").format(result["considered"], len(result["matched"])),
	]
	for rule in result["rules"]:
		tags = [] if rule["source"] == "saved" else [_("draft")]
		if not rule["enabled"]:
			tags.append(_("disabled"))
		label = rule["rule"] + (f" [{', '.join(tags)}]" if tags else "")
		verdict = _("matched") if rule["matched"] else _("not matched: {0}").format(rule["why"])
		lines.append(f"  {label}: {verdict}")
		lines += [f"      {text}" for text in condition_lines(rule["conditions"])]
	if result.get("stopped_by"):
		lines.append("  " + _("{0} stops the rules after it.").format(result["stopped_by"]))
	lines += ["", _("Tasks ({0})").format(len(result["tasks"]))]
	for task in result["tasks"]:
		who = task["assignee"] or _("nobody (unroutable: the operations manager is alerted)")
		lines.append(f"  {task['title']} ({task['rule']}) -> {who}")
		lines.append("      " + _("why: {0}").format(task["why"]))
		for v in task["candidates"]:
			mark = "+" if v["eligible"] else "-"
			lines.append(f"        {mark} {v['user']}: {v['reason']} {v['detail']}".rstrip())
		lines.append(
			"      "
			+ _("due {0}; acknowledge by {1}; hard deadline {2}").format(
				task["due"] or "-", task["ack_due"] or "-", task["hard_deadline"] or "-"
			)
		)
		ladder = task["escalation"]
		if ladder["policy"]:
			lines.append("      " + _("escalation ({0}):").format(ladder["policy"]))
		for step in ladder["steps"]:
			to = (
				step.get("reassign_to")
				or ", ".join(step["recipients"])
				or _("nobody ({0} names nobody)").format(step["target"])
			)
			lines.append(f"        {step['at']}  {step['stage']}: {step['action']} -> {to}")
		if ladder.get("note"):
			lines.append(f"        {ladder['note']}")
	if result["notifications"]:
		lines += ["", _("Notifications ({0})").format(len(result["notifications"]))]
	for n in result["notifications"]:
		lines.append(
			f"  {n['subject']} -> {', '.join(n['recipients'])} ({', '.join(n['channels'])})"
			+ (" " + _("respond by {0}").format(n["respond_by"]) if n["respond_by"] else "")
		)
	if result["unresolved"]:
		lines += ["", _("Not resolved")]
	lines += [f"  {u['rule']} action {u['action']}: {u['message']}" for u in result["unresolved"]]
	return "\n".join(lines)


def condition_lines(node: dict, depth: int = 0) -> list[str]:
	"""A condition trace as indented lines, each with its result."""
	pad = "  " * depth
	mark = "✓" if node.get("result") else "✗"
	for kind in ("all", "any", "not"):
		if kind in node:
			lines = [f"{pad}{mark} {kind}"]
			for child in node[kind]:
				lines += condition_lines(child, depth + 1)
			return lines
	text = f"{node.get('fact')} {node.get('op')}"
	if "value" in node:
		text += f" {node['value']!r}"
	if node.get("op") == "changed":
		text += f" (from {node.get('from', '*')!r} to {node.get('to', '*')!r}; was {node.get('before')!r})"
	return [f"{pad}{mark} {text} — actual {node.get('actual')!r}"]
