# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class CaseTaskAccess(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		case: DF.Link | None
		task: DF.Link
		task_modified: DF.Datetime | None
		user: DF.Link

	# end: auto-generated types
	pass


def on_doctype_update():
	# One row per person and task. A staff member's list page reads (user, task_modified) in its order, and
	# with the task in the index their counts and other sorts never read these rows themselves.
	frappe.db.add_unique("Case Task Access", ["user", "task"], "user_task")
	frappe.db.add_index("Case Task Access", ["user", "task_modified", "task"], "user_task_modified")
