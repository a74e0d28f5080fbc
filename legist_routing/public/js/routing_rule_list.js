// Routing Rule list: import rules written as JSON (the practice guide's shape), export them all.

// "Check rule set", on the list and the form (Frappe runs this script for both): the rule-set checks over
// every rule (managers) and what they find — rules that never fire, values no case has, shadowed rules,
// conflicting assignments, missing templates, teams, policies, roles or users. Nothing is changed.
frappe.provide("legist_routing.rule_checks");

legist_routing.rule_checks.run = function () {
	frappe.call({ method: "legist_routing.api.check_rule_set", freeze: true }).then((r) => {
		if (!r.message) return;
		frappe.msgprint({
			title: __("Rule set checks"),
			message: r.message.html,
			indicator: r.message.findings.length ? "orange" : "green",
			wide: true,
		});
	});
};
frappe.listview_settings["Routing Rule"] = {
	onload(listview) {
		listview.page.add_inner_button(__("Import JSON"), () => {
			const dialog = new frappe.ui.Dialog({
				title: __("Import Routing Rules"),
				fields: [
					{
						fieldname: "rules_json",
						fieldtype: "Code",
						options: "JSON",
						label: __("One rule or a list of rules"),
						reqd: 1,
					},
				],
				primary_action_label: __("Import"),
				primary_action(values) {
					frappe.call({
						method: "legist_routing.api.import_rules",
						args: { rules_json: values.rules_json },
						freeze: true,
						callback(r) {
							if (r.exc) return;
							dialog.hide();
							frappe.show_alert({
								message: __("Imported {0}", [r.message.join(", ")]),
								indicator: "green",
							});
							listview.refresh();
						},
					});
				},
			});
			dialog.show();
		});
		if (frappe.user.has_role(["System Manager", "Legist Manager"])) {
			// the rule-set checks (the same as the form's button): findings over every rule, nothing changed
			listview.page.add_inner_button(__("Check rule set"), () => legist_routing.rule_checks.run());
		}
		listview.page.add_inner_button(__("Export JSON"), () => {
			frappe.call("legist_routing.api.export_rules").then((r) => {
				frappe.msgprint({
					title: __("Routing Rules"),
					message: `<pre>${frappe.utils.escape_html(JSON.stringify(r.message, null, 2))}</pre>`,
					wide: true,
				});
			});
		});
	},
};
