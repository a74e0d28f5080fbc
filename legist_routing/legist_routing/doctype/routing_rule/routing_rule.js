// Routing Rule form: "Check rule set" runs the rule-set checks over every rule (managers; the function is
// in public/js/routing_rule_list.js, which Frappe runs for the form too). (Simulate and Export: public/js.)

frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		if (frappe.user.has_role(["System Manager", "Legist Manager"])) {
			frm.add_custom_button(__("Check rule set"), () => legist_routing.rule_checks.run());
		}
	},
});
