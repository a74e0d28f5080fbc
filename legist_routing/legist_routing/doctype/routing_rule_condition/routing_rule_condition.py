# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RoutingRuleCondition(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_from: DF.Data | None
		changed_to: DF.Data | None
		depth: DF.Int
		fact: DF.Autocomplete | None
		node: DF.Literal["Condition", "All of", "Any of", "None of"]
		operator: DF.Literal[
			"equals",
			"not_equals",
			"in",
			"not_in",
			"gt",
			"gte",
			"lt",
			"lte",
			"contains",
			"is_set",
			"is_not_set",
			"changed",
		]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		shorthand: DF.Check
		value: DF.SmallText | None
	# end: auto-generated types
	pass
