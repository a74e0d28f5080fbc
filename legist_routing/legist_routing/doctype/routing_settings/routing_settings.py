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

		deadline_thresholds: DF.Data | None
		default_calendar: DF.Link | None
		default_due_hour: DF.Int
		default_escalation_policy: DF.Link | None
		keep_scheduler_awake: DF.Check
		log_no_match: DF.Check
		operations_manager: DF.Link | None
		portal_max_upload_mb: DF.Int
		routing_enabled: DF.Check

	# end: auto-generated types
	def on_update(self):
		settings.on_update(self)
