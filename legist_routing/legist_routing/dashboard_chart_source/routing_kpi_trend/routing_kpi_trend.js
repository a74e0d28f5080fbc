// A KPI of the Routing KPIs report per day, week, month, quarter or year (the chart's Time Interval)
// over its Timespan; counted by legist_routing/services/kpis.py. Managers only.
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Routing KPI Trend"] = {
	method: "legist_routing.api.kpi_trend",
	filters: [
		legist_routing.kpi_chart_filter("kpi", __("KPI"), { reqd: 1 }),
		...legist_routing.kpi_filters(),
	],
};
