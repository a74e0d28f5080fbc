"""The one place that turns engine codes into translated, user-facing text."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import frappe
from frappe import _

from legist_routing.engine.problems import Problem


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
		"duplicate_rule": _("rule name '{value}' appears more than once in this import"),
		"bad_receipt_number": _(
			"'{value}' is not a USCIS receipt number: it must be three letters and ten digits, for example IOE0912345678"
		),
		"slot_empty": _("{slot} is not set on this case, so nobody could be chosen"),
		"not_found": _("no {doctype} named '{value}'"),
	}


def problem_text(problem: Problem) -> str:
	template = _templates().get(problem.code)
	if template is None:
		return str(problem)
	hint = problem.params.get("hint") or ""
	if hint:
		# hints come from the engine as "; did you mean 'x'?"; translate the wording.
		hint = _("; did you mean '{0}'?").format(hint.split("'")[1])
	try:
		text = template.format(**{**problem.params, "hint": hint})
	except (KeyError, IndexError):
		text = template
	return f"{problem.path}: {text}" if problem.path else text


def problems_html(problems: list[Problem], heading: str) -> str:
	items = "".join(f"<li>{frappe.utils.escape_html(problem_text(p))}</li>" for p in problems)
	return f"<p>{frappe.utils.escape_html(heading)}</p><ul>{items}</ul>"


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
	return _("Case intake: {0}").format(value)


def notification_subject(topic: Mapping[str, Any]) -> str:
	case = topic.get("case_title") or topic.get("case") or ""
	trigger = topic.get("trigger")
	if trigger in ("document.received", "portal.upload"):
		return _("{0} received on {1}").format(topic.get("notice_type") or _("Document"), case)
	if trigger == "case.status_changed":
		return _("{0} is now {1}").format(case, topic.get("status"))
	if trigger == "task.status_changed":
		return _("Task update on {0}: {1}").format(case, topic.get("task_title"))
	if trigger == "deadline.approaching":
		return _("Deadline approaching on {0}").format(case)
	return _("New case: {0}").format(case)


def review_title(topic: Mapping[str, Any]) -> str:
	return _("Review: {0}").format(notification_subject(topic))


def unresolved_text(code: str, params: Mapping[str, Any]) -> str:
	return problem_text(Problem("", code, dict(params)))
