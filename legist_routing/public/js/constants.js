// The facts the server owns (closed and paused statuses, manager roles, reasons, the rule vocabulary, the
// audit trail's kinds), for every desk script of the app: in each desk user's boot (services/workspace.py
// boot_session), asked for only when a boot cached before an upgrade lacks them. Loaded with the desk
// (hooks.py app_include_js); read it when needed, not at load: legist_routing.known().then(...).
frappe.provide("legist_routing");
legist_routing.known = function () {
	if (!legist_routing._known) {
		legist_routing._known = Promise.resolve(
			frappe.boot.legist_routing || frappe.xcall("legist_routing.api.constants")
		);
	}
	return legist_routing._known;
};

// The filters the Routing KPIs report and the workspace's KPI trend charts share, and the Select of the
// KPIs a trend is charted for (services/kpis.py CHARTED, labelled in the reader's language). From the boot:
// call them as a report or chart defines its filters, not at load.
legist_routing.kpi_filters = function () {
	const priorities = (frappe.boot.legist_routing || {}).priorities || [];
	return [
		{ fieldname: "case_type", label: __("Case Type"), fieldtype: "Link", options: "Case Type" },
		{ fieldname: "team", label: __("Team"), fieldtype: "Link", options: "Routing Team" },
		{ fieldname: "user", label: __("Person"), fieldtype: "Link", options: "User" },
		{ fieldname: "priority", label: __("Priority"), fieldtype: "Select", options: ["", ...priorities] },
	];
};
legist_routing.kpi_chart_filter = function (fieldname, label, extra = {}) {
	const options = (frappe.boot.legist_routing || {}).kpi_charts || [];
	return { fieldname, label, fieldtype: "Select", options, default: options[0]?.value, ...extra };
};
