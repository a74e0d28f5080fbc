# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import calendars


class BusinessCalendar(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.business_calendar_closure.business_calendar_closure import (
			BusinessCalendarClosure,
		)
		from legist_routing.legist_routing.doctype.business_calendar_hours.business_calendar_hours import (
			BusinessCalendarHours,
		)

		calendar_name: DF.Data
		closures: DF.Table[BusinessCalendarClosure]
		hours: DF.Table[BusinessCalendarHours]
		time_zone: DF.Autocomplete | None
		us_federal_holidays: DF.Check

	# end: auto-generated types
	def validate(self):
		calendars.validate_calendar(self)

	def on_update(self):
		calendars.clear_cache()
