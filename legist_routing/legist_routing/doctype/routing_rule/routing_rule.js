// Routing Rule form: "Check rule set" runs the rule-set checks over every rule (managers) and shows what
// they find: rules that never fire, values no case has, shadowed rules, conflicting assignments, missing
// templates, teams, policies, roles or users. Nothing is changed. (Simulate and Export: public/js.)
frappe.provide("legist_routing.rule_checks");

legist_routing.rule_checks.run = function () {
	frappe
		.call({ method: "legist_routing.api.check_rule_set", freeze: true })
		.then((r) => {
			if (!r.message) return;
			frappe.msgprint({
				title: __("Rule set checks"),
				message: r.message.html,
				indicator: r.message.findings.length ? "orange" : "green",
				wide: true,
			});
		});
};

frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		if (frappe.user.has_role(["System Manager", "Legist Manager"])) {
			frm.add_custom_button(__("Check rule set"), () => legist_routing.rule_checks.run());
		}
	},
});
