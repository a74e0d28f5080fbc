# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from legist_routing.services import journal


class RoutingLog(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.routing_log_rule.routing_log_rule import RoutingLogRule

		case: DF.Link | None
		deliveries: DF.Int
		duration_ms: DF.Float
		error: DF.Code | None
		event: DF.Data | None
		event_key: DF.Data | None
		facts: DF.JSON | None
		intents: DF.JSON | None
		reason: DF.Data | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		results: DF.JSON | None
		rules: DF.Table[RoutingLogRule]
		rules_considered: DF.Int
		rules_matched: DF.Int
		status: DF.Literal["Applied", "No Match", "Duplicate", "Partly Applied", "Error"]
		summary: DF.SmallText | None
		trace: DF.JSON | None

	# end: auto-generated types
	@staticmethod
	def clear_old_logs(days: int = 365):
		journal.clear_routing_logs(days)


def on_doctype_update():
	# The KPI report's reassignments read one event over a period, with each one's task and reason.
	# The columns it reads are all in the index, so it answers the report alone.
	frappe.db.add_index(
		"Routing Log",
		["event", "creation", "reference_doctype", "reference_name", "reason"],
		"event_creation_index",
	)
