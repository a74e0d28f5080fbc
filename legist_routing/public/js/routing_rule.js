frappe.ui.form.on("Routing Rule", {
	refresh(frm) {
		// A disabled or unsaved rule can be simulated: the form's current fields are sent as they are.
		frm.add_custom_button(__("Simulate"), () => legist_simulate.open(frm));
		if (frm.is_new() && legist_simulate.requested) {
			// the workspace's Rule Simulator shortcut: /app/routing-rule/new?simulate=1
			legist_simulate.requested = false;
			legist_simulate.open(frm);
		}
		if (frm.is_new()) return;
		frm.add_custom_button(__("Export JSON"), () => {
			frappe
				.call("legist_routing.api.export_rules", { names: [frm.doc.name] })
				.then((r) => {
					frappe.msgprint({
						title: frm.doc.rule_name,
						message: `<pre>${frappe.utils.escape_html(JSON.stringify(r.message[0], null, 2))}</pre>`,
						wide: true,
					});
				});
		});
		frm.add_custom_button(__("Routing Log"), () => {
			// the events this rule fired on (the log's Rules That Fired table)
			frappe.route_options = { rule: frm.doc.name };
			frappe.set_route("List", "Routing Log");
		});
	},
});

const legist_simulate = {
	NOTICE_TRIGGERS: ["document.received", "deadline.approaching"],
	// The page was opened at /new?simulate=1 (the workspace's shortcut loads it afresh): read from the
	// navigation's own URL, as Frappe has replaced the address with the new rule's route by now.
	requested: [window.location.href, performance.getEntriesByType("navigation")[0]?.name].some(
		(url) => url && new URL(url).searchParams.has("simulate")
	),

	open(frm) {
		frappe.model.with_doctype("Case Notice", () => {
			const options = (doctype, field) =>
				(frappe.meta.get_docfield(doctype, field)?.options || "").split("\n");
			const notice_triggers = JSON.stringify(this.NOTICE_TRIGGERS);
			// not nested in the other __(): Frappe's extractor reads only a call's first-level strings
			const rule_name = frm.doc.rule_name || __("this rule");
			const dialog = new frappe.ui.Dialog({
				title: __("Simulate {0}", [rule_name]),
				fields: [
					{
						fieldname: "trigger",
						label: __("Event"),
						fieldtype: "Select",
						options: options("Routing Rule", "trigger"),
						default: frm.doc.trigger,
						reqd: 1,
					},
					{
						fieldname: "case",
						label: __("Case"),
						fieldtype: "Link",
						options: "Case",
						description: __("The case the event happens on; its people, type and priority are read from it."),
					},
					{ fieldtype: "Column Break" },
					{
						fieldname: "notice_type",
						label: __("Notice Type"),
						fieldtype: "Select",
						options: ["", ...options("Case Notice", "notice_type")],
						default: "RFE",
						depends_on: `eval:${notice_triggers}.includes(doc.trigger)`,
					},
					{
						fieldname: "response_due_date",
						label: __("Response Due Date"),
						fieldtype: "Date",
						description: __("Leave empty to compute it from the notice type, as a real notice does."),
						depends_on: `eval:${notice_triggers}.includes(doc.trigger)`,
					},
					{
						fieldname: "item",
						label: __("Requested Item"),
						fieldtype: "Data",
						depends_on: "eval:doc.trigger === 'portal.upload'",
					},
					{
						fieldname: "task",
						label: __("Case Task"),
						fieldtype: "Link",
						options: "Case Task",
						depends_on: "eval:doc.trigger === 'task.status_changed'",
					},
					{
						fieldname: "status",
						label: __("New Status"),
						fieldtype: "Data",
						depends_on: "eval:['task.status_changed', 'case.status_changed'].includes(doc.trigger)",
					},
					{
						fieldname: "previous_status",
						label: __("Previous Status"),
						fieldtype: "Data",
						depends_on: "eval:['task.status_changed', 'case.status_changed'].includes(doc.trigger)",
					},
					{ fieldtype: "Section Break" },
					{
						fieldname: "include_enabled",
						label: __("Also run the other enabled rules"),
						fieldtype: "Check",
						default: 1,
						description: __("This form's version of the rule replaces the saved one. Nothing is written."),
					},
				],
				primary_action_label: __("Simulate"),
				primary_action: (values) => this.run(frm, values),
			});
			dialog.show();
		});
	},

	run(frm, values) {
		const notice = {}, task = {}, kase = {};
		if (this.NOTICE_TRIGGERS.includes(values.trigger)) {
			if (values.notice_type) notice.notice_type = values.notice_type;
			if (values.response_due_date) notice.response_due_date = values.response_due_date;
		}
		if (values.trigger === "portal.upload" && values.item) notice.item = values.item;
		const target = values.trigger === "task.status_changed" ? task : kase;
		if (values.trigger === "task.status_changed" && values.task) task.name = values.task;
		if (values.trigger.endsWith("status_changed")) {
			if (values.status) target.status = values.status;
			if (values.previous_status) target.previous_status = values.previous_status;
		}
		frappe
			.call({
				method: "legist_routing.api.simulate",
				type: "POST",
				args: {
					trigger: values.trigger,
					case: values.case || null,
					case_values: JSON.stringify(kase),
					notice_values: JSON.stringify(notice),
					task_values: JSON.stringify(task),
					rules_json: JSON.stringify(frm.doc),
					include_enabled: values.include_enabled ? 1 : 0,
				},
				freeze: true,
				freeze_message: __("Simulating…"),
			})
			.then((r) => this.show(r.message));
	},

	show(result) {
		const dialog = new frappe.ui.Dialog({
			title: __("Simulation: nothing was written"),
			size: "extra-large",
			fields: [{ fieldname: "report", fieldtype: "HTML" }],
		});
		dialog.fields_dict.report.$wrapper.html(this.render(result));
		dialog.show();
	},

	// ------------------------------------------------------------------------------- rendering
	esc: (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value)),

	when(value) {
		return value ? this.esc(frappe.datetime.str_to_user(value)) : "—";
	},

	mark(ok) {
		return ok
			? `<span class="indicator-pill green">${__("yes")}</span>`
			: `<span class="indicator-pill red">${__("no")}</span>`;
	},

	conditions(node) {
		const icon = node.result ? "✓" : "✗";
		const colour = node.result ? "text-success" : "text-danger";
		for (const kind of ["all", "any", "not"]) {
			if (node[kind]) {
				const label = { all: __("all of"), any: __("any of"), not: __("not") }[kind];
				const children = node[kind].map((c) => `<li>${this.conditions(c)}</li>`).join("");
				return `<span class="${colour}">${icon}</span> ${label}<ul class="list-unstyled ml-4 mb-0">${children}</ul>`;
			}
		}
		let text = `<code>${this.esc(node.fact)}</code> ${this.esc(node.op)}`;
		if ("value" in node) text += ` <code>${this.esc(JSON.stringify(node.value))}</code>`;
		if (node.op === "changed") {
			text += ` ${__("from {0} to {1}; was {2}", [
				this.esc(node.from ?? "*"),
				this.esc(node.to ?? "*"),
				this.esc(JSON.stringify(node.before ?? null)),
			])}`;
		}
		text += ` — ${__("actual")} <code>${this.esc(JSON.stringify(node.actual ?? null))}</code>`;
		return `<span class="${colour}">${icon}</span> ${text}`;
	},

	render(result) {
		const esc = this.esc;
		if (!result.ok) {
			const items = result.problems.map((p) => `<li>${esc(p.message)}</li>`).join("");
			return `<p>${__("The simulation could not run:")}</p><ul>${items}</ul>`;
		}
		const parts = [];
		parts.push(
			`<p class="text-muted">${__("{0} on {1}, as at {2}.", [
				esc(result.trigger),
				esc(result.case || __("a described case")),
				this.when(result.now),
			])}</p>`
		);
		for (const note of result.notes) {
			parts.push(`<div class="alert alert-warning">${esc(note)}</div>`);
		}

		parts.push(`<h5>${__("Rules ({0} considered, {1} matched)", [result.considered, result.matched.length])}</h5>`);
		if (!result.rules.length) parts.push(`<p class="text-muted">${__("No rule listens to this event.")}</p>`);
		for (const rule of result.rules) {
			const tags = [];
			if (rule.source === "draft") tags.push(`<span class="indicator-pill blue">${__("this form")}</span>`);
			if (!rule.enabled) tags.push(`<span class="indicator-pill gray">${__("disabled")}</span>`);
			parts.push(`<div class="mb-3"><b>${esc(rule.rule)}</b> ${tags.join(" ")} ${__("matched")}: ${this.mark(rule.matched)}
				${rule.matched ? "" : `<div class="text-muted small">${esc(rule.why)}</div>`}
				<div class="small mt-1">${this.conditions(rule.conditions)}</div></div>`);
		}
		if (result.stopped_by) parts.push(`<p class="small">${__("{0} stops the rules after it.", [esc(result.stopped_by)])}</p>`);

		parts.push(`<h5 class="mt-4">${__("Tasks ({0})", [result.tasks.length])}</h5>`);
		for (const task of result.tasks) {
			const who = task.assignee
				? `<b>${esc(task.assignee)}</b>`
				: `<span class="text-danger">${__("nobody: unroutable, the operations manager is alerted")}</span>`;
			const candidates = task.candidates.length
				? `<table class="table table-sm small mb-2"><thead><tr><th>${__("Candidate")}</th><th>${__("Eligible")}</th>
					<th>${__("Reason")}</th><th>${__("Detail")}</th></tr></thead><tbody>${task.candidates
						.map((v) => `<tr><td>${esc(v.user)}</td><td>${this.mark(v.eligible)}</td><td>${esc(v.reason)}</td><td>${esc(v.detail)}</td></tr>`)
						.join("")}</tbody></table>`
				: "";
			const ladder = task.escalation || { steps: [] };
			const steps = ladder.steps.length
				? `<table class="table table-sm small mb-0"><thead><tr><th>${__("Falls due")}</th><th>${__("Stage")}</th>
					<th>${__("If")}</th><th>${__("Then")}</th><th>${__("To")}</th></tr></thead><tbody>${ladder.steps
						.map((s) => `<tr><td>${this.when(s.at)}</td><td>${esc(s.stage)}</td><td>${esc(s.watch.replace("_", " "))}</td>
							<td>${esc(s.action)}</td><td>${esc(s.reassign_to || s.recipients.join(", ") || __("nobody ({0})", [s.target]))}</td></tr>`)
						.join("")}</tbody></table>`
				: `<p class="text-muted small mb-0">${esc(ladder.note || __("No escalation."))}</p>`;
			parts.push(`<div class="border rounded p-3 mb-3">
				<div><b>${esc(task.title)}</b> <span class="text-muted">(${esc(task.rule)}, ${__("action")} ${task.action})</span></div>
				<div>${__("Assigned to")}: ${who}</div>
				<div class="small text-muted mb-2">${__("Why")}: ${esc(task.why)}</div>
				${candidates}
				<div class="small mb-2">${__("Due")}: ${this.when(task.due)} · ${__("Acknowledge by")}: ${this.when(task.ack_due)}
					· ${__("Hard deadline")}: ${this.when(task.hard_deadline)}</div>
				<div class="small"><b>${__("Escalation")}</b>${ladder.policy ? ` (${esc(ladder.policy)})` : ""}</div>
				${steps}</div>`);
		}

		if (result.notifications.length) {
			parts.push(`<h5 class="mt-4">${__("Notifications")}</h5><ul>${result.notifications
				.map((n) => `<li>${esc(n.subject)} → ${esc(n.recipients.join(", "))} (${esc(n.channels.join(", "))})${
					n.respond_by ? ` · ${__("respond by")} ${this.when(n.respond_by)}` : ""
				}</li>`)
				.join("")}</ul>`);
		}
		if (result.unresolved.length) {
			parts.push(`<h5 class="mt-4">${__("Not resolved")}</h5><ul>${result.unresolved
				.map((u) => `<li>${esc(u.rule)}, ${__("action")} ${u.action}: ${esc(u.message)}</li>`)
				.join("")}</ul>`);
		}
		return parts.join("");
	},
};
