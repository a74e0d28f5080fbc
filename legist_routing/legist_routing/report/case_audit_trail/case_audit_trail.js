frappe.query_reports["Case Audit Trail"] = {
	filters: [
		{ fieldname: "case", label: __("Case"), fieldtype: "Link", options: "Case" },
		{ fieldname: "person", label: __("Person"), fieldtype: "Link", options: "User" },
		{
			fieldname: "kind",
			label: __("Kind"),
			fieldtype: "Select",
			options: [""], // filled from services/audit.py KINDS on load; blank shows every kind
		},
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
	],
	onload(report) {
		legist_routing.known().then((known) => {
			const kind = report.get_filter("kind");
			kind.df.options = ["", ...known.audit_kinds];
			kind.refresh();
		});
	},
};
