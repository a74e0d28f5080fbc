# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import settings


class RoutingSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		default_due_hour: DF.Int
		log_no_match: DF.Check
		operations_manager: DF.Link | None
		routing_enabled: DF.Check

	# end: auto-generated types
	def on_update(self):
		settings.on_update(self)
