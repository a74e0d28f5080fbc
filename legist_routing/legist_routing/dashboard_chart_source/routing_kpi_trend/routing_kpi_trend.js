// A KPI of the Routing KPIs report per day, week, month, quarter or year (the chart's Time Interval)
// over its Timespan; counted by legist_routing/services/kpis.py. Managers only.
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Routing KPI Trend"] = {
	method: "legist_routing.api.kpi_trend",
	filters: [
		{
			fieldname: "kpi",
			label: __("KPI"),
			fieldtype: "Select",
			options: [
				{ value: "acknowledgement_rate", label: __("Acknowledged within SLA") },
				{ value: "time_to_attorney_review", label: __("Median time to attorney review") },
				{ value: "time_to_attorney_review_p90", label: __("90th percentile time to attorney review") },
				{ value: "missed_deadlines", label: __("Missed deadlines") },
				{ value: "reassignment_rate", label: __("Reassignment rate") },
				{ value: "client_communication_latency", label: __("Client communication latency") },
			],
			default: "acknowledgement_rate",
			reqd: 1,
		},
		{ fieldname: "case_type", label: __("Case Type"), fieldtype: "Link", options: "Case Type" },
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "Routing Team" },
		{ fieldname: "user", label: __("Person"), fieldtype: "Link", options: "User" },
		{
			fieldname: "priority",
			label: __("Priority"),
			fieldtype: "Select",
			options: ["", "Urgent", "High", "Standard", "Low"],
		},
	],
};
