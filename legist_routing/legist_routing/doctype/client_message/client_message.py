# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import portal


class ClientMessage(Document):
	def before_insert(self):
		portal.stamp_message(self)

	def after_insert(self):
		portal.deliver_message(self)
