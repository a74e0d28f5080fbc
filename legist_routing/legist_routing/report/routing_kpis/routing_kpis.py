# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe import _

from legist_routing.services import kpis


def execute(filters=None):
	filters = filters or {}
	columns = [
		{"fieldname": "kpi", "label": _("KPI"), "fieldtype": "Data", "width": 280},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Data", "width": 140},
		{"fieldname": "numerator", "label": _("Count"), "fieldtype": "Float", "width": 100},
		{"fieldname": "denominator", "label": _("Out Of"), "fieldtype": "Float", "width": 100},
	]
	labels = kpis.labels()
	rows = []
	for k in kpis.compute(filters.get("from_date"), filters.get("to_date"), filters.get("user")):
		if k.value is None:
			shown = _("n/a")
		elif k.unit == "%":
			shown = f"{k.value:.0%}"
		elif k.unit == "h":
			shown = _("{0} h").format(round(k.value, 1))
		else:
			shown = str(int(k.value))
		rows.append(
			{"kpi": labels[k.key], "value": shown, "numerator": k.numerator, "denominator": k.denominator}
		)
	return columns, rows
