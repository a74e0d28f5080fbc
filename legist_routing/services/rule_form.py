"""The Routing Rule form's child tables (conditions and actions as rows) kept in step with its JSON.

Whichever the user changed is kept and the other follows on save: rows edited in the form rewrite the
JSON (the guide's shape, the import and export format); JSON imported or edited by a power user rewrites
the rows. A bad row is refused naming the row and its field; values are checked against the fact (a
Select's options, an existing record for a link, a date).
"""

from __future__ import annotations

import json

import frappe
from frappe import _

from legist_routing.engine import facts as F
from legist_routing.engine import rule_rows as R
from legist_routing.engine.problems import Problem
from legist_routing.engine.rules import parse_rule
from legist_routing.services import messages

MATCH_LABELS = {
	"all": "All of",
	"any": "Any of",
	"not": "None of",
	"shorthand": "All of (guide shorthand)",
}
LABEL_MATCHES = {label: key for key, label in MATCH_LABELS.items()}
CONDITION_FIELDS = ("depth", "node", "fact", "operator", "value", "changed_from", "changed_to", "shorthand")
# Action row fields that hold one of the action's keys, as the guide spells them.
ACTION_KEYS = {
	"template_id": "templateId",
	"assign_to": "assignTo",
	"template": "template",
	"due_in_days": "dueInDays",
	"due_in_hours": "dueInHours",
	"due_days_before_deadline": "dueDaysBeforeDeadline",
	"acknowledge_within_hours": "acknowledgeWithinHours",
	"notify_within_hours": "notifyWithinHours",
	"team": "team",
	"priority": "priority",
	"task": "task",
	"subject": "subject",
	"message": "message",
}
ACTION_FIELDS = ("action", "target", "target_list", "method", "strategy", *ACTION_KEYS)
# The documents a fact's root reads, for checking a row's value against the field.
ROOT_DOCTYPES = {"case": "Case", "document": "Case Notice", "task": "Case Task"}
FIELD_ALIASES = {"document.notice_type": "notice_type"}


def sync(doc, templates=None) -> None:
	"""Before validation: rows -> JSON when the rows changed, else JSON -> rows. ``templates``: the known
	Task Template ids and names, so that a row naming a missing one is refused as a row."""
	before = doc.get_doc_before_save() if not doc.is_new() else None
	rows_now, rows_then = _signature(doc), _signature(before) if before is not None else None
	json_changed = before is None or any(doc.get(f) != before.get(f) for f in ("conditions", "actions"))
	has_rows = bool(doc.get("conditions_table") or doc.get("actions_table"))
	if has_rows and (rows_now != rows_then) and not (before is None and (doc.conditions or doc.actions)):
		_rows_to_json(doc, templates)
	elif json_changed or not has_rows:
		_json_to_rows(doc)


def _signature(doc) -> str:
	"""The rows as text, alike whether they were read from the database or are the ones just written
	(None and "", 0 and "0" are the same row)."""

	def text(value) -> str:
		return frappe.utils.cstr(frappe.utils.cint(value) if isinstance(value, bool) else value).strip()

	return json.dumps(
		[
			text(doc.get("match")),
			[[text(row.get(f)) for f in CONDITION_FIELDS] for row in doc.get("conditions_table") or []],
			[[text(row.get(f)) for f in ACTION_FIELDS] for row in doc.get("actions_table") or []],
		]
	)


def _json_to_rows(doc) -> None:
	try:
		conditions = json.loads(doc.conditions) if doc.conditions else None
		actions = json.loads(doc.actions) if doc.actions else None
		match, condition_rows = R.conditions_to_rows(conditions)
		action_rows = R.actions_to_rows(actions)
	except ValueError:
		return  # the JSON itself is refused by the rule's validation, with its own message
	doc.match = MATCH_LABELS[match]
	doc.set(
		"conditions_table",
		[{f: getattr(row, f) for f in CONDITION_FIELDS} for row in condition_rows],
	)
	doc.set("actions_table", [_action_fields(row) for row in action_rows])


def _action_fields(row: R.ActionRow) -> dict:
	fields = {
		"action": row.action,
		"target": row.target,
		"target_list": 1 if row.target_list else 0,
		"method": row.method,
		"strategy": row.strategy,
	}
	for field, key in ACTION_KEYS.items():
		value = row.values.get(key)
		fields[field] = "" if value is None else R.as_text(value)
	return fields


def _rows_to_json(doc, templates) -> None:
	match = LABEL_MATCHES.get(doc.match or "All of", doc.match or "")
	rows = [
		R.ConditionRow(
			depth=int(row.depth or 0),
			node=row.node or R.LEAF,
			fact=row.fact or "",
			operator=row.operator or "equals",
			value=row.value or "",
			changed_from=row.changed_from or "",
			changed_to=row.changed_to or "",
			shorthand=bool(row.shorthand),
		)
		for row in doc.conditions_table
	]
	conditions, problems = R.rows_to_conditions(match, rows, doc.trigger)
	if not problems:
		problems += _value_problems(rows)
	actions, found = R.rows_to_actions(
		[
			R.ActionRow(
				action=row.action or "",
				target=row.target or "",
				target_list=bool(row.target_list),
				method=row.method or "",
				strategy=row.strategy or "",
				values={
					key: row.get(field)
					for field, key in ACTION_KEYS.items()
					if row.get(field) not in (None, "")
				},
			)
			for row in doc.actions_table
		]
	)
	problems += found
	if not problems:
		# the whole rule as the engine reads it: what a single row cannot show (a recipient the trigger
		# does not offer, a missing template), named by its action row
		data = {"ruleName": doc.rule_name or "-", "trigger": doc.trigger, "conditions": conditions or {}}
		data["actions"] = actions
		_rule, found = parse_rule(data, templates)
		problems += [
			Problem(R.row_path(p.path), p.code, p.params) for p in found if p.path.startswith("actions")
		]
	if problems:
		throw(problems, _("Routing Rule {0} cannot be saved").format(doc.rule_name or ""))
	doc.conditions = json.dumps(conditions, indent=1, ensure_ascii=False) if conditions else None
	doc.actions = json.dumps(actions, indent=1, ensure_ascii=False) if actions else None


def _value_problems(rows: list[R.ConditionRow]) -> list[Problem]:
	"""Each condition's value checked against the document field its fact reads."""
	problems = []
	for number, row in enumerate(rows, start=1):
		if row.node != R.LEAF or row.operator in R.NO_VALUE_OPS:
			continue
		path = F.canonical(row.fact.strip())
		if not path:
			continue
		root, _dot, name = path.partition(".")
		doctype = ROOT_DOCTYPES.get(root)
		df = frappe.get_meta(doctype).get_field(FIELD_ALIASES.get(path, name)) if doctype else None
		if df is None:
			continue
		if row.operator == "changed":
			values = [v for v in (row.changed_from, row.changed_to) if v.strip()]
		elif row.operator in R.LIST_OPS:
			values = [v for v in row.value.splitlines() if v.strip()]
		else:
			values = [row.value]
		for value in (v.strip() for v in values):
			if df.fieldtype == "Select":
				options = [o for o in (df.options or "").split("\n") if o]
				if value.lower() not in {o.lower() for o in options}:
					problems.append(
						Problem(
							f"conditions_table[{number}].value",
							"not_an_option",
							{"value": value, "options": ", ".join(options)},
						)
					)
			elif (
				df.fieldtype == "Link"
				and df.options not in ("User",)
				and not frappe.db.exists(df.options, value)
			):
				problems.append(
					Problem(
						f"conditions_table[{number}].value",
						"no_such_record",
						{"value": value, "doctype": df.options},
					)
				)
			elif df.fieldtype in ("Date", "Datetime"):
				try:
					frappe.utils.getdate(value)
				except Exception:
					problems.append(
						Problem(
							f"conditions_table[{number}].value",
							"bad_value",
							{"value": value, "type": _("date")},
						)
					)
	return problems


def throw(problems: list[Problem], heading: str):
	frappe.throw(messages.problems_html([_named(p) for p in problems], heading), title=heading)


def _named(problem: Problem) -> Problem:
	"""``conditions_table[3].value`` as the form names it: ``Conditions, row 3, Value``."""
	return Problem(messages.row_label(problem.path), problem.code, problem.params)
