# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import versions


class RoutingConfigVersion(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed: DF.SmallText | None
		content: DF.Code | None
		note: DF.SmallText | None
		reference_doctype: DF.Literal["Routing Rule", "Escalation Policy"]
		reference_name: DF.DynamicLink
		restored_from: DF.Int
		source: DF.Literal["Created", "Edited", "Imported", "Restored", "Recorded"]
		title: DF.Data | None
		version: DF.Int

	# end: auto-generated types
	def validate(self):
		versions.refuse_change(self)  # written once by the system, never edited

	def on_trash(self):
		versions.refuse_delete(self)


def on_doctype_update():
	versions.add_indexes()  # unique (reference_doctype, reference_name, version)
