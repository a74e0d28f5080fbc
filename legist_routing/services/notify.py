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
