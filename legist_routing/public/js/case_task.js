// The Case Task form: Acknowledge, Reassign (managers), the review decision, pause and resume; the closed
// statuses, manager roles and reasons come from legist_routing.known() (public/js/constants.js).
frappe.provide("legist_routing");

frappe.ui.form.on("Case Task", {
	async refresh(frm) {
		const known = await legist_routing.known();
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
		const mine = frm.doc.assigned_to === frappe.session.user;
		const manager = frappe.user.has_role(known.manager_roles);
		if (!frm.is_new() && !closed && frm.doc.kind === "Review" && (mine || manager)) {
			const decide = (decision, comments) =>
				frappe
					.call("legist_routing.api.decide_task", { name: frm.doc.name, decision, comments })
					.then(() => frm.reload_doc());
			frm.add_custom_button(__("Approve"), () => decide("Approved"), __("Decide")).addClass(
				"btn-primary"
			);
			frm.add_custom_button(
				__("Send Back"),
				() =>
					frappe.prompt(
						{
							fieldname: "comments",
							fieldtype: "Small Text",
							label: __("What must change"),
							reqd: 1,
						},
						(values) => decide("Rejected", values.comments),
						__("Send the work back"),
						__("Send Back")
					),
				__("Decide")
			);
		}
		if (!frm.is_new() && !closed && frm.doc.kind !== "Notification") {
			const paused = known.paused.includes(frm.doc.status);
			const set = (status) => frm.set_value("status", status).then(() => frm.save());
			if (paused) {
				frm.add_custom_button(__("Resume"), () => set("In Progress"), __("Status"));
			} else {
				for (const status of known.paused) {
					frm.add_custom_button(__(status), () => set(status), __("Status"));
				}
			}
		}
		if (frm.doc.paused_at) {
			frm.dashboard.set_headline(
				__("Waiting since {0}: the acknowledgement and due clocks are stopped; the legal deadline is not.", [
					frappe.datetime.str_to_user(frm.doc.paused_at),
				]),
				"blue"
			);
		} else if (frm.doc.ack_due && !frm.doc.acknowledged_at && !closed) {
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
