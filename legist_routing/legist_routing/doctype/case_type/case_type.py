# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CaseType(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		case_type_name: DF.Data
		description: DF.SmallText | None
		form_types: DF.Data | None
		practice_group: DF.Literal[
			"", "Employment", "Family", "Asylum", "Naturalization", "Humanitarian", "Other"
		]
	# end: auto-generated types
	pass
