# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class RoutingTeamMember(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active: DF.Check
		capacity_hours: DF.Float
		capacity_tasks: DF.Int
		case_types: DF.SmallText | None
		languages: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		practice_groups: DF.Data | None
		team_role: DF.Literal[
			"Paralegal",
			"Associate",
			"Senior Attorney",
			"Managing Attorney",
			"Intake Specialist",
			"Operations Manager",
		]
		user: DF.Link
	# end: auto-generated types
	pass
