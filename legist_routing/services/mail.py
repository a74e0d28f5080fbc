"""E-mail through Frappe's queue; a site without an outgoing account loses the e-mail, never the step."""

from __future__ import annotations

import frappe


def send(
	recipients: list[str], subject: str, message: str, reference_doctype: str, reference_name: str
) -> bool:
	"""Queue an e-mail. Returns False (and says so in the log) when the site has no outgoing account."""
	if not recipients:
		return False
	try:
		frappe.sendmail(
			recipients=recipients,
			subject=frappe.utils.strip_html(subject),
			message=message,
			reference_doctype=reference_doctype,
			reference_name=reference_name,
		)
		return True
	except frappe.OutgoingEmailError:
		frappe.logger("legist_routing").warning(
			f"no outgoing Email Account: e-mail to {recipients} about {reference_doctype} {reference_name} not queued"
		)
		return False
