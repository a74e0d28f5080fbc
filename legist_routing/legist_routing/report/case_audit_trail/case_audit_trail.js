frappe.query_reports["Case Audit Trail"] = {
	filters: [
		{ fieldname: "case", label: __("Case"), fieldtype: "Link", options: "Case" },
		{ fieldname: "person", label: __("Person"), fieldtype: "Link", options: "User" },
		{
			fieldname: "kind",
			label: __("Kind"),
			fieldtype: "Select",
			// services/audit.py KINDS; blank shows every kind
			options: [
				"",
				"Assignment",
				"Status",
				"Acknowledgement",
				"Escalation",
				"Comment",
				"Notice",
				"Upload",
				"Routing",
				"Change",
			],
		},
		{ fieldname: "from_date", label: __("From"), fieldtype: "Date", default: frappe.datetime.add_days(frappe.datetime.get_today(), -30) },
		{ fieldname: "to_date", label: __("To"), fieldtype: "Date", default: frappe.datetime.get_today() },
	],
};
