"""The one place that turns engine codes into translated, user-facing text."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import frappe
from frappe import _

from legist_routing.engine.problems import INPUT_PARAMS, Problem, shown


def _templates() -> dict[str, str]:
	# Built on each call so that `_()` sees the current user's language.
	return {
		"not_an_object": _("must be a JSON object"),
		"not_a_list": _("must be a list"),
		"required": _("is required"),
		"unknown_key": _("unknown key '{key}'{hint}"),
		"unknown_field": _("unknown field '{field}'{hint}"),
		"unknown_fact_root": _("unknown fact '{path}'; facts start with {roots}"),
		"fact_not_available": _("'{path}' is not available for trigger '{trigger}' (available: {roots})"),
		"unknown_trigger": _("unknown trigger '{value}'{hint}"),
		"unknown_operator": _("unknown operator '{op}'{hint}"),
		"operator_needs_list": _("operator '{op}' needs a list of values"),
		"operator_needs_order": _("operator '{op}' compares numbers or dates, but '{path}' is {type}"),
		"bad_value": _("'{value}' is not a valid {type}"),
		"changed_needs_from_or_to": _("'changed' needs 'from', 'to' or both"),
		"empty_group": _("'{group}' needs at least one condition"),
		"action_kind": _("each action needs exactly one of {kinds}; found {found}"),
		"unknown_action": _("unknown action '{key}'{hint}"),
		"not_a_number": _("must be a number, got '{value}'"),
		"not_positive": _("must be zero or more, got {value}"),
		"not_text": _("must be text"),
		"unknown_recipient": _("unknown recipient '{value}'{hint}"),
		"unknown_method": _("unknown method '{value}'{hint}"),
		"unknown_strategy": _("unknown strategy '{value}'{hint}"),
		"unknown_template": _("no Task Template with id or name '{value}'"),
		"bad_json": _("is not valid JSON: {detail}"),
		"bad_depth": _(
			"level {value} does not fit: a row is at most one level deeper than a group row above it"
		),
		"not_an_option": _("'{value}' is not one of the field's options: {options}"),
		"no_such_record": _("there is no {doctype} '{value}'"),
		"duplicate_rule": _("rule name '{value}' appears more than once in this import"),
		"bad_receipt_number": _(
			"'{value}' is not a USCIS receipt number: it must be three letters and ten digits, for example IOE0912345678"
		),
		"slot_empty": _("{slot} is not set on this case, so nobody could be chosen"),
		"not_found": _("no {doctype} named '{value}'"),
		# values, windows and names
		"value_required": _("operator '{op}' needs a value to compare with"),
		"no_value": _("operator '{op}' compares with nothing; leave the value out"),
		"not_a_scalar": _("'{value}' must be a single {type}, not a list or an object"),
		"one_value": _("operator '{op}' takes one value; to match any of several use 'in'"),
		"empty_list": _("operator '{op}' needs at least one value in its list"),
		"operator_needs_text": _(
			"operator '{op}' searches text, but '{path}' is {type}; use 'equals' or 'in'"
		),
		"too_deep": _("conditions nest deeper than {max} groups; flatten them"),
		"too_many_days": _("must be at most {max} days (a year), got {value}"),
		"too_many_hours": _("must be at most {max} hours (a year), got {value}"),
		"out_of_range": _("must be between {min} and {max}, got {value}"),
		"too_long": _("must be at most {max} characters, it has {length}; shorten it"),
		"markup": _("must not contain markup ('<' or '>'); remove it"),
		"bad_characters": _(
			"contains characters that cannot be stored (control characters or broken Unicode); remove them"
		),
		"not_a_boolean": _("must be true or false, got '{value}'"),
		"no_recipients": _("names nobody; give at least one recipient"),
		# the import
		"rule_exists": _(
			"a Routing Rule named '{value}' already exists; rename this rule or import with overwrite"
		),
		"refused_on_save": _("was refused when saved: {detail}"),
	}


def _type_names() -> dict[str, str]:
	# engine.conditions.TYPE_NAMES and the facts' types, as the problems name them
	return {
		"text": _("text"),
		"user (an e-mail address or user id, as text)": _("user (an e-mail address or user id, as text)"),
		"number": _("number"),
		"date (YYYY-MM-DD)": _("date (YYYY-MM-DD)"),
		"date and time (YYYY-MM-DD HH:MM)": _("date and time (YYYY-MM-DD HH:MM)"),
		"true/false value": _("true/false value"),
		"user": _("user"),
		"date": _("date"),
		"datetime": _("date and time"),
		"check": _("true/false value"),
	}


CHOICES = "; use one of: "


def problem_text(problem: Problem) -> str:
	template = _templates().get(problem.code)
	if template is None:
		return str(problem)
	# What the input held is shown bounded (a long or broken value never floods or breaks the message).
	params = {k: shown(v) if k in INPUT_PARAMS else v for k, v in problem.params.items()}
	hint = params.get("hint") or ""
	if hint.startswith(CHOICES):
		# the engine's "; use one of: a, b": the fix, spelt out
		hint = _("; use one of: {0}").format(hint[len(CHOICES) :])
	elif hint:
		# hints come from the engine as "; did you mean 'x'?"; translate the wording.
		hint = _("; did you mean '{0}'?").format(hint.split("'")[1])
	if isinstance(params.get("type"), str):
		params["type"] = _type_names().get(params["type"], params["type"])
	try:
		text = template.format(**{**params, "hint": hint})
	except (KeyError, IndexError):
		text = template
	path = shown(problem.path) if len(problem.path) > 200 else problem.path
	return f"{path}: {text}" if path else text


def problems_html(problems: list[Problem], heading: str) -> str:
	items = "".join(f"<li>{frappe.utils.escape_html(problem_text(p))}</li>" for p in problems)
	return f"<p>{frappe.utils.escape_html(heading)}</p><ul>{items}</ul>"


def rule_label(index: int, name: object) -> str:
	"""How a refusal names a rule of an import: its place in the list and its name when it has one."""
	if isinstance(name, str) and name.strip():
		return _("Rule {0}: {1}").format(index + 1, shown(name.strip()))
	return _("Rule {0}").format(index + 1)


def grouped_problems_html(groups: list[tuple[str, list[Problem]]], heading: str) -> str:
	"""Problems under the rule each belongs to (``groups``: (label, problems))."""
	parts = [f"<p>{frappe.utils.escape_html(heading)}</p>"]
	for label, problems in groups:
		items = "".join(f"<li>{frappe.utils.escape_html(problem_text(p))}</li>" for p in problems)
		parts.append(f"<p><b>{frappe.utils.escape_html(label)}</b></p><ul>{items}</ul>")
	return "".join(parts)


# ------------------------------------------------------------------------------ rule-set checks
ERRORS = ("invalid_rule", "never_fires", "missing_reference")  # the rest are warnings


def finding_severity(finding) -> str:
	return "error" if finding.code in ERRORS else "warning"


def _reference_text(kind: str, value: str) -> str:
	texts = {
		"template": _("no Task Template with id or name '{0}'; create it or correct the id"),
		"team": _("no Routing Team named '{0}'; create it or correct the name"),
		"policy": _("no Escalation Policy named '{0}'; create it or correct the name"),
		"role": _("no Role named '{0}'; create it or correct the name"),
		"user": _("no enabled user '{0}'; correct the e-mail address or enable the user"),
	}
	return texts[kind].format(shown(value))


def finding_text(finding) -> str:
	"""One finding of engine.ruleset_checks as a sentence naming the fix (without the rule's name)."""
	p = finding.params
	other = shown(finding.other or "")
	code = finding.code
	if code == "invalid_rule":
		text = _("cannot be used: {0}").format("; ".join(problem_text(x) for x in finding.problems))
	elif code == "never_fires":
		if p.get("facts"):
			text = _(
				"can never fire: its conditions on {0} contradict each other or ask for a value no case has; correct them"
			).format(p["facts"])
		else:
			text = _("can never fire: no event satisfies its conditions; correct them")
	elif code == "impossible_value":
		text = _("{0} is never '{1}' (it is one of: {2})").format(p["fact"], shown(p["value"]), p["options"])
		if p.get("best"):
			text += _("; did you mean '{0}'?").format(p["best"])
	elif code == "unknown_user":
		text = _("{0} is compared with '{1}', who is not an enabled user; correct the e-mail address").format(
			p["fact"], shown(p["value"])
		)
	elif code == "missing_reference":
		text = _reference_text(p["kind"], p["value"])
	elif code == "shadowed":
		text = _(
			"never acts: rule '{0}' (priority {1}) is evaluated first, matches whenever this rule does and stops processing; give this rule a higher priority, narrow '{0}', or untick its Stop After This Rule"
		).format(other, p["priority"])
	else:  # conflicting_assignment, duplicate_work
		work = shown(p["work"]) if p.get("work") else _("the event's default task")
		if code == "duplicate_work":
			text = _(
				"gives the same work ({0}) to the same person ({1}) as rule '{2}' on the same event: the task would be made twice; remove one or narrow the conditions"
			).format(work, p["who"], other)
		else:
			text = _(
				"gives the same work ({0}) as rule '{1}' on the same event, but to {2} instead of {3}: both tasks would be made; narrow the conditions so that only one matches, or tick Stop After This Rule on the one evaluated first"
			).format(work, other, p["who"], p["other_who"])
	return f"{finding.path}: {text}" if finding.path else text


def findings_html(findings: list, heading: str) -> str:
	"""Findings as a list, each led by its rule (a link to it when it is stored under that name)."""
	items = []
	for f in findings:
		name = frappe.utils.escape_html(shown(f.rule))
		link = f'<a href="/app/routing-rule/{quote(f.rule.encode("utf-8", "backslashreplace"), safe="")}">{name}</a>'
		colour = "red" if finding_severity(f) == "error" else "orange"
		items.append(
			f'<li><span class="indicator {colour}"></span><b>{link}</b>: '
			f"{frappe.utils.escape_html(finding_text(f))}</li>"
		)
	return f"<p>{frappe.utils.escape_html(heading)}</p><ul>{''.join(items)}</ul>"


def report_heading(rules: int, findings: int) -> str:
	if not findings:
		return _("{0} routing rules checked: nothing found.").format(rules)
	return _("{0} routing rules checked: {1} findings.").format(rules, findings)


def task_title(code: tuple) -> str:
	kind, value = ((*code, "", ""))[:2]
	if kind == "intake":
		return _("{0} Intake").format(value)
	if kind == "status":
		return _("Next steps: {0}").format(value)
	if kind == "follow_up":
		return _("Follow up: {0}").format(value)
	if kind == "deadline":
		return _("Deadline in {0} days").format(value)
	if kind == "appointment":
		return _("Follow up: {0}").format(_(value))
	return _("Case intake: {0}").format(value)


def notification_subject(topic: Mapping[str, Any]) -> str:
	case = topic.get("case_title") or topic.get("case") or ""
	trigger = topic.get("trigger")
	if trigger in ("document.received", "portal.upload"):
		notice_type = topic.get("notice_type") or "Document"  # a Select value: translated below
		return _("{0} received on {1}").format(_(notice_type), case)
	if trigger == "case.status_changed":
		status = topic.get("status") or ""
		return _("{0} is now {1}").format(case, _(status) if status else "")
	if trigger == "task.status_changed":
		return _("Task update on {0}: {1}").format(case, topic.get("task_title"))
	if trigger == "deadline.approaching":
		return _("Deadline approaching on {0}").format(case)
	return _("New case: {0}").format(case)


def review_title(topic: Mapping[str, Any]) -> str:
	return _("Review: {0}").format(notification_subject(topic))


def unresolved_text(code: str, params: Mapping[str, Any]) -> str:
	return problem_text(Problem("", code, dict(params)))


def status_text(status: str | None, lang: str | None = None) -> str:
	"""A case status in words a client understands, in ``lang`` (default: the request's language)."""
	words = {
		"Open": _("We have opened your case and are reviewing it.", lang),
		"Intake": _("We are gathering the first details of your case.", lang),
		"Document Collection": _(
			"We are collecting the documents for your case. Please send what is listed below.", lang
		),
		"In Preparation": _("We are preparing your application.", lang),
		"Ready to File": _("Your application is ready and will be filed with USCIS soon.", lang),
		"Filed": _("Your application has been filed with USCIS. We are waiting for their answer.", lang),
		"RFE Received": _(
			"USCIS has asked for more evidence. We are preparing the answer; please send what is listed below.",
			lang,
		),
		"RFE Response Filed": _("We have sent USCIS the evidence they asked for.", lang),
		"Interview Scheduled": _("USCIS has scheduled an interview. We will prepare you for it.", lang),
		"Approved": _("Good news: USCIS has approved your case.", lang),
		"Denied": _("USCIS has denied the case. Your attorney will contact you about the next steps.", lang),
		"Withdrawn": _("The case has been withdrawn.", lang),
		"Closed": _("Your case is closed.", lang),
	}
	return words.get(status or "", _("Your case is in progress.", lang))


def render_template(name: str, language: str | None, case, notice=None) -> tuple[str, str]:
	"""A firm's Email Template as (subject, text), in ``language`` when the firm keeps a version of it
	named ``"<name> (<language>)"`` (for example "Biometrics Appointment Instructions (es)")."""
	lang = (language or "").split("-")[0]
	localized = f"{name} ({lang})" if lang and lang != "en" else None
	doc_name = localized if localized and frappe.db.exists("Email Template", localized) else name
	template = frappe.get_cached_doc("Email Template", doc_name)
	when = notice.get("appointment_at") if notice is not None else None
	context = {
		"case": case.as_dict(),
		"notice": notice.as_dict() if notice is not None else {},
		"client_name": case.client_name,
		"status": status_text(case.status, lang or None),
		"appointment": frappe.utils.format_datetime(when, "dd-MM-yyyy HH:mm") if when else "",
		"portal_url": frappe.utils.get_url(f"/client/case?name={case.name}"),
	}
	body = frappe.render_template(template.response or "", context)
	# the portal and the client's e-mail show plain text: paragraphs become blank lines
	text = frappe.utils.strip_html_tags(re.sub(r"</p>\s*|<br\s*/?>", "\n\n", body)).strip()
	return frappe.render_template(template.subject or "", context), re.sub(r"\n{3,}", "\n\n", text)


# ---------------------------------------------------------------------- summaries the engine codes
def moment_text(code: Mapping[str, Any]) -> str:
	"""An engine Moment (``{"at", "ahead", "hours" | "days"}``) in the reader's language."""
	value = code.get("at")
	if value is None:
		return _("not set")
	if isinstance(value, str):
		return value
	if isinstance(value, datetime.datetime):
		text = frappe.utils.format_datetime(value, "EEE dd MMM yyyy HH:mm")
	else:
		text = frappe.utils.format_date(value, "EEE dd MMM yyyy")
	if "hours" in code:
		n = code["hours"]
		if code.get("ahead"):
			far = _("in 1 hour") if n == 1 else _("in {0} hours").format(n)
		else:
			far = _("1 hour ago") if n == 1 else _("{0} hours ago").format(n)
	elif "days" in code:
		n = code["days"]
		far = _("in {0} days").format(n) if code.get("ahead") else _("{0} days ago").format(n)
	else:
		return text
	return f"{text} ({far})"


def escalation_summary_lines(codes: Iterable[tuple[str, Mapping[str, Any]]]) -> list[str]:
	"""engine.escalation.summary_codes in the reader's language: the manager's escalation e-mail."""
	lines = []
	for code, p in codes:
		if code == "task":
			lines.append(_("Task: {0}").format(p.get("title") or _("Untitled task")))
		elif code == "case":
			lines.append(_("Case: {0}").format(p.get("title") or _("no case")))
		elif code == "assignee":
			lines.append(_("Assigned to: {0}").format(p.get("user") or _("nobody")))
		elif code == "due":
			lines.append(_("Due: {0}").format(moment_text(p)))
		elif code == "hard_deadline":
			lines.append(_("Hard deadline: {0}").format(moment_text(p)))
		elif code == "outstanding":
			count = p.get("count") or 0
			lines.append(
				_("Outstanding: 1 checklist item")
				if count == 1
				else _("Outstanding: {0} checklist items").format(count)
			)
		elif code == "item":
			lines.append(f"- {p.get('text')}")
		elif code == "nothing_outstanding":
			lines.append(_("Outstanding: no checklist items; the task itself is still open"))
	return lines


def failure_templates() -> dict[str, str]:
	"""The wordings of ``failure_text``, in the reader's language (built once for many rules' traces)."""
	return {
		"changed_negated": _("{fact} changed, which the rule excludes (was {before}, now {actual})"),
		"changed": _("{fact} did not change as required (was {before}, now {actual})"),
		"value_negated": _("{fact} is {actual}, rule needs not {op} {value}"),
		"value": _("{fact} is {actual}, rule needs {op} {value}"),
		"plain_negated": _("{fact} is {actual}, rule needs not {op}"),
		"plain": _("{fact} is {actual}, rule needs {op}"),
	}


def failure_text(entry: Mapping[str, Any], templates: Mapping[str, str] | None = None) -> str:
	"""Why a rule did not fire, from its trace entry (each failed leaf's fact, op, value and actual, as the
	engine records them): engine.decide.explain_failure in the reader's language. ``templates``: the
	``failure_templates()`` of a caller that words many rules."""
	templates = templates or failure_templates()
	parts = []
	for leaf in entry.get("failed", []):
		negated = "_negated" if leaf.get("negated") else ""
		params = {
			"fact": leaf.get("fact"),
			"op": leaf.get("op"),
			"actual": repr(leaf.get("actual")),
			"before": repr(leaf.get("before")),
			"value": repr(leaf.get("value")),
		}
		if leaf.get("op") == "changed":
			template = templates["changed" + negated]
		elif "value" in leaf:
			template = templates["value" + negated]
		else:
			template = templates["plain" + negated]
		parts.append(template.format(**params))
	return "; ".join(parts)


# ------------------------------------------------------------------------- who got the work, and why
def _strategy_templates() -> dict[str, str]:
	# engine.strategies.ENGLISH, in the reader's language
	return {
		"disabled": _("user is disabled"),
		"four_eyes": _("prepared the work under review"),
		"wrong_role": _("is {role}; needs {roles}"),
		"no_role": _("without a role"),
		"case_type": _("handles {types}; case is {case_type}"),
		"practice_group": _("works in {groups}; case is {group}"),
		"language": _("{spoken}; client needs {language}"),
		"speaks": _("speaks {languages}"),
		"no_languages": _("no languages recorded"),
		"away": _("on leave until {last}, back {back}"),
		"over_capacity_tasks": _("{open}/{capacity} open tasks"),
		"over_capacity_hours": _("{open}h open + {need}h for this task > {capacity}h capacity"),
		"not_in_team": _("not a member of {teams}"),
		"the_pool": _("the pool"),
		"priority_wrong_role": _("priority override: {priority} work goes to a {roles}; is {role}"),
		"load": _("{tasks}, {hours}"),
		"tasks_of": _("{open}/{capacity} open tasks"),
		"tasks_open": _("{open} open tasks"),
		"hours_of": _("{open}h open + {need}h for this task of {capacity}h"),
		"hours_open": _("{open}h open"),
		"use_hours": _("{share} of {capacity}h ({open}h open + {need}h for this task)"),
		"use_tasks": _("{share} ({open}/{capacity} open tasks)"),
		"use_raw": _("{open}h open ({tasks} tasks), no capacity set"),
		"unknown_steps": _("ignored unknown step {steps}"),
		"case_type_set_aside": _("case type {value}: {count} set aside without it"),
		"practice_group_set_aside": _("practice group {value}: {count} set aside without it"),
		"language_none": _("language: no eligible {language} speaker, so the preference was not applied"),
		"language_only": _("language: only {language} speakers ({count} eligible)"),
		"priority_none": _("priority override: no eligible {roles}, so {priority} work stays with the pool"),
		"priority_only": _("priority override: {priority} work only for a {roles} ({count} eligible)"),
		"slot_empty": _("{slot} (empty)"),
		"slot_skipped": _("{slot} {user} ({detail})"),
		"role_slot_chose": _("role slot: chose {user} ({slot})"),
		"role_slot_chose_after": _("role slot: chose {user} ({slot}) after skipping {skipped}"),
		"role_slot_none_named": _("role slot: the case names nobody"),
		"role_slot_nobody": _("role slot: nobody eligible, skipped {skipped}"),
		"user_skipped": _("{user} ({detail})"),
		"round_robin_chose_next": _("round robin: chose {user}, next after {cursor}"),
		"round_robin_chose_first": _("round robin: chose {user}, first in order"),
		"round_robin_chose_next_skipped": _(
			"round robin: chose {user}, next after {cursor}; skipped {skipped}"
		),
		"round_robin_chose_first_skipped": _("round robin: chose {user}, first in order; skipped {skipped}"),
		"round_robin_nobody": _("round robin: nobody eligible"),
		"least_loaded_nobody": _("least loaded: nobody eligible"),
		"least_loaded_chose": _("least loaded: chose {user} at {use}"),
		"least_loaded_chose_next": _("least loaded: chose {user} at {use}; next {runner} at {runner_use}"),
		"no_chooser": _("no step that chooses ({choosers}) in the chain"),
		"unroutable": _("unroutable: nobody assigned, the operations manager must decide"),
		"unroutable_refused": _(
			"unroutable: nobody assigned, the operations manager must decide; not eligible: {refused}"
		),
		"unroutable_empty_pool": _(
			"unroutable: nobody assigned, the operations manager must decide; the pool is empty"
		),
		"and_more": _("and {count} more"),
	}


_TRANSLATED_PARAMS = ("role", "priority")  # Select values (a team role, a case priority): translated too


def strategy_text(text, templates: dict[str, str] | None = None) -> str:
	"""An engine.strategies Text (a code and its parameters) in the reader's language."""
	from legist_routing.engine.strategies import LIST_CAP, english, is_text

	templates = templates or _strategy_templates()
	code, params = text
	if code == "either":
		names = [_(str(n)) for n in params["names"]]
		return names[0] if len(names) == 1 else _("{0} or {1}").format(", ".join(names[:-1]), names[-1])
	template = templates.get(code)
	if template is None:
		return english(text)

	def word(key, value):
		if isinstance(value, list):
			shown = "; ".join(strategy_text(t, templates) for t in value[:LIST_CAP])
			more = len(value) - LIST_CAP
			return shown + ("; " + templates["and_more"].format(count=more) if more > 0 else "")
		if is_text(value):
			return strategy_text(value, templates)
		return _(str(value)) if key in _TRANSLATED_PARAMS and value else str(value)

	return template.format(**{k: word(k, v) for k, v in params.items()})


def choice_reason(choice) -> str:
	"""Why the strategy chose whom it chose (or nobody), in the reader's language."""
	if not choice.texts:
		return choice.reason
	templates = _strategy_templates()
	return ". ".join(strategy_text(t, templates) for t in choice.texts)


def verdict_row(verdict) -> dict:
	"""A candidate's verdict as the Routing Log and the simulator show it: its detail in the reader's
	language."""
	detail = strategy_text(verdict.text) if verdict.text[0] else verdict.detail
	return {"user": verdict.user, "eligible": verdict.eligible, "reason": verdict.reason, "detail": detail}


ROW_TABLES = {"conditions_table": "Conditions", "actions_table": "Actions"}


def row_label(path: str) -> str:
	"""A form row's path as the form names it: ``conditions_table[3].value`` -> ``Conditions, row 3: value``."""
	table, _bracket, rest = path.partition("[")
	if table not in ROW_TABLES or "]" not in rest:
		return path
	number, _close, field = rest.partition("]")
	label = _("{0}, row {1}").format(_(ROW_TABLES[table]), number)
	return f"{label} ({field.lstrip('.')})" if field.strip(".") else label


def deadline_basis(deadline) -> str:
	"""Why a notice's response deadline is what it is (engine.deadlines' coded basis), in the reader's
	language; the kind's name, purpose and authority are the firm's data, shown as they are."""
	if not deadline.parts:
		return deadline.basis
	text = ""
	for code, p in deadline.parts:
		if code == "printed":
			text += _("printed on the notice")
		elif code == "period":
			template = (
				_("{kind}: {days} days from the notice date {purpose} ({authority})")
				if p["purpose"]
				else _("{kind}: {days} days from the notice date ({authority})")
			)
			text += template.format(**p)
		elif code == "mailed":
			text += " " + _("+ {days} days mailed ({authority})").format(**p)
		elif code == "rolled":
			day = frappe.utils.format_date(p["day"], "EEEE")
			legal = frappe.utils.format_date(p["legal"], "EEEE")
			template = (
				_("; falls on a {day} holiday, so the legal deadline runs to {legal} (8 CFR 1.2)")
				if p["holiday"]
				else _("; falls on a {day}, so the legal deadline runs to {legal} (8 CFR 1.2)")
			)
			text += template.format(day=day, legal=legal)
	return text
