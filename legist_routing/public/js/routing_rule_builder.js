// The rule builder: a Routing Rule's conditions and actions as rows. The fact is chosen from the facts
// the rule's trigger offers, the operator from those valid for the fact's type; the server checks the
// rest on save (services/rule_form.py) and names the row and field of anything wrong.
frappe.provide("legist_routing");

legist_routing.rule_builder = {
	async facts(frm) {
		const known = await legist_routing.known();
		return known.facts[frm.doc.trigger] || {};
	},
	async offer_facts(frm) {
		const names = Object.keys(await this.facts(frm));
		const grid = frm.fields_dict.conditions_table.grid;
		// Only when they change (a new trigger): offering them re-renders the whole grid, rows open or not.
		const offered = grid.docfields.find((d) => d.fieldname === "fact").options;
		if (Array.isArray(offered) && offered.join("\n") === names.join("\n")) return;
		grid.update_docfield_property("fact", "options", names);
	},
	async offer_operators(frm, row) {
		const known = await legist_routing.known();
		const facts = await this.facts(frm);
		const kind = facts[row.fact];
		const operators = (kind && known.operators[kind]) || Object.values(known.operators)[0];
		const grid_row = frm.fields_dict.conditions_table.grid.get_row(row.name);
		grid_row?.set_field_property?.("operator", "options", operators.join("\n"));
		if (row.operator && !operators.includes(row.operator)) {
			frappe.model.set_value(row.doctype, row.name, "operator", operators[0]);
		}
	},
};

frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		legist_routing.rule_builder.offer_facts(frm);
	},
	trigger(frm) {
		legist_routing.rule_builder.offer_facts(frm);
	},
});

frappe.ui.form.on("Routing Rule Condition", {
	form_render(frm, cdt, cdn) {
		legist_routing.rule_builder.offer_operators(frm, locals[cdt][cdn]);
	},
	fact(frm, cdt, cdn) {
		legist_routing.rule_builder.offer_operators(frm, locals[cdt][cdn]);
	},
	conditions_table_add(frm, cdt, cdn) {
		// a new row goes one level under a group row above it
		const rows = frm.doc.conditions_table;
		const index = rows.findIndex((r) => r.name === cdn);
		const above = rows[index - 1];
		if (above) {
			frappe.model.set_value(cdt, cdn, "depth", above.depth + (above.node === "Condition" ? 0 : 1));
		}
	},
});
