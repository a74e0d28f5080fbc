# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import notices, permissions, portal


class Case(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		case_title: DF.Data
		case_type: DF.Link
		client_email: DF.Data | None
		client_name: DF.Data
		client_user: DF.Link | None
		filing_date: DF.Date | None
		hard_deadline: DF.Datetime | None
		intake_specialist: DF.Link | None
		lead_attorney: DF.Link | None
		naming_series: DF.Literal["CASE-.YYYY.-.#####"]
		next_uscis_deadline: DF.Date | None
		preferred_language: DF.Link | None
		primary_paralegal: DF.Link | None
		priority: DF.Literal["Urgent", "High", "Standard", "Low"]
		priority_date: DF.Date | None
		receipt_numbers: DF.SmallText | None
		secondary_owner: DF.Link | None
		status: DF.Literal[
			"Open",
			"Intake",
			"Document Collection",
			"In Preparation",
			"Ready to File",
			"Filed",
			"RFE Received",
			"RFE Response Filed",
			"Interview Scheduled",
			"Approved",
			"Denied",
			"Withdrawn",
			"Closed",
		]
		status_changed_at: DF.Datetime | None
		team: DF.Link | None

	# end: auto-generated types
	def before_insert(self):
		permissions.stamp_creator(self)

	def validate(self):
		permissions.guard_case_slots(self)
		notices.validate_case(self)
		portal.stamp_status_change(self)
