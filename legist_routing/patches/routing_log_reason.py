"""Routing Logs written before the Reason column: copy each reassignment's reason out of its trace."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabRouting Log` set reason = json_value(trace, '$.reason')
		where event = 'task.reassigned' and reason is null"""
	)
