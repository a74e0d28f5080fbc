# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import deadline_kinds


class NoticeDeadlineKind(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		authority: DF.Data
		enabled: DF.Check
		form_type: DF.Data | None
		kind_name: DF.Data
		mail_days: DF.Int
		notes: DF.SmallText | None
		notice_type: DF.Literal[
			"",
			"Receipt",
			"RFE",
			"NOID",
			"Biometrics Appointment",
			"Interview",
			"Decision",
			"Transfer",
			"Other",
		]
		period_days: DF.Int
		purpose: DF.Data | None

	# end: auto-generated types
	def validate(self):
		deadline_kinds.validate_kind(self)

	def on_update(self):
		deadline_kinds.clear()

	def on_trash(self):
		deadline_kinds.on_trash(self)
