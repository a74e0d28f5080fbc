// Staff review a client's upload: accept it, or return it with what is missing.
frappe.ui.form.on("Client Request", {
	refresh(frm) {
		if (frm.doc.file) {
			frm.add_custom_button(__("Open File"), () => window.open(frm.doc.file));
		}
		if (frm.doc.status !== "Received") return;
		const review = (decision, note) =>
			frappe
				.call("legist_routing.api.review_upload", { request: frm.doc.name, decision, note })
				.then(() => frm.reload_doc());
		frm.add_custom_button(__("Accept"), () => review("Accept")).addClass("btn-primary");
		frm.add_custom_button(__("Return to Client"), () =>
			frappe.prompt(
				{ fieldname: "note", fieldtype: "Small Text", label: __("What is missing?"), reqd: 1 },
				(values) => review("Return", values.note),
				__("Return {0}", [frm.doc.item])
			)
		);
	},
});
