// From the assignee's ToDo: acknowledge the Case Task it points to.
frappe.ui.form.on("ToDo", {
	refresh(frm) {
		if (frm.doc.reference_type !== "Case Task" || frm.doc.status !== "Open") return;
		frm.add_custom_button(__("Acknowledge Task"), () => {
			frappe
				.call("legist_routing.api.acknowledge_task", { name: frm.doc.reference_name })
				.then(() => frappe.show_alert({ message: __("Acknowledged"), indicator: "green" }));
		});
	},
});
