"""The client portal: a client's own cases in plain words, the items the firm waits for, uploads that
route work, and the firm's status messages.

A client (role Legist Client, a website user) has no desk permission on any case document: every read
here goes through ``client_case``, which refuses any case whose ``client_user`` is not the caller, with
the same "not found" whether the case is someone else's or does not exist (no oracle for guessed names).

An accepted upload is a private File attached to its Client Request and the ``portal.upload`` event:
the shipped rule gives the case paralegal a review task. The event key holds the request and the
file's SHA-256, so the same file sent twice makes one task.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

import frappe
from frappe import _
from frappe.utils import now_datetime

from legist_routing.engine.decide import Event
from legist_routing.services import apply, facts, journal, messages, permissions, routing, settings

OPEN_REQUEST = ("Requested", "Returned")
# Accepted uploads: extension -> (kind shown to the client, content signatures).
ZIP, OLE = (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ACCEPTED = {
	"pdf": ("PDF", (b"%PDF-",)),
	"jpg": ("JPG", (b"\xff\xd8\xff",)),
	"jpeg": ("JPG", (b"\xff\xd8\xff",)),
	"png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
	"tif": ("TIFF", (b"II*\x00", b"MM\x00*")),
	"tiff": ("TIFF", (b"II*\x00", b"MM\x00*")),
	"heic": ("HEIC", ()),  # checked by its ftyp box below
	"doc": ("DOC", OLE),
	"xls": ("XLS", OLE),
	"docx": ("DOCX", ZIP),
	"xlsx": ("XLSX", ZIP),
	"odt": ("ODT", ZIP),
	"ods": ("ODS", ZIP),
	"rtf": ("RTF", (b"{\\rtf",)),
}
HEIC_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1")


# ------------------------------------------------------------------------------------ reading
def request_status_text(status: str | None) -> str:
	return {
		"Requested": _("Waiting for you"),
		"Received": _("Received, the firm is reviewing it"),
		"Accepted": _("Accepted"),
		"Returned": _("Please send it again"),
	}.get(status or "", status or "")


def require_client():
	if frappe.session.user == "Guest":
		frappe.throw(_("Please sign in to see your case."), frappe.PermissionError)


def client_case(name: str | None):
	"""The caller's own case, or "not found" (also for someone else's: a guessed name learns nothing)."""
	require_client()
	owner = frappe.db.get_value("Case", name, "client_user") if name else None
	if not owner or owner != frappe.session.user:
		raise frappe.DoesNotExistError(_("Case {0} not found").format(name or ""))
	return frappe.get_doc("Case", name)


def my_cases() -> list[dict]:
	require_client()
	cases = frappe.get_all(
		"Case",
		filters={"client_user": frappe.session.user},
		fields=["name", "case_title", "case_type", "status", "modified"],
		order_by="modified desc",
	)
	waiting = dict(
		frappe.get_all(
			"Client Request",
			filters={"case": ["in", [c.name for c in cases] or [""]], "status": ["in", OPEN_REQUEST]},
			fields=["`case`", "count(name) as n"],
			group_by="`case`",
			as_list=True,
		)
	)
	for c in cases:
		c.status_text = messages.status_text(c.status)
		c.waiting = int(waiting.get(c.name, 0))
	return cases


def case_view(name: str) -> dict:
	"""Everything the client's case page shows: status in words, the requested items, the firm's messages."""
	case = client_case(name)
	requests = frappe.get_all(
		"Client Request",
		filters={"case": case.name},
		fields=["name", "item", "instructions", "status", "due_date", "file_name", "received_at"],
		order_by="creation asc",
	)
	for r in requests:
		r.status_text = request_status_text(r.status)
		r.open = r.status in OPEN_REQUEST
	sent = frappe.get_all(
		"Client Message",
		filters={"case": case.name},
		fields=["subject", "message", "sent_at"],
		order_by="sent_at desc",
	)
	return {
		"case": {
			"name": case.name,
			"title": case.case_title,
			"case_type": case.case_type,
			"status": case.status,
			"status_text": messages.status_text(case.status),
		},
		"requests": requests,
		"messages": sent,
		"max_upload_mb": max_upload_mb(),
		"accepted": accepted_kinds(),
	}


# ------------------------------------------------------------------------------------ uploading
def max_upload_mb() -> int:
	return int(settings.get().portal_max_upload_mb or 10)


def accepted_kinds() -> str:
	return ", ".join(dict.fromkeys(kind for kind, _sig in ACCEPTED.values()))


def check_file(filename: str | None, content: bytes) -> str:
	"""The file's extension when it may be accepted; otherwise a ValidationError naming the rule."""
	name = PurePath(filename or "").name
	if not name or not content:
		frappe.throw(_("File: choose a file to upload; the one sent was empty."), title=_("File refused"))
	ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
	if ext not in ACCEPTED:
		frappe.throw(
			_("File: {0} cannot be accepted. Send a PDF, an image or an office document ({1}).").format(
				name, accepted_kinds()
			),
			title=_("File refused"),
		)
	limit = max_upload_mb()
	if len(content) > limit * 1024 * 1024:
		frappe.throw(
			_("File: {0} is {1} MB; the firm accepts files up to {2} MB. Send a smaller file.").format(
				name, round(len(content) / 1024 / 1024, 1), limit
			),
			title=_("File refused"),
		)
	kind, signatures = ACCEPTED[ext]
	if ext == "heic":
		ok = content[4:8] == b"ftyp" and content[8:12] in HEIC_BRANDS
	else:
		ok = any(content.startswith(sig) for sig in signatures)
	if not ok:
		frappe.throw(
			_("File: {0} is named .{1} but is not a {2} file. Send the document itself.").format(
				name, ext, kind
			),
			title=_("File refused"),
		)
	return ext


def upload(request_name: str, filename: str, content: bytes) -> dict:
	"""A client's upload against a requested item: checked, stored privately, routed once per file."""
	require_client()
	request = frappe.db.get_value(
		"Client Request",
		request_name,
		["name", "case", "item", "status", "content_hash", "file"],
		as_dict=True,
	)
	if not request:
		raise frappe.DoesNotExistError(_("Requested item {0} not found").format(request_name))
	case = client_case(request.case)  # someone else's request is "not found" too
	check_file(filename, content)
	digest = hashlib.sha256(content).hexdigest()
	key = f"portal.upload:{request.name}:{digest}"
	if request.status not in (*OPEN_REQUEST, "Received"):
		frappe.throw(
			_("Requested item: {0} was already accepted by the firm; nothing more is needed.").format(
				request.name
			),
			title=_("File refused"),
		)
	same_file = request.content_hash == digest and request.status != "Returned"
	if same_file and journal.seen(key):
		return {"status": "already_received", "request": request.name}
	if same_file:
		# Stored before, but its routing failed (its Routing Log says why): route it again, store nothing new.
		file_doc = frappe.get_doc(
			"File",
			{
				"attached_to_doctype": "Client Request",
				"attached_to_name": request.name,
				"file_url": request.file,
			},
		)
	else:
		file_doc = apply.store_client_upload(request.name, PurePath(filename).name, content, digest)
	result = routing.route(
		Event("portal.upload", key, case.name, "Client Request", request.name),
		{**facts.case_facts(case), **facts.upload_facts(request.name, request.item, file_doc)},
	)
	tasks = [r["task"] for r in (result or {}).get("results", []) if r.get("task")]
	return {"status": "received", "request": request.name, "file": file_doc.file_name, "tasks": tasks}


# ---------------------------------------------------------------------------- staff, on a case
def require_staff_on(case: str):
	if not frappe.db.exists("Case", case):
		raise frappe.DoesNotExistError(_("Case {0} not found").format(case))
	if permissions.CLIENT_ROLE in frappe.get_roles() and not permissions.sees_everything():
		frappe.throw(_("Only the firm's staff can do this."), frappe.PermissionError)
	frappe.has_permission("Case", "write", doc=case, throw=True)


def request_documents(case: str, items: list, task: str | None = None) -> list[str]:
	"""Ask the client for documents: one Client Request per item, shown in their portal."""
	require_staff_on(case)
	names = []
	for i, row in enumerate(items, 1):
		row = row if isinstance(row, dict) else {"item": row}
		if not (row.get("item") or "").strip():
			frappe.throw(
				_("Items row {0}: Requested Item is empty; say what the client must send.").format(i)
			)
		names.append(
			frappe.get_doc(
				{
					"doctype": "Client Request",
					"case": case,
					"task": task or row.get("task"),
					"item": row["item"].strip(),
					"instructions": row.get("instructions"),
					"due_date": row.get("due_date"),
				}
			)
			.insert()
			.name
		)
	return names


def review_upload(request: str, decision: str, note: str = "") -> dict:
	"""The firm accepts an upload, or returns it to the client with what is missing."""
	doc = frappe.get_doc("Client Request", request)
	require_staff_on(doc.case)
	if doc.status != "Received":
		frappe.throw(
			_("Status: {0} is {1}; only a received upload can be reviewed.").format(doc.name, _(doc.status))
		)
	if decision not in ("Accept", "Return"):
		frappe.throw(_("Decision: choose Accept or Return."))
	if decision == "Return" and not (note or "").strip():
		frappe.throw(_("Note: tell the client what is wrong with the file when you return it."))
	doc.status = "Accepted" if decision == "Accept" else "Returned"
	if note:
		doc.instructions = note
	doc.save()
	return {"name": doc.name, "status": doc.status}


def validate_request(doc):
	if doc.is_new():
		doc.status = "Requested"
	if doc.task and frappe.db.get_value("Case Task", doc.task, "case") != doc.case:
		frappe.throw(
			_("For Task: {0} belongs to another case; choose a task of {1}.").format(doc.task, doc.case)
		)


def message_client(case: str, subject: str, message: str) -> str:
	"""A status message to the client: in their portal, and by e-mail in their language."""
	require_staff_on(case)
	return (
		frappe.get_doc({"doctype": "Client Message", "case": case, "subject": subject, "message": message})
		.insert()
		.name
	)


def stamp_message(doc):
	"""When the client is told, measured from the case's last status change (the first message after it)."""
	case = frappe.db.get_value(
		"Case", doc.case, ["status", "status_changed_at", "preferred_language"], as_dict=True
	)
	now = now_datetime()
	doc.sent_at = now
	doc.language = case.preferred_language
	doc.case_status = case.status
	doc.status_changed_at = case.status_changed_at
	if case.status_changed_at and not frappe.db.exists(
		"Client Message", {"case": doc.case, "status_changed_at": case.status_changed_at}
	):
		doc.latency_hours = round((now - case.status_changed_at).total_seconds() / 3600, 2)


def deliver_message(doc):
	doc.db_set("emailed", 1 if apply.email_client(doc) else 0, update_modified=False)


def stamp_status_change(case):
	"""Case validate: remember when the status last changed."""
	before = case.get_doc_before_save()
	if case.is_new() or (before is not None and before.status != case.status):
		case.status_changed_at = now_datetime()
