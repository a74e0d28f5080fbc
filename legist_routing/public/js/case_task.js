frappe.ui.form.on("Case Task", {
	refresh(frm) {
		const closed = ["Completed", "Cancelled"].includes(frm.doc.status);
		if (!frm.is_new() && !frm.doc.acknowledged_at && !closed) {
			frm.add_custom_button(__("Acknowledge"), () => {
				frappe
					.call("legist_routing.api.acknowledge_task", { name: frm.doc.name })
					.then(() => frm.reload_doc());
			}).addClass("btn-primary");
		}
		if (frm.doc.ack_due && !frm.doc.acknowledged_at && !closed) {
			const late = frappe.datetime.str_to_obj(frm.doc.ack_due) < new Date();
			frm.dashboard.set_headline(
				late
					? __("Acknowledgement overdue since {0}", [frappe.datetime.str_to_user(frm.doc.ack_due)])
					: __("Acknowledge by {0}", [frappe.datetime.str_to_user(frm.doc.ack_due)]),
				late ? "red" : "orange"
			);
		}
	},
});
