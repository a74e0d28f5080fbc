"""Telling people: in-app through Frappe's Notification Log, e-mail through its queue.

A site without an outgoing e-mail account loses the e-mail, never the step that sent it.
"""

from __future__ import annotations

import frappe

LOG_FUNCTION = "frappe.desk.doctype.notification_log.notification_log.make_notification_logs"


def in_app(
	users: list[str],
	document_type: str | None,
	document_name: str | None,
	subject: str,
	body: str | None = None,
	from_user: str = "Administrator",
	deferred: bool = False,
):
	"""Alerts in the bell menu. ``deferred``: written by a worker once the transaction commits, as
	Frappe writes its own (in a request this keeps the user's save fast)."""
	if not users:
		return
	doc = frappe._dict(
		type="Alert",
		document_type=document_type,
		document_name=document_name,
		subject=subject,
		email_content=body or subject,
		from_user=from_user,
	)
	if deferred:
		frappe.enqueue(
			LOG_FUNCTION,
			queue="short",
			doc=doc,
			users=list(users),
			now=bool(frappe.flags.in_test),
			enqueue_after_commit=not frappe.flags.in_test,
		)
	else:
		frappe.get_attr(LOG_FUNCTION)(doc, list(users))


def in_app_many(alerts: list[dict]):
	"""Many alerts at once, as ``in_app`` writes each (Frappe's ``make_notification_logs``): the same
	Notification Log rows, one multi-row INSERT for all of them.

	``alerts``: dicts of ``users``, ``document_type``, ``document_name``, ``subject``, ``body`` and
	optionally ``from_user``. Frappe's rules are kept: only enabled users whose notifications are on, each
	user's bell marked unseen, the desk told after the commit. An alert never e-mails (that is the
	caller's channel)."""
	from frappe.model.naming import make_autoname

	emails = {u for alert in alerts for u in alert["users"]}
	if not emails:
		return
	by_email: dict[str, list[str]] = {}
	for name, address in frappe.db.sql(
		"select name, email from `tabUser` where enabled = 1 and email in %(emails)s",
		{"emails": tuple(emails)},
	):
		by_email.setdefault(address, []).append(name)
	off = set(
		frappe.db.sql_list(
			"select name from `tabNotification Settings` where enabled = 0 and name in %(users)s",
			{"users": tuple(n for names in by_email.values() for n in names) or ("",)},
		)
	)
	rows = []
	for alert in alerts:
		users = [n for e in dict.fromkeys(alert["users"]) for n in by_email.get(e, ()) if n not in off]
		subject, body = _as_inserted(alert["subject"], alert.get("body") or alert["subject"])
		for user in users:
			now = frappe.utils.now_datetime()
			rows.append(
				(
					make_autoname("hash"),
					now,
					now,
					frappe.session.user,
					frappe.session.user,
					"Alert",
					alert["document_type"],
					alert["document_name"],
					subject,
					body,
					alert.get("from_user") or "Administrator",
					user,
				)
			)
	if not rows:
		return
	frappe.db.bulk_insert("Notification Log", LOG_COLUMNS, rows)
	told = sorted({row[-1] for row in rows})
	# Notification Log.after_insert's set_notifications_as_unseen, once per person; one statement in key
	# order, so two workers telling the same people wait for each other instead of deadlocking.
	frappe.db.sql(
		"update `tabNotification Settings` set seen = 0 where name in %(users)s", {"users": tuple(told)}
	)
	for user in told:
		frappe.publish_realtime("notification", after_commit=True, user=user)
	written("Notification Log", [dict(zip(LOG_COLUMNS, row, strict=True)) for row in rows])


def _as_inserted(subject: str, body: str) -> tuple[str, str]:
	"""Subject and message as a Notification Log's insert stores them (its XSS filter on markup)."""
	if "<" not in subject + body and ">" not in subject + body:
		return subject, body
	doc = frappe.get_doc({"doctype": "Notification Log", "subject": subject, "email_content": body})
	doc._sanitize_content()
	return doc.subject, doc.email_content


def written(doctype: str, rows: list):
	"""What ``Document.insert`` does after the write, for rows written without it (documents or dicts): the
	desk's live list refresh (``notify_update``'s ``list_update``, after the commit; a new row's own
	``doc_update`` has nobody to reach) and, where the DocType has global search fields, the search index."""
	meta = frappe.get_meta(doctype)
	if not (frappe.flags.in_patch or meta.read_only or meta.issingle or meta.istable):
		for row in rows:
			frappe.publish_realtime(
				"list_update",
				{"doctype": doctype, "name": row.get("name"), "user": frappe.session.user},
				after_commit=True,
			)
	if meta.get_global_search_fields():
		from frappe.utils.global_search import update_global_search

		for row in rows:
			update_global_search(row if hasattr(row, "meta") else frappe.get_doc({"doctype": doctype, **row}))


LOG_COLUMNS = [
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"type",
	"document_type",
	"document_name",
	"subject",
	"email_content",
	"from_user",
	"for_user",
]


def email(
	users: list[str], subject: str, message: str, reference_doctype: str | None, reference_name: str | None
) -> bool:
	"""Queue an e-mail. Returns False (and says so in the log) when the site has no outgoing account."""
	if not users:
		return False
	try:
		frappe.sendmail(
			recipients=users,
			subject=frappe.utils.strip_html(subject),
			message=message,
			reference_doctype=reference_doctype,
			reference_name=reference_name,
		)
		return True
	except frappe.OutgoingEmailError:
		frappe.logger("legist_routing").warning(
			f"no outgoing Email Account: e-mail to {users} about {reference_doctype} {reference_name} not queued"
		)
		return False


def send(
	users: list[str],
	channels,
	document_type: str | None,
	document_name: str | None,
	subject: str,
	body: str | None = None,
	from_user: str = "Administrator",
	deferred: bool = False,
) -> bool | None:
	"""In-app and/or e-mail as ``channels`` says; returns whether the e-mail was queued (None: not asked)."""
	if "in_app" in channels:
		in_app(users, document_type, document_name, subject, body, from_user, deferred)
	if "email" in channels:
		return email(users, subject, body or subject, document_type, document_name)
	return None
