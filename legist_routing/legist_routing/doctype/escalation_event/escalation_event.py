# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import journal


class EscalationEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		case: DF.Link | None
		collapsed: DF.Data | None
		detail: DF.SmallText | None
		due_at: DF.Datetime | None
		email_body: DF.Text | None
		email_pending: DF.Check
		email_subject: DF.SmallText | None
		executed_at: DF.Datetime | None
		ledger_key: DF.Data | None
		recipients: DF.SmallText | None
		stage: DF.Data | None
		task: DF.Link
		version: DF.Data | None

	# end: auto-generated types
	@staticmethod
	def clear_old_logs(days: int = 365):
		journal.clear_escalation_events(days)
