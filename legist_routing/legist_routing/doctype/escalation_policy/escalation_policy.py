# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import escalation_policy


class EscalationPolicy(Document):
	def validate(self):
		escalation_policy.validate_policy(self)
