// The guide's KPIs: each defined in the report's help (above the table), counted in SQL by
// services/kpis.py; the chart is the trend of the KPI chosen in "Chart", by week or month.
frappe.query_reports["Routing KPIs"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -29),
		},
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
		...legist_routing.kpi_filters(),
		{
			fieldname: "trend",
			label: __("Trend"),
			fieldtype: "Select",
			options: [
				{ value: "Week", label: __("By Week") },
				{ value: "Month", label: __("By Month") },
			],
			default: "Week",
		},
		legist_routing.kpi_chart_filter("chart", __("Chart")),
	],
	tree: true,
	name_field: "key",
	parent_field: "parent_key",
	initial_depth: 1,
};
