# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from legist_routing.services import portal


class ClientMessage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		case: DF.Link
		case_status: DF.Data | None
		emailed: DF.Check
		language: DF.Link | None
		latency_hours: DF.Float
		message: DF.Text
		naming_series: DF.Literal["CMSG-.YYYY.-.#####"]
		sent_at: DF.Datetime | None
		status_changed_at: DF.Datetime | None
		subject: DF.Data

	# end: auto-generated types
	def before_insert(self):
		portal.stamp_message(self)

	def after_insert(self):
		portal.deliver_message(self)


def on_doctype_update():
	# The KPI report asks, per message, whether an earlier one answered the same status change, and, per
	# case, whether any did: both answered from this index alone.
	frappe.db.add_index(
		"Client Message", ["`case`", "status_changed_at", "sent_at"], "case_status_changed_at_index"
	)
