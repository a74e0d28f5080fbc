# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import notices


class CaseNotice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		appointment_at: DF.Datetime | None
		case: DF.Link
		deadline_basis: DF.SmallText | None
		deadline_computed: DF.Check
		deadline_kind: DF.Link | None
		form_type: DF.Data | None
		legal_deadline: DF.Date | None
		mailed: DF.Check
		naming_series: DF.Literal["NOTICE-.YYYY.-.#####"]
		notes: DF.SmallText | None
		notice_date: DF.Date
		notice_file: DF.Attach | None
		notice_type: DF.Literal[
			"Receipt", "RFE", "NOID", "Biometrics Appointment", "Interview", "Decision", "Transfer", "Other"
		]
		receipt_number: DF.Data | None
		received_date: DF.Date | None
		response_due_date: DF.Date | None

	# end: auto-generated types
	def validate(self):
		notices.validate_notice(self)
