"""Whitelisted API. Each endpoint checks permissions, then calls one service."""

from __future__ import annotations

import frappe

from legist_routing.services import rules, tasks


@frappe.whitelist(methods=["POST"])
def import_rules(rules_json: str, overwrite: int = 1) -> list[str]:
	"""Import one routing rule or a list, in the practice guide's JSON shape. All or nothing."""
	frappe.only_for(("System Manager", "Legist Manager"))
	return rules.import_rules(rules_json, overwrite=bool(int(overwrite)))


@frappe.whitelist()
def export_rules(names: str | list | None = None) -> list[dict]:
	"""Routing rules in the guide's JSON shape (all, or the named ones)."""
	frappe.has_permission("Routing Rule", "read", throw=True)
	if isinstance(names, str):
		names = frappe.parse_json(names)
	return rules.export_rules(names or None)


@frappe.whitelist(methods=["POST"])
def acknowledge_task(name: str) -> dict:
	"""The assignee acknowledges a Case Task."""
	return tasks.acknowledge(name)
