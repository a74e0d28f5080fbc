# Copyright (c) 2026, legist_routing developers and contributors
# For license information, please see license.txt

from frappe import _
from frappe.utils import escape_html

from legist_routing.engine import kpi as K
from legist_routing.services import kpis

DEFAULT_CHART = kpis.CHARTED[0]


def execute(filters=None):
	filters = dict(filters or {})
	result = kpis.compute(filters)
	names = [_period_name(p) for p in result.periods]
	columns = [
		{"fieldname": "kpi", "label": _("KPI"), "fieldtype": "Data", "width": 330},
		{"fieldname": "value", "label": _("Value"), "fieldtype": "Data", "width": 110},
		{"fieldname": "numerator", "label": _("Count"), "fieldtype": "Float", "precision": 0, "width": 80},
		{"fieldname": "denominator", "label": _("Out Of"), "fieldtype": "Float", "precision": 0, "width": 80},
	] + [
		{"fieldname": name, "label": kpis.period_label(p, result.grain), "fieldtype": "Data", "width": 95}
		for name, p in zip(names, result.periods, strict=True)
	]
	depth = {}
	rows = []
	for k in result.kpis:
		depth[k.key] = depth[k.parent] + 1 if k.parent else 0
		row = {
			"key": k.key,
			"parent_key": k.parent,
			"indent": depth[k.key],
			"kpi": kpis.label_of(k.key),
			"value": shown(k.value, k.unit),
			"numerator": k.numerator,
			"denominator": k.denominator,
		}
		row.update({name: shown(v, k.unit) for name, v in zip(names, k.trend, strict=True)})
		rows.append(row)
	return columns, rows, help_text(), chart(result, filters.get("chart")), summary(result)


def shown(value, unit: str) -> str:
	if value is None:
		return _("n/a")
	if unit == "%":
		return f"{round(value * 100, 1):g}%"
	if unit == "h":
		return _("{0} h").format(f"{value:g}")
	return str(int(value))


def _period_name(day) -> str:
	return "p_" + day.strftime("%Y%m%d")


def chart(result: kpis.Result, key: str | None) -> dict:
	"""The trend of one KPI (the Chart filter) by week or month; a period with nothing to measure is 0."""
	key = key or DEFAULT_CHART
	k = next((k for k in result.kpis if k.key == key), None) or result.kpis[0]
	scale = 100 if k.unit == "%" else 1
	return {
		"data": {
			"labels": [kpis.period_label(p, result.grain) for p in result.periods],
			"datasets": [
				{"name": kpis.label_of(k.key), "values": [round((v or 0) * scale, 2) for v in k.trend]}
			],
		},
		"type": "bar" if k.unit == "" else "line",
		"fieldtype": "Float",
		"colors": ["#5e64ff"],
	}


def summary(result: kpis.Result) -> list[dict]:
	return [
		{
			"value": shown(k.value, k.unit),
			"label": kpis.label_of(k.key),
			"datatype": "Data",
			"indicator": "Blue",
		}
		for k in result.kpis
		if k.key in K.KEYS
	]


def help_text() -> str:
	"""The report's help: how each KPI is counted, folded under the filters."""
	items = "".join(
		f"<dt>{escape_html(label)}</dt><dd>{escape_html(text)}</dd>" for label, text in kpis.definitions()
	)
	summary = _("How each KPI is measured")
	return (
		f"<details><summary>{escape_html(summary)}</summary>"
		f'<dl style="margin-top: var(--margin-sm)">{items}</dl></details>'
	)
