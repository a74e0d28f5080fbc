# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import portal


class ClientRequest(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		case: DF.Link
		content_hash: DF.Data | None
		due_date: DF.Date | None
		file: DF.Attach | None
		file_name: DF.Data | None
		instructions: DF.SmallText | None
		item: DF.Data
		naming_series: DF.Literal["CREQ-.YYYY.-.#####"]
		received_at: DF.Datetime | None
		status: DF.Literal["Requested", "Received", "Accepted", "Returned"]
		task: DF.Link | None
		uploads: DF.Int

	# end: auto-generated types
	def validate(self):
		portal.validate_request(self)
