# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import access, assignment, permissions


class RoutingTeam(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.routing_team_member.routing_team_member import (
			RoutingTeamMember,
		)

		default_strategy: DF.Data | None
		members: DF.Table[RoutingTeamMember]
		round_robin_cursor: DF.Link | None
		team_lead: DF.Link | None
		team_name: DF.Data

	# end: auto-generated types
	def validate(self):
		assignment.validate_team(self)

	def on_update(self):
		permissions.team_changed(self)
		access.team_changed(self, "on_update")

	def on_trash(self):
		permissions.team_changed(self, "on_trash")

	def after_delete(self):
		access.team_changed(self, "after_delete")
