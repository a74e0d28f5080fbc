# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class RoutingAbsence(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from_date: DF.Date
		note: DF.SmallText | None
		reason: DF.Literal["Leave", "Sick", "Training", "Other"]
		to_date: DF.Date
		user: DF.Link

	# end: auto-generated types
	def validate(self):
		if self.to_date < self.from_date:
			frappe.throw(_("To ({0}) must not be before From ({1}).").format(self.to_date, self.from_date))
