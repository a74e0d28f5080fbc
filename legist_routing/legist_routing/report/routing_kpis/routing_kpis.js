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
		{ fieldname: "case_type", label: __("Case Type"), fieldtype: "Link", options: "Case Type" },
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "Routing Team" },
		{ fieldname: "user", label: __("Person"), fieldtype: "Link", options: "User" },
		{
			fieldname: "priority",
			label: __("Priority"),
			fieldtype: "Select",
			options: ["", "Urgent", "High", "Standard", "Low"],
		},
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
		{
			fieldname: "chart",
			label: __("Chart"),
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
		},
	],
	tree: true,
	name_field: "key",
	parent_field: "parent_key",
	initial_depth: 1,
};
