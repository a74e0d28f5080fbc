"""Routing rules on the site: validation for the form, a compiled cache, import and export."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import frappe
from frappe import _
from frappe.utils import now_datetime

from legist_routing.engine import facts as F
from legist_routing.engine.decide import Context, RuleSet, Template
from legist_routing.engine.problems import Problem
from legist_routing.engine.rules import RULE_KEYS, Rule, export_rule, parse_rule, text_problems
from legist_routing.services import calendars, messages, settings

STAMP_KEY = "legist_routing:rules_stamp"
_compiled: dict[str, tuple[str, CompiledRules, dict]] = {}  # site -> (stamp, rules, templates)


# ------------------------------------------------------------------------------------------ cache
def bump(doc=None, method=None):
	"""Invalidate every worker's compiled rules (called when rules or templates change), now and again when
	the transaction ends: a rule compiled meanwhile from rows that are then rolled back must not stay."""
	_new_stamp()
	if getattr(frappe.local, "db", None):
		frappe.db.after_commit.add(_new_stamp)
		frappe.db.after_rollback.add(_new_stamp)


def _new_stamp():
	frappe.cache.set_value(STAMP_KEY, frappe.generate_hash(length=10))


def _stamp() -> str:
	stamp = frappe.cache.get_value(STAMP_KEY)
	if not stamp:
		_new_stamp()
		stamp = frappe.cache.get_value(STAMP_KEY)
	return stamp


# A Routing Rule's fields in the guide's JSON shape, read by compile, export and the form's validation.
RULE_FIELDS = tuple(
	re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower() for key in RULE_KEYS
)  # ruleName -> rule_name
JSON_FIELDS = ("conditions", "actions", "escalation")


def get_compiled(log_invalid: bool = True) -> tuple[CompiledRules, dict]:
	"""The enabled rules, compiled, and the templates, cached per process until a rule or template changes.

	``log_invalid=False`` (the simulator: it writes nothing) leaves an invalid rule out without an Error
	Log, and does not keep that compilation, so the next real routing still logs it."""
	stamp = _stamp()
	cached = _compiled.get(frappe.local.site)
	if cached and cached[0] == stamp:
		return cached[1], cached[2]
	templates = load_templates()
	known = set(templates)
	rules = []
	invalid = False
	for row in frappe.get_all(
		"Routing Rule",
		filters={"enabled": 1},
		fields=list(RULE_FIELDS),
		order_by="priority desc, creation asc",
	):
		rule, problems = parse_rule(row_to_json(row), known)
		if rule is None:
			invalid = True
			if log_invalid:
				# A rule that was valid when saved but no longer is (a template was deleted): leave it out, say so.
				frappe.log_error(
					title=_("Routing Rule {0} is invalid").format(row.rule_name),
					message="\n".join(messages.problem_text(p) for p in problems),
				)
			continue
		rules.append(rule)
	ruleset = CompiledRules(rules, _versions())
	if log_invalid or not invalid:
		_compiled[frappe.local.site] = (stamp, ruleset, templates)
	return ruleset, templates


class CompiledRules(RuleSet):
	"""The enabled rules as compiled, with each one's version then: the Routing Log names the version that
	decided, not the one current when the log is written."""

	def __init__(self, rules, versions: dict[str, tuple[int, str | None]]):
		super().__init__(rules)
		self.versions = versions  # rule name -> (version number, its Routing Config Version)


def _versions() -> dict[str, tuple[int, str | None]]:
	"""Each enabled rule's current version number and Routing Config Version, in one query (read in the
	same transaction as the rules themselves)."""
	return {
		name: (int(number or 0), row)
		for name, number, row in frappe.db.sql(
			"""select r.name, r.version, v.name from `tabRouting Rule` r
			left join `tabRouting Config Version` v on v.reference_doctype = 'Routing Rule'
				and v.reference_name = r.name and v.version = r.version
			where r.enabled = 1"""
		)
	}


def context(templates: dict, now=None) -> Context:
	"""What ``decide`` needs besides the event, its facts and the rules: the clock, the templates, the due
	hour and the business calendar. Routing and the simulator both build it here, so that a simulation
	decides exactly as the real event would."""
	conf = settings.get()
	return Context(
		# Whole seconds: the desk's date-time fields show and keep no fractions.
		now=(now or now_datetime()).replace(microsecond=0),
		templates=templates,
		due_hour=int(conf.default_due_hour or 17),
		calendar=calendars.get_calendar(),
	)


def load_templates() -> dict[str, Template]:
	rows = frappe.get_all(
		"Task Template",
		fields=[
			"name",
			"template_id",
			"default_role",
			"estimated_hours",
			"ack_sla_hours",
			"due_anchor",
			"due_offset_days",
			"task_kind",
		],
	)
	checklist: dict[str, list] = {}
	for item in frappe.get_all(
		"Task Template Checklist Item",
		filters={"parenttype": "Task Template"},
		fields=["parent", "item", "required", "attachment_required"],
		order_by="idx asc",
	):
		checklist.setdefault(item.parent, []).append(
			(item.item, bool(item.required), bool(item.attachment_required))
		)
	templates: dict[str, Template] = {}
	for row in rows:
		template = Template(
			name=row.name,
			template_id=row.template_id,
			default_slot=F.ROLE_SLOTS.get(row.default_role or "", "case.primary_paralegal"),
			estimated_hours=row.estimated_hours or 0,
			ack_sla_hours=row.ack_sla_hours or None,
			due_anchor=row.due_anchor or "Assignment",
			due_offset_days=row.due_offset_days or 0,
			checklist=tuple(checklist.get(row.name, ())),
			kind=row.task_kind or "Work",
		)
		templates[row.name] = template
		if row.template_id:
			templates[row.template_id] = template
	return templates


# --------------------------------------------------------------------------------- json <-> rows
def _loads(value):
	if value in (None, ""):
		return None
	return json.loads(value) if isinstance(value, str) else value


def row_to_json(row) -> dict:
	"""A Routing Rule (document or row) in the guide's JSON shape."""
	return export_rule(
		name=row.rule_name,
		trigger=row.trigger,
		conditions=_loads(row.conditions),
		actions=_loads(row.actions) or [],
		escalation=_loads(row.escalation),
		priority=int(row.priority or 0),
		enabled=bool(row.get("enabled", 1)),
		stop_processing=bool(row.stop_processing),
		description=row.get("description") or "",
	)


def _dumps(value) -> str | None:
	if value in (None, {}, []):
		return None
	return json.dumps(value, indent=1, ensure_ascii=False)


def json_to_fields(data: dict) -> dict:
	return {
		"rule_name": data["ruleName"].strip(),
		"trigger": data["trigger"],
		"conditions": _dumps(data.get("conditions")),
		"actions": _dumps(data.get("actions")),
		"escalation": _dumps(data.get("escalation")),
		"priority": data.get("priority", 0),
		"enabled": 1 if data.get("enabled", True) else 0,
		"stop_processing": 1 if data.get("stopProcessing") else 0,
		"description": data.get("description") or "",
	}


# ----------------------------------------------------------------------------------- validation
def _json_fields(doc) -> tuple[dict, list[Problem]]:
	"""The form's JSON fields (conditions, actions, escalation) decoded, or the ones that are not JSON."""
	problems: list[Problem] = []
	parsed = {}
	for field in JSON_FIELDS:
		try:
			parsed[field] = _loads(doc.get(field))
		except ValueError as e:
			problems.append(Problem(field, "bad_json", {"detail": str(e)}))
	return parsed, problems


def document_to_json(doc) -> tuple[dict | None, list[Problem]]:
	"""A Routing Rule form (a document, or its fields as a dict; saved or not) in the guide's JSON shape,
	or the problems that keep it from being read, each with its field."""
	parsed, problems = _json_fields(doc)
	if problems:
		return None, problems
	try:
		priority = int(doc.get("priority") or 0)
	except (TypeError, ValueError):
		return None, [Problem("priority", "not_a_number", {"value": doc.get("priority")})]
	return row_to_json(
		frappe._dict({**{f: doc.get(f) for f in RULE_FIELDS}, **parsed, "priority": priority})
	), []


def validate_document(doc) -> Rule:
	"""Validate a Routing Rule form: every problem is listed, each with the field it is in."""
	parsed, problems = _json_fields(doc)
	if problems:
		throw(problems, _("Routing Rule {0} cannot be saved").format(doc.rule_name or ""))
	data = row_to_json(frappe._dict({**{f: doc.get(f) for f in RULE_FIELDS}, **parsed}))
	rule, problems = parse_rule(data, set(load_templates()))
	if problems:
		throw(problems, _("Routing Rule {0} cannot be saved").format(doc.rule_name or ""))
	assert rule is not None  # parse_rule returns a rule whenever it finds no problem
	# Store the JSON pretty-printed so the form stays readable.
	for field in JSON_FIELDS:
		doc.set(field, _dumps(parsed[field]))
	return rule


def throw(problems: list[Problem], heading: str):
	frappe.local.flags.disable_traceback = True  # a refusal of what the user wrote, not a server error
	frappe.throw(
		messages.problems_html(problems, heading),
		title=_("Invalid routing rule"),
		exc=frappe.ValidationError,
	)


# -------------------------------------------------------------------------------- import / export
IMPORT_SAVEPOINT = "legist_import_rules"


def parse_import(payload) -> list:
	"""Accept one rule or a list of rules, as JSON text or already decoded (``{"rules": [...]}`` too)."""
	if isinstance(payload, bytes):
		try:
			payload = payload.decode("utf-8")
		except UnicodeDecodeError as e:
			throw([Problem("rules_json", "bad_json", {"detail": str(e)})], _("The rules could not be read"))
	if isinstance(payload, str):
		try:
			payload = json.loads(payload)
		except RecursionError:
			detail = _("it nests too deeply")
			throw([Problem("rules_json", "bad_json", {"detail": detail})], _("The rules could not be read"))
		except ValueError as e:
			throw([Problem("rules_json", "bad_json", {"detail": str(e)})], _("The rules could not be read"))
	if payload is None:
		throw([Problem("rules_json", "required")], _("The rules could not be read"))
	if isinstance(payload, dict) and "rules" in payload and "ruleName" not in payload:
		payload = payload["rules"]
	return payload if isinstance(payload, list) else [payload]  # an empty list: nothing to import


def name_key(name: str) -> str:
	"""A rule name as the database compares names: without regard to case, accents or surrounding spaces
	(so "Règle" and "regle " are one name to MariaDB's unique key)."""
	decomposed = unicodedata.normalize("NFKD", name.strip())
	return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _import_problems(rules: list, templates: set[str], existing: dict, overwrite: bool) -> list:
	"""Every problem of every rule, grouped by rule: [(label, problems)]; empty when all may be written."""
	groups = []
	seen: set[str] = set()
	for i, data in enumerate(rules):
		prefix = f"rules[{i}]" if len(rules) > 1 else ""
		_rule, found = parse_rule(data, templates)
		problems = [Problem(".".join(x for x in (prefix, p.path) if x), p.code, p.params) for p in found]
		name = data.get("ruleName") if isinstance(data, dict) else None
		if isinstance(name, str) and name.strip():
			where = f"{prefix}.ruleName".lstrip(".")
			key = name_key(name)
			if key in seen:
				problems.append(Problem(where, "duplicate_rule", {"value": name}))
			elif key in existing and not overwrite:
				problems.append(Problem(where, "rule_exists", {"value": existing[key]}))
			seen.add(key)
		if problems:
			groups.append((messages.rule_label(i, name), problems))
	return groups


def throw_import(groups: list, heading: str | None = None):
	frappe.local.flags.disable_traceback = True  # a refusal of what the user wrote, not a server error
	frappe.throw(
		messages.grouped_problems_html(
			groups, heading or _("Nothing was imported; fix these problems and import again")
		),
		title=_("Invalid routing rule"),
		exc=frappe.ValidationError,
	)


def import_rules(payload, overwrite: bool = True) -> list[str]:
	"""Validate every rule first, then write them all, or nothing. A refusal names each rule (its place in
	the list and its name), the field and the fix; a rule the database still refuses undoes the others."""
	rules = parse_import(payload)
	templates = set(load_templates())
	# the names that could be stored (the others are refused below, and no query could carry them)
	named = [
		d["ruleName"].strip()
		for d in rules
		if isinstance(d, dict) and not text_problems(d.get("ruleName"), "ruleName")
	]
	existing = {
		name_key(n): n
		for n in (
			frappe.get_all("Routing Rule", filters={"name": ["in", named]}, pluck="name") if named else []
		)
	}
	groups = _import_problems(rules, templates, existing, overwrite)
	if groups:
		throw_import(groups)
	names = []
	frappe.db.savepoint(IMPORT_SAVEPOINT)
	try:
		for i, data in enumerate(rules):
			fields = json_to_fields(data)
			current = existing.get(name_key(fields["rule_name"]))
			try:
				doc = frappe.get_doc("Routing Rule", current) if current else frappe.new_doc("Routing Rule")
				doc.update(fields)
				doc.flags.in_rule_import = True  # the rule-set checks run once, for the whole import
				doc.flags.version_source = "Imported"  # the version this save keeps, if it changes the rule
				doc.save()
			except (frappe.ValidationError, frappe.NameError) as e:
				# Frappe's own checks (a name the database takes for another, a value its column refuses)
				detail = html.unescape(frappe.utils.strip_html(str(e))).strip() or type(e).__name__
				frappe.db.rollback(save_point=IMPORT_SAVEPOINT)
				frappe.clear_messages()
				problems = [Problem("", "refused_on_save", {"detail": detail})]
				throw_import([(messages.rule_label(i, fields["rule_name"]), problems)])
			names.append(doc.name)
	except frappe.ValidationError:
		raise  # rolled back above
	except Exception:
		frappe.db.rollback(save_point=IMPORT_SAVEPOINT)
		raise
	return names


def export_rules(names: list[str] | None = None) -> list[dict]:
	filters = {"name": ["in", names]} if names else {}
	rows = frappe.get_all(
		"Routing Rule",
		filters=filters,
		fields=list(RULE_FIELDS),
		order_by="priority desc, creation asc",
	)
	return [row_to_json(r) for r in rows]
