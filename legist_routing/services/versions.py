"""Versions of Routing Rules and Escalation Policies: kept on every change, compared, restored.

A save that changes what a rule or a policy says (its content: a rule in the guide's JSON shape, a policy
with its stages) keeps that content as a new Routing Config Version, numbered 1, 2, 3 per document; a save
that changes nothing keeps nothing. The document's read-only ``version`` field holds its current number,
and the compiled rules carry it, so each Routing Log names the version that decided.

Numbers are taken under the document's row lock (Frappe's save reads the row ``for update``), from a
locking read of its versions; the unique (doctype, name, version) index refuses a number taken twice all
the same. A deleted rule keeps its versions: a rule created again under its name goes on from its last
number, so "version 4 of X" means one content for good.
"""

from __future__ import annotations

import json
from typing import Any

import frappe
from frappe import _

from legist_routing.engine import versions as V
from legist_routing.services import escalation_policy, rules

DOCTYPE = "Routing Config Version"
VERSIONED = ("Routing Rule", "Escalation Policy")
# The fields of each content in the form's order, with the value a field left out stands for.
DEFAULTS: dict[str, dict[str, Any]] = {
	"Routing Rule": {
		"ruleName": "",
		"trigger": "",
		"enabled": True,
		"priority": 0,
		"stopProcessing": False,
		"description": "",
		"conditions": None,
		"actions": [],
		"escalation": None,
	},
	"Escalation Policy": {"policyName": "", "description": "", "stages": []},
}
LABELS = {
	"ruleName": "Rule Name",
	"trigger": "Trigger",
	"enabled": "Enabled",
	"priority": "Priority",
	"stopProcessing": "Stop After This Rule",
	"description": "Description",
	"conditions": "Conditions",
	"actions": "Actions",
	"escalation": "Escalation",
	"policyName": "Policy Name",
	"stages": "Stages",
}


# ------------------------------------------------------------------------------------------- content
def content_of(doc) -> dict:
	"""What a rule or a policy says, as JSON: the rule in the guide's shape, the policy with its stages."""
	if doc.doctype == "Escalation Policy":
		return escalation_policy.policy_to_json(doc)
	data, _problems = rules.document_to_json(doc)
	if data is None:  # a stored rule whose JSON no longer reads: keep its fields as they are
		data = {field: doc.get(field) for field in rules.RULE_FIELDS}
	return data


def _fields_of(doctype: str, content: dict) -> dict:
	if doctype == "Escalation Policy":
		return escalation_policy.json_to_policy_fields(content)
	return rules.json_to_fields(content)


# ---------------------------------------------------------------------------------- on every save
def before_save(doc):
	"""Number the version this save makes, if it changes the content (the document's ``before_save``).

	The rows are written by ``on_update``, in the same transaction, once the document itself is."""
	content = content_of(doc)
	latest = _latest(doc.doctype, doc.name, lock=not doc.is_new())
	pending = []
	if latest is None and not doc.is_new():
		# Saved before versions were kept for it: what it said until now is its first version.
		before = doc.get_doc_before_save()
		if before is not None:
			latest = frappe._dict(version=1, content=content_of(before))
			pending.append((1, latest.content, "Recorded", []))
	if latest is not None and latest.content == content:
		doc.version = latest.version
	else:
		number = (latest.version if latest else 0) + 1
		source = doc.flags.version_source or ("Created" if doc.is_new() else "Edited")
		changed = V.changed_fields(
			_full(doc.doctype, latest.content) if latest else None, _full(doc.doctype, content)
		)
		pending.append((number, content, source, changed))
		doc.version = number
	doc.flags.pending_versions = pending


def on_update(doc):
	"""Write the versions ``before_save`` numbered (the document's ``on_update``)."""
	pending = doc.flags.pop("pending_versions", None) or []
	for number, content, source, changed in pending:
		last = number == pending[-1][0]
		_insert(
			doc,
			number,
			content,
			source,
			changed,
			restored_from=doc.flags.restored_from if last and source == "Restored" else None,
			note=(doc.flags.version_note or "") if last else "",
		)
	for flag in ("version_source", "restored_from", "version_note"):  # this save's, not the next one's
		doc.flags.pop(flag, None)


def _insert(doc, number: int, content: dict, source: str, changed: list[str], restored_from=None, note=""):
	frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"version": number,
			"title": f"{doc.name[:120]} v{number}",
			"source": source,
			"restored_from": restored_from,
			"changed": ", ".join(changed),
			"note": note,
			"content": json.dumps(content, indent=1, ensure_ascii=False),
		}
	).insert(ignore_permissions=True)


def record_missing():
	"""Version 1 ("Recorded") of each rule and policy that has none yet (saved before versions were kept),
	and its version field set; nothing else about them changes. Run once, by a patch."""
	for doctype in VERSIONED:
		have = set(
			frappe.get_all(
				DOCTYPE, filters={"reference_doctype": doctype}, pluck="reference_name", distinct=True
			)
		)
		for name in frappe.get_all(doctype, pluck="name", order_by="creation asc"):
			if name in have:
				continue
			doc = frappe.get_doc(doctype, name)  # a policy's stages too: one document at a time, once
			_insert(doc, 1, content_of(doc), "Recorded", [])
			frappe.db.set_value(doctype, name, "version", 1, update_modified=False)


def _latest(doctype: str, name: str, lock: bool = False):
	"""The last version of a document: its number and content, or None.

	``lock``: a locking read, which sees what another transaction committed after this one began (the
	document's row lock already keeps a second save of it waiting). A new document reads without one: two
	transactions creating different rules would otherwise each lock the same gap of the index and deadlock."""
	rows = frappe.db.sql(
		f"""select version, content from `tab{DOCTYPE}`
		where reference_doctype = %s and reference_name = %s
		order by version desc limit 1{" for update" if lock else ""}""",
		(doctype, name),
		as_dict=True,
	)
	if not rows:
		return None
	return frappe._dict(version=rows[0].version, content=json.loads(rows[0].content or "{}"))


def _full(doctype: str, content: dict) -> dict:
	"""The content with every field, a default standing for each one the guide's shape leaves out."""
	return {**DEFAULTS[doctype], **content}


# ---------------------------------------------------------------------------------- the versions
def refuse_change(doc):
	"""Versions are written once: nobody edits one (the version's ``validate``)."""
	if not doc.is_new():
		frappe.throw(
			_("A version cannot be changed. To go back to it, restore it from its rule or policy."),
			frappe.PermissionError,
		)


def refuse_delete(doc):
	"""Only a System Manager deletes a version (the version's ``on_trash``)."""
	if "System Manager" not in frappe.get_roles():
		frappe.throw(_("Only a System Manager can delete a version."), frappe.PermissionError)


def add_indexes():
	frappe.db.add_unique(DOCTYPE, ["reference_doctype", "reference_name", "version"])


def _check_doctype(doctype: str):
	if doctype not in VERSIONED:
		frappe.throw(
			_("doctype: versions are kept for Routing Rules and Escalation Policies, not {0}.").format(
				doctype
			),
			frappe.ValidationError,
		)


def _number(value, field: str) -> int:
	try:
		return int(value)
	except (TypeError, ValueError):
		frappe.throw(
			_("{0}: give a version number, not {1}.").format(field, repr(value)), frappe.ValidationError
		)
		raise


def listing(doctype: str, name: str) -> list[dict]:
	"""The versions of a document, newest first (a deleted rule's too), each with who made it, when and
	how, and whether it is the current one."""
	_check_doctype(doctype)
	current = frappe.db.get_value(doctype, name, "version")
	rows = frappe.get_all(
		DOCTYPE,
		filters={"reference_doctype": doctype, "reference_name": name},
		fields=["name", "version", "source", "restored_from", "changed", "note", "owner", "creation"],
		order_by="version desc",
	)
	for row in rows:
		row["current"] = row.version == current
	return rows


def get_version(doctype: str, name: str, number, field: str = "version"):
	"""One version, or a refusal naming the field that asked for it."""
	_check_doctype(doctype)
	number = _number(number, field)
	row = frappe.db.get_value(
		DOCTYPE,
		{"reference_doctype": doctype, "reference_name": name, "version": number},
		["name", "version", "source", "restored_from", "note", "owner", "creation", "content"],
		as_dict=True,
	)
	if not row:
		frappe.throw(
			_("{0}: {1} {2} has no version {3}.").format(field, _(doctype), name, number),
			frappe.DoesNotExistError,
		)
	row.content = json.loads(row.content or "{}")
	return row


def compare(doctype: str, name: str, from_version, to_version) -> dict:
	"""Two versions side by side: each field in both, whether it changed, and the paths inside it that
	did (conditions and actions as JSON)."""
	a = get_version(doctype, name, from_version, "from_version")
	b = get_version(doctype, name, to_version, "to_version")
	order = tuple(DEFAULTS[doctype])
	fields = [
		{**item, "label": _(LABELS.get(item["field"], item["field"]))}
		for item in V.compare(_full(doctype, a.content), _full(doctype, b.content), order)
	]
	current = frappe.db.get_value(doctype, name, "version")
	return {
		"doctype": doctype,
		"name": name,
		"from": _meta(a, current),
		"to": _meta(b, current),
		"fields": fields,
		"changed": [f["field"] for f in fields if f["changed"]],
	}


def _meta(row, current) -> dict:
	return {
		"name": row.name,
		"version": row.version,
		"source": row.source,
		"restored_from": row.restored_from,
		"note": row.note,
		"owner": row.owner,
		"creation": row.creation,
		"current": row.version == current,
		"content": row.content,
	}


def restore(doctype: str, name: str, number, note: str | None = None) -> dict:
	"""Save the document with a version's content: that save is itself a new version ("Restored").

	A rule deleted since is created again. Restoring the content the document already has changes
	nothing. The document's own validation still applies: a version that names a template deleted since
	is refused, naming the field."""
	row = get_version(doctype, name, number)
	exists = frappe.db.exists(doctype, name)
	doc = frappe.get_doc(doctype, name) if exists else frappe.new_doc(doctype)
	if exists and content_of(doc) == row.content:
		return {
			"restored": False,
			"version": doc.version,
			"message": _("Version {0} is what {1} already says: nothing to restore.").format(
				row.version, name
			),
		}
	doc.update(_fields_of(doctype, row.content))  # a table given as a list replaces the rows
	doc.flags.version_source = "Restored"
	doc.flags.restored_from = row.version
	doc.flags.version_note = (note or "").strip()
	doc.save()
	return {
		"restored": True,
		"version": doc.version,
		"message": _("Version {0} restored as version {1}.").format(row.version, doc.version),
	}
