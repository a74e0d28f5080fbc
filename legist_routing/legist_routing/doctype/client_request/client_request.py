# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import portal


class ClientRequest(Document):
	def validate(self):
		portal.validate_request(self)
