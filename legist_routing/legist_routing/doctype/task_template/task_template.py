# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import rules


class TaskTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.task_template_checklist_item.task_template_checklist_item import (
			TaskTemplateChecklistItem,
		)

		ack_sla_hours: DF.Float
		checklist: DF.Table[TaskTemplateChecklistItem]
		default_role: DF.Literal[
			"Primary Paralegal", "Lead Attorney", "Secondary Owner", "Intake Specialist", "Operations Manager"
		]
		description: DF.TextEditor | None
		due_anchor: DF.Literal["Assignment", "Response Deadline"]
		due_offset_days: DF.Int
		estimated_hours: DF.Float
		task_kind: DF.Literal["Work", "Review"]
		template_id: DF.Data | None
		template_name: DF.Data

	# end: auto-generated types
	def validate(self):
		if self.template_id:
			self.template_id = self.template_id.strip()

	def on_update(self):
		rules.bump()

	def on_trash(self):
		rules.bump()
