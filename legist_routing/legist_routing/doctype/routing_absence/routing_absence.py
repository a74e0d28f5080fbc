# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class RoutingAbsence(Document):
	def validate(self):
		if self.to_date < self.from_date:
			frappe.throw(_("To ({0}) must not be before From ({1}).").format(self.to_date, self.from_date))
