// Open tasks per person against the capacity of their team membership (0 = no limit); the chart
// is the workspace's "Open Work Against Capacity".
frappe.query_reports["Open Work by Person"] = {
	filters: [{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "Routing Team" }],
};
