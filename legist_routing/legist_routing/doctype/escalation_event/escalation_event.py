# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import journal


class EscalationEvent(Document):
	@staticmethod
	def clear_old_logs(days: int = 365):
		journal.clear_escalation_events(days)
