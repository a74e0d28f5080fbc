# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import escalation_policy, versions


class EscalationPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.escalation_policy_stage.escalation_policy_stage import (
			EscalationPolicyStage,
		)

		description: DF.SmallText | None
		policy_name: DF.Data
		stages: DF.Table[EscalationPolicyStage]
		version: DF.Int

	# end: auto-generated types
	def validate(self):
		escalation_policy.validate_policy(self)

	def before_save(self):
		versions.before_save(self)  # numbers the version this save makes, if it changes the policy

	def on_update(self):
		versions.on_update(self)
