# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import notices


class Case(Document):
	def validate(self):
		notices.validate_case(self)
