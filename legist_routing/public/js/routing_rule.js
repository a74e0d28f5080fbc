frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Export JSON"), () => {
			frappe
				.call("legist_routing.api.export_rules", { names: [frm.doc.name] })
				.then((r) => {
					frappe.msgprint({
						title: frm.doc.rule_name,
						message: `<pre>${frappe.utils.escape_html(JSON.stringify(r.message[0], null, 2))}</pre>`,
						wide: true,
					});
				});
		});
		frm.add_custom_button(__("Routing Log"), () => {
			// the events this rule fired on (the log's Rules That Fired table)
			frappe.route_options = { rule: frm.doc.name };
			frappe.set_route("List", "Routing Log");
		});
	},
});
