# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe import _

from legist_routing.services import audit


def execute(filters=None):
	filters = dict(filters or {})
	columns = [
		{"fieldname": "time", "label": _("Time"), "fieldtype": "Datetime", "width": 170},
		{"fieldname": "case", "label": _("Case"), "fieldtype": "Link", "options": "Case", "width": 140},
		# Data, not a Link to DocType: Frappe checks the reader's permission on every linked DocType.
		{"fieldname": "doctype", "label": _("Document Type"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "docname",
			"label": _("Document"),
			"fieldtype": "Dynamic Link",
			"options": "doctype",
			"width": 160,
		},
		{"fieldname": "kind", "label": _("Kind"), "fieldtype": "Data", "width": 120},
		{"fieldname": "actor", "label": _("By"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "from_user", "label": _("From"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "to_user", "label": _("To"), "fieldtype": "Link", "options": "User", "width": 180},
		{"fieldname": "how", "label": _("How"), "fieldtype": "Data", "width": 100},
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 160},
		{"fieldname": "detail", "label": _("Detail"), "fieldtype": "Small Text", "width": 420},
	]
	rows, cut = audit.trail(filters)
	message = None
	if cut:
		message = _(
			"Showing the first {0} entries only: narrow the case, person, kind or period to see the rest."
		).format(len(rows))
	return columns, rows, message
