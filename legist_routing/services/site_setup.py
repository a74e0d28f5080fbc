"""Bring a new site past Frappe's setup wizard (language, country, time zone) for development and tests."""

from __future__ import annotations

import frappe


def complete_setup(
	time_zone: str = "America/New_York", email: str = "admin@legist.localhost", password: str = "admin"
):
	if int(frappe.db.get_single_value("System Settings", "setup_complete") or 0):
		frappe.db.set_single_value("System Settings", "time_zone", time_zone)
	else:
		from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

		setup_complete(
			{
				"language": "English",
				"email": email,
				"full_name": "Firm Administrator",
				"password": password,
				"country": "United States",
				"timezone": time_zone,
				"currency": "USD",
			}
		)
	ensure_dev_outbox()
	frappe.db.commit()  # nosemgrep: a bench execute command owns its transaction


def ensure_dev_outbox():
	"""A development site's outgoing account: e-mails land in the Email Queue (muted, so nothing is sent)."""
	frappe.local.conf.mute_emails = 1
	from frappe.installer import update_site_config

	update_site_config("mute_emails", 1)
	if frappe.db.exists("Email Account", "Legist Dev Outbox"):
		return
	frappe.flags.in_test = True  # skip the SMTP connection check: there is no server behind this account
	try:
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "Legist Dev Outbox",
				"email_id": "routing@legist.localhost",
				"service": "",
				"smtp_server": "localhost",
				"smtp_port": 1025,
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"no_smtp_authentication": 1,
				"enable_incoming": 0,
			}
		).insert(ignore_permissions=True)
	finally:
		frappe.flags.in_test = False
