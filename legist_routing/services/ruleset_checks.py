"""Rule-set checks on the site: the engine's analysis (engine/ruleset_checks.py) over the stored rules,
with what the site holds: the Select options and case types facts can take, the templates, teams,
escalation policies, roles and users rules may name.

Run on demand (api.check_rule_set, the "Check rule set" button) and after each save of a Routing Rule or
import, where the findings about the saved rules are shown as a warning: they never block a save.
"""

from __future__ import annotations

import frappe
from frappe import _

from legist_routing.engine import facts as F
from legist_routing.engine.ruleset_checks import Finding, Vocabulary, check_rules, involving
from legist_routing.services import facts, messages, rules

# Where each root's facts are stored, for their Select options and links.
ROOT_DOCTYPES = {"case": "Case", "document": "Case Notice", "task": "Case Task"}
# Linked DocTypes small enough to read whole: a fact linking to one takes only their names.
CLOSED_LINKS = ("Case Type", "Language", "Task Template", "Routing Team")
# Facts read from another DocType than their root's (services/facts.py): path -> (DocType, field).
ELSEWHERE = {
	"case.practice_group": ("Case Type", "practice_group"),
	"task.template_id": ("Task Template", "template_id"),
}


def _options(doctype: str, fieldname: str) -> list[str] | None:
	df = frappe.get_meta(doctype).get_field(fieldname)
	if df is None or df.fieldtype != "Select":
		return None
	return [o for o in (df.options or "").split("\n") if o.strip()]


def vocabulary() -> Vocabulary:
	"""What the site holds, as the checks need it (a dozen queries, whatever the number of rules)."""
	values: dict[str, list] = {}
	linked: dict[str, list[str]] = {}
	for path, kind in F.FACTS.items():
		root, _dot, field = path.partition(".")
		doctype, field = ELSEWHERE.get(path, (ROOT_DOCTYPES.get(root), field))
		if kind != F.TEXT or doctype is None:
			continue
		options = _options(doctype, field)
		if options is not None:
			values[path] = options
			continue
		df = frappe.get_meta(doctype).get_field(field)
		if df is not None and df.fieldtype == "Link" and df.options in CLOSED_LINKS:
			if df.options not in linked:
				linked[df.options] = frappe.get_all(df.options, pluck="name")
			values[path] = linked[df.options]
		elif path in ELSEWHERE:
			values[path] = [v for v in frappe.get_all(doctype, pluck=field) if v]  # template ids
	templates = rules.load_templates()
	return Vocabulary(
		values=values,
		by_trigger={"portal.upload": {"document.notice_type": [facts.UPLOAD_NOTICE_TYPE]}},
		names={
			"team": frappe.get_all("Routing Team", pluck="name"),
			"policy": frappe.get_all("Escalation Policy", pluck="name"),
			"role": frappe.get_all("Role", pluck="name"),
			"user": frappe.get_all("User", filters={"enabled": 1}, pluck="name"),
		},
		templates=templates,
	)


def stored_rules() -> tuple[list[dict], list[Finding]]:
	"""Every Routing Rule in the guide's shape, in the order routing evaluates them; rules whose stored
	JSON cannot be read come back as findings."""
	data, unreadable = [], []
	for row in frappe.get_all(
		"Routing Rule", fields=list(rules.RULE_FIELDS), order_by="priority desc, creation asc"
	):
		rule, problems = rules.document_to_json(row)
		if rule is None:
			unreadable.append(Finding(row.rule_name, "invalid_rule", problems=tuple(problems)))
		else:
			data.append(rule)
	return data, unreadable


def run() -> list[Finding]:
	"""Check every stored rule (the enabled ones also against each other)."""
	data, unreadable = stored_rules()
	return unreadable + check_rules(data, vocabulary())


def report() -> dict:
	"""The checks as the desk shows them: each finding with its rule, the other rule, where, and the
	translated text naming the fix."""
	findings = run()
	count = frappe.db.count("Routing Rule")
	return {
		"rules": count,
		"html": messages.findings_html(findings, messages.report_heading(count, len(findings))),
		"findings": [
			{
				"rule": f.rule,
				"other": f.other,
				"code": f.code,
				"path": f.path,
				"severity": messages.finding_severity(f),
				"message": messages.finding_text(f),
			}
			for f in findings
		],
	}


def warn(names: list[str]) -> list[Finding]:
	"""After a save or an import: show (never block on) what the checks find about these rules."""
	if not names:
		return []
	findings = run()
	found: list[Finding] = []
	for name in names:
		found += [f for f in involving(findings, name) if f not in found]
	if found:
		frappe.msgprint(
			messages.findings_html(found, _("Saved. The rule-set checks found:")),
			title=_("Rule set checks"),
			indicator="orange",
		)
	return found


def on_save(doc) -> None:
	"""Routing Rule on_update: the findings about this rule (an import checks once, for all it wrote;
	installing, migrating and patching, which seed rules, show nothing)."""
	flags = frappe.flags
	if not (doc.flags.in_rule_import or flags.in_install or flags.in_migrate or flags.in_patch):
		warn([doc.name])
