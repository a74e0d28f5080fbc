# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import calendars


class BusinessCalendar(Document):
	def validate(self):
		calendars.validate_calendar(self)

	def on_update(self):
		calendars.clear_cache()
