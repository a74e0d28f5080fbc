// The facts the server owns (closed statuses, manager roles, reasons), fetched once per page load.
frappe.provide("legist_routing");
legist_routing.constants =
	legist_routing.constants || frappe.xcall("legist_routing.api.constants");

frappe.ui.form.on("Case Task", {
	async refresh(frm) {
		const known = await legist_routing.constants;
		const closed = known.closed.includes(frm.doc.status);
		if (!frm.is_new() && !frm.doc.acknowledged_at && !closed) {
			frm.add_custom_button(__("Acknowledge"), () => {
				frappe
					.call("legist_routing.api.acknowledge_task", { name: frm.doc.name })
					.then(() => frm.reload_doc());
			}).addClass("btn-primary");
		}
		if (!frm.is_new() && !closed && frappe.user.has_role(known.manager_roles)) {
			frm.add_custom_button(__("Reassign"), () => {
				const d = new frappe.ui.Dialog({
					title: __("Reassign {0}", [frm.doc.title]),
					fields: [
						{ fieldname: "user", fieldtype: "Link", options: "User", label: __("To"), reqd: 1 },
						{
							fieldname: "reason",
							fieldtype: "Select",
							label: __("Reason"),
							options: known.reasons,
							reqd: 1,
						},
						{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
					],
					primary_action_label: __("Reassign"),
					primary_action(values) {
						frappe
							.call("legist_routing.api.reassign_task", { name: frm.doc.name, ...values })
							.then(() => {
								d.hide();
								frm.reload_doc();
							});
					},
				});
				d.show();
			});
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
