# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class EscalationPolicyStage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal["Remind Assignee", "Reassign", "Escalate"]
		anchor: DF.Literal["After Assignment", "Before Due", "Before Hard Deadline"]
		channels: DF.Literal["In-App and Email", "In-App", "Email"]
		clock: DF.Literal["Business Hours", "Calendar Hours"]
		hours: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		stage_key: DF.Data
		target: DF.Data | None
		watch: DF.Literal["Not Acknowledged", "Not Completed"]
	# end: auto-generated types
	pass
