# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RoutingRuleAction(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledge_within_hours: DF.Data | None
		action: DF.Literal["createTask", "assign", "notify"]
		assign_to: DF.Data | None
		due_days_before_deadline: DF.Data | None
		due_in_days: DF.Data | None
		due_in_hours: DF.Data | None
		message: DF.SmallText | None
		method: DF.Data | None
		notify_within_hours: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		priority: DF.Literal["", "urgent", "high", "standard", "low"]
		strategy: DF.Data | None
		subject: DF.Data | None
		target: DF.SmallText | None
		target_list: DF.Check
		task: DF.Data | None
		team: DF.Link | None
		template: DF.Link | None
		template_id: DF.Data | None
	# end: auto-generated types
	pass
