"""The audit trail of a case: every assignment, status change, acknowledgement, escalation step, comment,
notice and upload on a case and its documents, read from the records Frappe and routing already keep.

No parallel store: Version (field changes), Comment (timeline), File (uploads), Routing Log (decisions
and reassignments), Escalation Event (the ladder's ledger) and Case Notice. One query per source,
filtered in SQL by case, period and person; merged and sorted by time in Python.

Bottom layer: reads only, writes nothing.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, strip_html

KINDS = (
	"Assignment",
	"Status",
	"Acknowledgement",
	"Escalation",
	"Comment",
	"Notice",
	"Upload",
	"Routing",
	"Change",
)
RULE, BY_HAND, ESCALATION, SYSTEM = "Rule", "By hand", "Escalation", "System"
DEFAULT_LIMIT = 5000
# The documents of a case that carry versions, comments and files.
DOCTYPES = ("Case", "Case Task", "Case Notice", "Client Request")
# Timeline noise, not facts about the case.
SKIPPED_COMMENTS = ("Like", "Seen")
# Comments people write or cause by hand; the rest are the system's own notes.
BY_HAND_COMMENTS = (
	"Comment",
	"Assigned",
	"Assignment Completed",
	"Attachment",
	"Attachment Removed",
	"Shared",
	"Unshared",
	"Edit",
)
# A Version field that is a scheduler's index, or a fingerprint, never a fact for a reader.
QUIET_FIELDS = {"next_escalation_at", "content_hash"}
# A checklist row's stamps repeat the entry's own who and when.
QUIET_ROW_FIELDS = {"done_by", "done_at"}
# Fields a status change stamps by itself: said by the status entry, not listed again.
STAMPED_BY_STATUS = {
	"status_changed_at",
	"acknowledged_at",
	"acknowledged_by",
	"completed_at",
	"paused_at",
	"received_at",
	"uploads",
	"file",
	"file_name",
}
STAMPED_BY_ASSIGNMENT = {"assigned_at"}
# A system comment within this many seconds of a structured record of the same fact on the same document
# is that record's echo on the timeline (a ToDo's "assigned" note, a ladder step's note, a file's note).
ECHO_WINDOW = dt.timedelta(seconds=10)
ECHO_OF = {
	"Assignment": {"Assignment", "Escalation"},
	"Comment": {"Assignment", "Escalation"},
	"Upload": {"Upload"},
}


def entries(filters=None) -> list[dict]:
	"""The trail, oldest first: see ``trail``."""
	return trail(filters)[0]


def trail(filters=None) -> tuple[list[dict], bool]:
	"""(entries, cut): the entries matching ``filters`` oldest first, at most ``limit`` of them; ``cut``
	says that more matched.

	Filters: case, person (the actor, or the user an assignment came from or went to, or an escalation's
	recipient), kind (one of KINDS), from_date, to_date (dates, both ends included), limit.
	"""
	f = frappe._dict(filters or {})
	limit = int(f.limit or DEFAULT_LIMIT)
	if f.kind and f.kind not in KINDS:
		frappe.throw(_("Kind: choose one of {0}.").format(", ".join(KINDS)))
	params = {
		"case": f.case or None,
		"person": f.person or None,
		"person_json": f'%"{_like(f.person)}"%' if f.person else None,
		"person_like": f"%{_like(f.person)}%" if f.person else None,
		"start": get_datetime(f.from_date) if f.from_date else None,
		"end": get_datetime(add_days(f.to_date, 1)) if f.to_date else None,
		"doctypes": DOCTYPES,
		"rows": limit + 1,
	}
	found: list[dict] = []
	cutoff = None
	for reader, build in SOURCES:
		rows = reader(params)
		if len(rows) > limit:
			# This source has more rows than we read: the merge is complete only before its last one.
			last = rows[-1].creation
			cutoff = last if cutoff is None else min(cutoff, last)
			rows = rows[:limit]
		for row in rows:
			found.extend(build(row))
	found = _drop_echoes(found)
	cut = False
	if cutoff is not None:
		cut = True
		found = [e for e in found if e["time"] < cutoff]
	if f.kind:
		found = [e for e in found if e["kind"] == f.kind]
	if f.person:
		found = [e for e in found if f.person in e["_people"]]
	found.sort(key=lambda e: e["time"])  # stable: entries of one record keep their order
	if len(found) > limit:
		cut, found = True, found[:limit]
	for e in found:
		for key in [k for k in e if k.startswith("_")]:
			del e[key]
	return found, cut


# ------------------------------------------------------------------------------------------- queries
def _like(value: str) -> str:
	return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _period(column: str, params: dict) -> str:
	sql = ""
	if params["start"]:
		sql += f" and {column} >= %(start)s"
	if params["end"]:
		sql += f" and {column} < %(end)s"
	return sql


def _case_documents(params: dict) -> str:
	"""A derived table (dt, name, case_name) of the documents that belong to a case: the case itself, its
	tasks, notices and client requests; only the filtered case's when one is given."""
	own, of_case = ("where name = %(case)s", "where `case` = %(case)s") if params["case"] else ("", "")
	return f"""(
		select 'Case' as dt, name, name as case_name from `tabCase` {own}
		union all select 'Case Task', name, `case` from `tabCase Task` {of_case}
		union all select 'Case Notice', name, `case` from `tabCase Notice` {of_case}
		union all select 'Client Request', name, `case` from `tabClient Request` {of_case}
	)"""


def _case_filter(column: str, params: dict) -> str:
	return f" and {column} = %(case)s" if params["case"] else f" and {column} is not null"


def _versions(params: dict) -> list:
	person = " and (v.owner = %(person)s or v.data like %(person_json)s)" if params["person"] else ""
	return frappe.db.sql(
		f"""select v.name, v.creation, v.owner, v.ref_doctype, v.docname, v.data, d.case_name
		from `tabVersion` v join {_case_documents(params)} d on d.dt = v.ref_doctype and d.name = v.docname
		where v.ref_doctype in %(doctypes)s {_period("v.creation", params)} {person}
		order by v.creation, v.name limit %(rows)s""",
		params,
		as_dict=True,
	)


def _comments(params: dict) -> list:
	person = " and (c.owner = %(person)s or c.comment_email = %(person)s)" if params["person"] else ""
	return frappe.db.sql(
		f"""select c.name, c.creation, c.owner, c.comment_email, c.comment_type, c.content,
			c.reference_doctype, c.reference_name, d.case_name
		from `tabComment` c
		join {_case_documents(params)} d on d.dt = c.reference_doctype and d.name = c.reference_name
		where c.reference_doctype in %(doctypes)s and c.comment_type not in %(skipped)s
			{_period("c.creation", params)} {person}
		order by c.creation, c.name limit %(rows)s""",
		{**params, "skipped": SKIPPED_COMMENTS},
		as_dict=True,
	)


def _files(params: dict) -> list:
	person = " and f.owner = %(person)s" if params["person"] else ""
	return frappe.db.sql(
		f"""select f.name, f.creation, f.owner, f.file_name, f.is_private,
			f.attached_to_doctype, f.attached_to_name, d.case_name
		from `tabFile` f
		join {_case_documents(params)} d on d.dt = f.attached_to_doctype and d.name = f.attached_to_name
		where f.attached_to_doctype in %(doctypes)s and f.is_folder = 0 {_period("f.creation", params)} {person}
		order by f.creation, f.name limit %(rows)s""",
		params,
		as_dict=True,
	)


def _notices(params: dict) -> list:
	person = " and owner = %(person)s" if params["person"] else ""
	return frappe.db.sql(
		f"""select name, creation, owner, `case`, notice_type, receipt_number, notice_date, response_due_date
		from `tabCase Notice`
		where docstatus < 2 {_case_filter("`case`", params)} {_period("creation", params)} {person}
		order by creation, name limit %(rows)s""",
		params,
		as_dict=True,
	)


def _routing_logs(params: dict) -> list:
	# A decision that matched no rule did nothing: it stays in the Routing Log only. An escalation step's
	# log repeats its Escalation Event, read below.
	person = (
		" and (owner = %(person)s or results like %(person_json)s or trace like %(person_json)s)"
		if params["person"]
		else ""
	)
	return frappe.db.sql(
		f"""select name, creation, owner, `case`, event, status, reference_doctype, reference_name,
			summary, trace, results
		from `tabRouting Log`
		where status != 'No Match' and event not like 'escalation.%%'
			{_case_filter("`case`", params)} {_period("creation", params)} {person}
		order by creation, name limit %(rows)s""",
		params,
		as_dict=True,
	)


def _escalations(params: dict) -> list:
	person = " and (owner = %(person)s or recipients like %(person_like)s)" if params["person"] else ""
	return frappe.db.sql(
		f"""select name, creation, owner, `case`, task, stage, recipients, detail
		from `tabEscalation Event`
		where 1 = 1 {_case_filter("`case`", params)} {_period("creation", params)} {person}
		order by creation, name limit %(rows)s""",
		params,
		as_dict=True,
	)


# ------------------------------------------------------------------------------------------- entries
def _entry(
	row, case, doctype, docname, kind, actor, how, detail="", from_user=None, to_user=None, reason=None
):
	return {
		"time": get_datetime(row.creation),
		"case": case,
		"doctype": doctype,
		"docname": docname,
		"kind": kind,
		"actor": actor,
		"from_user": from_user or None,
		"to_user": to_user or None,
		"how": how,
		"reason": reason or None,
		"detail": detail or "",
		"_people": {actor, from_user, to_user} - {None, ""},
		"_echo": False,
	}


def _plain(value) -> str:
	"""Text for a reader and a spreadsheet: no tags, no entities, one line."""
	if value is None:
		return ""
	return " ".join(html.unescape(strip_html(str(value))).split())


def _shown(value) -> str:
	return "-" if value in (None, "") else _plain(value)


def _label(doctype: str, fieldname: str) -> str:
	return _(frappe.get_meta(doctype).get_label(fieldname))


def _change(doctype: str, fieldname: str, old, new) -> str:
	return f"{_label(doctype, fieldname)}: {_shown(old)} → {_shown(new)}"


def _load(text, default):
	try:
		value = json.loads(text) if text else default
	except (TypeError, ValueError):
		return default
	return value if isinstance(value, type(default)) else default


def _from_version(row) -> list[dict]:
	data = _load(row.data, {})
	changed = {c[0]: c for c in data.get("changed") or [] if len(c) == 3 and c[0] not in QUIET_FIELDS}
	args = (row, row.case_name, row.ref_doctype, row.docname)
	out = []
	status = changed.pop("status", None)
	acknowledged = changed.get("acknowledged_at")
	acknowledged = acknowledged if acknowledged and not acknowledged[1] and acknowledged[2] else None
	if status or acknowledged:
		kind = "Acknowledgement" if acknowledged or status[2] == "Acknowledged" else "Status"
		change = status or acknowledged
		assert change is not None
		detail = _change(row.ref_doctype, *change)
		out.append(_entry(*args, kind, row.owner, BY_HAND, detail))
		for field in STAMPED_BY_STATUS:
			changed.pop(field, None)
	assigned = changed.pop("assigned_to", None)
	if assigned:
		for field in STAMPED_BY_ASSIGNMENT:
			changed.pop(field, None)
		detail = _change(row.ref_doctype, *assigned)
		out.append(
			_entry(
				*args, "Assignment", row.owner, BY_HAND, detail, from_user=assigned[1], to_user=assigned[2]
			)
		)
	details = [_change(row.ref_doctype, *c) for c in changed.values()]
	for table, _row in data.get("added") or []:
		details.append(_("{0}: added a row").format(_label(row.ref_doctype, table)))
	for table, _row in data.get("removed") or []:
		details.append(_("{0}: removed a row").format(_label(row.ref_doctype, table)))
	for table, idx, _name, row_changes in data.get("row_changed") or []:
		where = _("{0} row {1}").format(_label(row.ref_doctype, table), int(idx) + 1)
		child = frappe.get_meta(row.ref_doctype).get_options(table)
		details += [
			f"{where}, {_change(child, *change)}" for change in row_changes if change[0] not in QUIET_ROW_FIELDS
		]
	if details:
		out.append(_entry(*args, "Change", row.owner, BY_HAND, "; ".join(details)))
	return out


def _from_comment(row) -> list[dict]:
	detail = _plain(row.content)
	kind = {
		"Comment": "Comment",
		"Info": "Assignment" if "reassigned" in detail.lower() else "Comment",
		"Assigned": "Assignment",
		"Assignment Completed": "Assignment",
		"Attachment": "Upload",
		"Attachment Removed": "Upload",
	}.get(row.comment_type, "Change")
	how = BY_HAND if row.comment_type in BY_HAND_COMMENTS else SYSTEM
	entry = _entry(
		row,
		row.case_name,
		row.reference_doctype,
		row.reference_name,
		kind,
		row.comment_email or row.owner,
		how,
		detail,
	)
	entry["_echo"] = row.comment_type != "Comment"
	return [entry]


def _from_file(row) -> list[dict]:
	detail = (row.file_name or "") + (" " + _("(private)") if row.is_private else "")
	return [
		_entry(
			row,
			row.case_name,
			row.attached_to_doctype,
			row.attached_to_name,
			"Upload",
			row.owner,
			BY_HAND,
			detail,
		)
	]


def _from_notice(row) -> list[dict]:
	parts = [row.notice_type, row.receipt_number]
	if row.notice_date:
		parts.append(_("notice date {0}").format(row.notice_date))
	if row.response_due_date:
		parts.append(_("response due {0}").format(row.response_due_date))
	detail = ", ".join(str(p) for p in parts if p)
	return [_entry(row, row.case, "Case Notice", row.name, "Notice", row.owner, BY_HAND, detail)]


def _from_routing_log(row) -> list[dict]:
	if row.event == "task.reassigned":
		trace = _load(row.trace, {})
		reason = trace.get("reason")
		return [
			_entry(
				row,
				row.case,
				row.reference_doctype,
				row.reference_name,
				"Assignment",
				trace.get("by") or row.owner,
				ESCALATION if reason == "Escalation" else BY_HAND,
				_plain(row.summary),
				from_user=trace.get("from"),
				to_user=trace.get("to"),
				reason=reason,
			)
		]
	results = [r for r in _load(row.results, []) if isinstance(r, dict)]
	rules = ", ".join(dict.fromkeys(r["rule"] for r in results if r.get("rule")))
	summary = "; ".join(line.strip() for line in (row.summary or "").splitlines() if line.strip())
	out = [
		_entry(
			row,
			row.case,
			row.reference_doctype,
			row.reference_name,
			"Routing",
			row.owner,
			RULE,
			f"{row.event} ({row.status}): {_plain(summary)}",
			reason=rules,
		)
	]
	for r in results:
		if not r.get("task"):
			continue
		if r.get("status") == "created":
			to_user, detail = r.get("assigned_to"), _plain(r.get("why"))
		elif r.get("status") == "unroutable":
			to_user, detail = None, _("Nobody could take it: {0}").format(_plain(r.get("why")))
		elif r.get("status") == "notified":
			# One review task per recipient; the result names the last one's.
			recipients = r.get("recipients") or []
			to_user = recipients[-1] if recipients else None
			detail = _("Notified {0}, who must respond on this task").format(", ".join(recipients))
		else:
			continue
		out.append(
			_entry(
				row,
				row.case,
				"Case Task",
				r["task"],
				"Assignment",
				row.owner,
				RULE,
				detail,
				to_user=to_user,
				reason=r.get("rule"),
			)
		)
	return out


def _from_escalation(row) -> list[dict]:
	recipients = [u.strip() for u in (row.recipients or "").split(",") if u.strip()]
	detail = _plain(row.detail)
	if len(recipients) > 1:
		detail += " " + _("To: {0}.").format(", ".join(recipients))
	entry = _entry(
		row,
		row.case,
		"Case Task",
		row.task,
		"Escalation",
		row.owner,
		ESCALATION,
		detail,
		to_user=recipients[0] if len(recipients) == 1 else None,
		reason=row.stage,
	)
	entry["_people"].update(recipients)
	return [entry]


def _drop_echoes(found: list[dict]) -> list[dict]:
	"""One fact, one entry: a system comment repeating a structured record (Routing Log, Escalation Event,
	File) of the same document, written within seconds of it, is left out."""
	facts: dict[tuple, list] = {}
	for e in found:
		if not e["_echo"] and e["kind"] != "Comment":
			facts.setdefault((e["doctype"], e["docname"]), []).append(e)
	kept = []
	for e in found:
		if e["_echo"] and any(
			f["kind"] in ECHO_OF.get(e["kind"], ()) and abs(f["time"] - e["time"]) <= ECHO_WINDOW
			for f in facts.get((e["doctype"], e["docname"]), ())
		):
			continue
		kept.append(e)
	return kept


# Each source: its query, and how one of its rows becomes entries.
SOURCES = (
	(_versions, _from_version),
	(_comments, _from_comment),
	(_files, _from_file),
	(_notices, _from_notice),
	(_routing_logs, _from_routing_log),
	(_escalations, _from_escalation),
)
