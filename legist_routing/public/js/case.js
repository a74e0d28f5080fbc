// Staff, on a case: ask the client for documents and tell them how the case stands (portal + e-mail).
frappe.ui.form.on("Case", {
	refresh(frm) {
		if (frm.is_new() || !(frm.doc.client_user || frm.doc.client_email)) return;
		frm.add_custom_button(
			__("Request Documents"),
			() => {
				const d = new frappe.ui.Dialog({
					title: __("Ask {0} for documents", [frm.doc.client_name || frm.doc.client_user]),
					fields: [
						{
							fieldname: "items",
							fieldtype: "Table",
							label: __("Requested Items"),
							cannot_add_rows: false,
							in_place_edit: true,
							data: [{}],
							fields: [
								{ fieldname: "item", fieldtype: "Data", label: __("Requested Item"), in_list_view: 1, reqd: 1 },
								{ fieldname: "instructions", fieldtype: "Small Text", label: __("Instructions"), in_list_view: 1 },
								{ fieldname: "due_date", fieldtype: "Date", label: __("Needed By"), in_list_view: 1 },
							],
						},
					],
					primary_action_label: __("Request"),
					primary_action(values) {
						frappe
							.call("legist_routing.api.request_documents", {
								case: frm.doc.name,
								items: (values.items || []).filter((r) => r.item),
							})
							.then((r) => {
								d.hide();
								frappe.show_alert({
									message: __("{0} item(s) requested; the client sees them in the portal.", [r.message.length]),
									indicator: "green",
								});
								frm.reload_doc();
							});
					},
				});
				d.show();
			},
			__("Client")
		);
		frm.add_custom_button(
			__("Message Client"),
			() => {
				const d = new frappe.ui.Dialog({
					title: __("Message to {0}", [frm.doc.client_name || frm.doc.client_user]),
					fields: [
						{ fieldname: "subject", fieldtype: "Data", label: __("Subject"), reqd: 1 },
						{
							fieldname: "message",
							fieldtype: "Text",
							label: __("Message"),
							reqd: 1,
							description: __("Shown in the client's portal and e-mailed to them. Write it in {0}.", [
								frm.doc.preferred_language || "en",
							]),
						},
					],
					primary_action_label: __("Send"),
					primary_action(values) {
						frappe
							.call("legist_routing.api.message_client", { case: frm.doc.name, ...values })
							.then(() => {
								d.hide();
								frappe.show_alert({ message: __("Message sent"), indicator: "green" });
							});
					},
				});
				d.show();
			},
			__("Client")
		);
	},
});
