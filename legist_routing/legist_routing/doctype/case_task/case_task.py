# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from legist_routing.services import tasks


class CaseTask(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.case_task_checklist_item.case_task_checklist_item import (
			CaseTaskChecklistItem,
		)

		ack_due: DF.Datetime | None
		acknowledged_at: DF.Datetime | None
		acknowledged_by: DF.Link | None
		assigned_at: DF.Datetime | None
		assigned_to: DF.Link | None
		assigned_via: DF.Data | None
		case: DF.Link
		case_notice: DF.Link | None
		checklist: DF.Table[CaseTaskChecklistItem]
		client_request: DF.Link | None
		completed_at: DF.Datetime | None
		decided_at: DF.Datetime | None
		decided_by: DF.Link | None
		decision: DF.Literal["", "Approved", "Rejected"]
		decision_comments: DF.SmallText | None
		description: DF.TextEditor | None
		due: DF.Datetime | None
		escalation: DF.JSON | None
		escalation_level: DF.Int
		escalation_policy: DF.Link | None
		estimated_hours: DF.Float
		hard_deadline: DF.Datetime | None
		kind: DF.Literal["Work", "Review", "Notification"]
		naming_series: DF.Literal["TASK-.YYYY.-.#####"]
		next_escalation_at: DF.Datetime | None
		paused_at: DF.Datetime | None
		paused_hours: DF.Float
		prepared_by: DF.Link | None
		priority: DF.Literal["Urgent", "High", "Standard", "Low"]
		reassignment_count: DF.Int
		review_round: DF.Int
		reviews_task: DF.Link | None
		routing_key: DF.Data | None
		routing_log: DF.Link | None
		routing_rule: DF.Link | None
		secondary_owner: DF.Link | None
		status: DF.Literal[
			"Open",
			"Acknowledged",
			"In Progress",
			"Waiting on Client",
			"Waiting on Third Party",
			"Draft Ready",
			"Completed",
			"Cancelled",
		]
		template: DF.Link | None
		title: DF.Data
		unroutable: DF.Check

	# end: auto-generated types
	def validate(self):
		tasks.validate(self)


def on_doctype_update():
	# The KPI report's reviews (one kind's tasks completed in a period: every column the statement reads,
	# so the index alone answers it) and the notifications its reassignments set aside.
	frappe.db.add_index(
		"Case Task",
		["kind", "status", "completed_at", "assigned_at", "reassignment_count"],
		"kind_status_completed_at_index",
	)
