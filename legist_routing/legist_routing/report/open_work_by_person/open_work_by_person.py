# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe import _

from legist_routing.services import workspace


def execute(filters=None):
	filters = dict(filters or {})
	columns = [
		{"fieldname": "person", "label": _("Person"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "full_name", "label": _("Name"), "fieldtype": "Data", "width": 150},
		{
			"fieldname": "team",
			"label": _("Team"),
			"fieldtype": "Link",
			"options": "Routing Team",
			"width": 130,
		},
		{"fieldname": "team_role", "label": _("Team Role"), "fieldtype": "Data", "width": 130},
		{"fieldname": "open_tasks", "label": _("Open Tasks"), "fieldtype": "Int", "width": 100},
		{"fieldname": "capacity_tasks", "label": _("Capacity (Tasks)"), "fieldtype": "Int", "width": 120},
		{"fieldname": "load", "label": _("Load"), "fieldtype": "Percent", "width": 90},
		{"fieldname": "overdue", "label": _("Overdue"), "fieldtype": "Int", "width": 90},
		{
			"fieldname": "open_hours",
			"label": _("Open Hours"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 100,
		},
		{"fieldname": "capacity_hours", "label": _("Capacity (Hours)"), "fieldtype": "Float", "precision": 1},
	]
	rows = workspace.open_work(filters.get("team"))
	for row in rows:
		row["load"] = round(row.load_tasks * 100, 1) if row.load_tasks is not None else None
	return columns, rows, None, chart(rows)


def chart(rows) -> dict:
	"""Open tasks beside the capacity (none drawn where there is no limit), one bar pair per person and team."""
	return {
		"data": {
			"labels": [
				f"{r.full_name or r.person} ({r.team})" if r.team else (r.full_name or r.person) for r in rows
			],
			"datasets": [
				{"name": _("Open Tasks"), "values": [int(r.open_tasks) for r in rows]},
				{"name": _("Capacity (Tasks)"), "values": [int(r.capacity_tasks or 0) for r in rows]},
			],
		},
		"type": "bar",
		"fieldtype": "Int",
		"colors": ["#5e64ff", "#cbd5e1"],
	}
