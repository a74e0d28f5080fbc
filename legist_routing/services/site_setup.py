"""Bring a new site past Frappe's setup wizard (language, country, time zone) for development and tests."""

from __future__ import annotations

import frappe


def complete_setup(time_zone: str = "America/New_York", email: str = "admin@legist.localhost", password: str = "admin"):
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
	frappe.db.commit()  # nosemgrep: a bench execute command owns its transaction
