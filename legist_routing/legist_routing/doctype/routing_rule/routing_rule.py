# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import rules


class RoutingRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		actions: DF.Code
		conditions: DF.Code | None
		description: DF.SmallText | None
		enabled: DF.Check
		escalation: DF.Code | None
		priority: DF.Int
		rule_name: DF.Data
		stop_processing: DF.Check
		trigger: DF.Literal[
			"case.created",
			"case.status_changed",
			"document.received",
			"task.status_changed",
			"deadline.approaching",
			"portal.upload",
		]

	# end: auto-generated types
	def validate(self):
		rules.validate_document(self)

	def on_update(self):
		rules.bump()

	def on_trash(self):
		rules.bump()
