# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import assignment


class RoutingTeam(Document):
	def validate(self):
		assignment.validate_team(self)
