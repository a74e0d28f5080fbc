# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from legist_routing.services import rule_form, rules, ruleset_checks, versions


class RoutingRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from legist_routing.legist_routing.doctype.routing_rule_action.routing_rule_action import (
			RoutingRuleAction,
		)
		from legist_routing.legist_routing.doctype.routing_rule_condition.routing_rule_condition import (
			RoutingRuleCondition,
		)

		actions: DF.Code | None
		actions_table: DF.Table[RoutingRuleAction]
		conditions: DF.Code | None
		conditions_table: DF.Table[RoutingRuleCondition]
		description: DF.SmallText | None
		enabled: DF.Check
		escalation: DF.Code | None
		match: DF.Literal["All of", "Any of", "None of", "All of (guide shorthand)"]
		priority: DF.Int
		rule_name: DF.Data
		stop_processing: DF.Check
		trigger: DF.Literal[
			"case.created",
			"case.status_changed",
			"document.received",
			"task.status_changed",
			"deadline.approaching",
			"portal.upload",
			"appointment.approaching",
			"appointment.passed",
		]
		version: DF.Int

	# end: auto-generated types
	def validate(self):
		rule_form.sync(self, set(rules.load_templates()))
		rules.validate_document(self)

	def before_save(self):
		versions.before_save(self)  # numbers the version this save makes, if it changes the rule

	def on_update(self):
		versions.on_update(self)
		rules.bump()
		ruleset_checks.on_save(self)  # warns, never blocks

	def on_trash(self):
		rules.bump()
