# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import rules


class RoutingRule(Document):
	def validate(self):
		rules.validate_document(self)

	def on_update(self):
		rules.bump()

	def on_trash(self):
		rules.bump()
