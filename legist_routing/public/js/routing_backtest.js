// The backtest: replay a past period's events through a draft rule set and compare with what happened.
// A "Backtest" button on the Routing Rule list (drafts as JSON and/or rules left out) and on the form (this
// form's version of the rule, or the rule set without it). Loaded with the list's script, which Frappe runs
// whenever the DocType is loaded (for the form too); nothing here is registered twice.
frappe.provide("legist_routing");

if (!legist_routing.backtest) {
	legist_routing.backtest = {
		MANAGERS: ["System Manager", "Legist Manager"],
		POLL_MS: 1500,

		last_month() {
			const month = moment(frappe.datetime.get_today()).subtract(1, "months");
			return [month.startOf("month").format("YYYY-MM-DD"), month.endOf("month").format("YYYY-MM-DD")];
		},

		// ---------------------------------------------------------------------------------- start
		open(frm) {
			const [from_date, to_date] = this.last_month();
			const fields = [
				{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", reqd: 1, default: from_date },
				{ fieldtype: "Column Break" },
				{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", reqd: 1, default: to_date },
				{ fieldtype: "Section Break" },
			];
			if (frm) {
				fields.push({
					fieldname: "what",
					label: __("Try"),
					fieldtype: "Select",
					reqd: 1,
					options: [
						{ value: "draft", label: __("This form's version of the rule, in place of the saved one") },
						{ value: "without", label: __("The rule set without this rule") },
					],
					default: "draft",
				});
			} else {
				fields.push(
					{
						fieldname: "rules_json",
						label: __("Draft rules"),
						fieldtype: "Code",
						options: "JSON",
						description: __("One rule or a list, in the guide's JSON shape; each replaces the saved rule of its name."),
					},
					{
						fieldname: "without",
						label: __("Leave Out"),
						fieldtype: "MultiSelectList",
						get_data: (txt) => frappe.db.get_link_options("Routing Rule", txt, { enabled: 1 }),
						description: __("Enabled rules to take out of the set."),
					}
				);
			}
			fields.push({
				fieldname: "include_enabled",
				label: __("Also run the other enabled rules"),
				fieldtype: "Check",
				default: 1,
				description: __("Nothing is written: the events are replayed and compared with what happened."),
			});
			const dialog = new frappe.ui.Dialog({
				title: frm ? __("Backtest {0}", [frm.doc.rule_name || __("this rule")]) : __("Backtest the rule set"),
				fields,
				primary_action_label: __("Backtest"),
				primary_action: (values) => {
					dialog.hide();
					this.start(frm, values);
				},
			});
			dialog.show();
		},

		start(frm, values) {
			const args = {
				from_date: values.from_date,
				to_date: values.to_date,
				include_enabled: values.include_enabled ? 1 : 0,
			};
			if (frm && values.what === "without") args.without = JSON.stringify([frm.doc.name]);
			else if (frm) args.rules_json = JSON.stringify(frm.doc);
			else {
				if (values.rules_json) args.rules_json = values.rules_json;
				if ((values.without || []).length) args.without = JSON.stringify(values.without);
			}
			frappe
				.call({
					method: "legist_routing.api.start_backtest",
					type: "POST",
					args,
					freeze: true,
					freeze_message: __("Starting the backtest…"),
				})
				.then((r) => {
					const started = r.message;
					if (!started.ok) return this.problems(started.problems);
					this.wait(started.job_id, started.events, started.queued);
				});
		},

		problems(problems) {
			frappe.msgprint({
				title: __("The backtest could not run"),
				indicator: "red",
				message: `<ul>${problems.map((p) => `<li>${this.esc(p.message)}</li>`).join("")}</ul>`,
			});
		},

		// --------------------------------------------------------------- progress, then the result
		wait(job_id, events, queued) {
			let finished = false;
			const title = __("Backtest");
			const show = (done, total) =>
				frappe.show_progress(title, done, total || 1, __("{0} of {1} events replayed", [done, total]));
			const fetch = () =>
				frappe.call({ method: "legist_routing.api.backtest_result", args: { job_id } }).then((r) => {
					const state = r.message;
					if (finished) return;
					if (state.status === "done" || state.status === "failed") {
						finished = true;
						frappe.realtime.off("legist_backtest", on_done);
						// as Frappe's own progress does: hidden a moment later, not while it opens
						setTimeout(() => {
							frappe.hide_progress();
							this.finish(state);
						}, queued ? 500 : 0);
						return;
					}
					const [done, total] = state.progress || [0, events];
					show(done, total);
					setTimeout(fetch, this.POLL_MS);
				});
			// the job says when it is done (its progress comes as Frappe's own "progress" events)
			const on_done = (data) => data.job_id === job_id && fetch();
			frappe.realtime.on("legist_backtest", on_done);
			if (queued) show(0, events); // a run in the request is done already
			fetch();
		},

		finish(state) {
			if (state.status === "done") return this.show(state.result);
			if (state.result && state.result.problems) return this.problems(state.result.problems);
			frappe.msgprint({
				title: __("The backtest failed"),
				indicator: "red",
				message: `<pre>${this.esc(state.error || "")}</pre>`,
			});
		},

		// ------------------------------------------------------------------------------ the report
		esc: (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value)),

		when(value) {
			return value ? this.esc(frappe.datetime.str_to_user(value)) : "—";
		},

		yes_no(on, good) {
			const colour = on ? (good ? "green" : "orange") : "gray";
			return `<span class="indicator-pill ${colour}">${on ? __("yes") : __("no")}</span>`;
		},

		who(user) {
			return user ? this.esc(user) : `<span class="text-danger">${__("nobody")}</span>`;
		},

		work(items) {
			if (!items.length) return `<span class="text-muted">${__("nothing")}</span>`;
			return items.map((i) => `${this.esc(i.title || __("(a task)"))} → ${this.who(i.assignee)}`).join("<br>");
		},

		table(headers, rows, part) {
			return `<table class="table table-sm table-bordered small" data-part="${part}"><thead><tr>${headers
				.map((h) => `<th>${h}</th>`)
				.join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
		},

		show(result) {
			const dialog = new frappe.ui.Dialog({
				title: __("Backtest: nothing was written"),
				size: "extra-large",
				fields: [{ fieldname: "report", fieldtype: "HTML" }],
			});
			dialog.fields_dict.report.$wrapper.html(this.render(result));
			dialog.show();
		},

		render(result) {
			const esc = this.esc;
			const parts = [];
			const ev = result.events, counts = result.assignments, rules = result.rules;
			parts.push(`<p>${__("{0} to {1}: {2} events replayed through {3} rules.", [
				this.when(result.from_date),
				this.when(result.to_date),
				ev.replayed,
				rules.considered,
			])} ${rules.drafts.length ? __("Drafts: {0}.", [esc(rules.drafts.join(", "))]) : ""} ${
				rules.without.length ? __("Left out: {0}.", [esc(rules.without.join(", "))]) : ""
			}</p>`);
			for (const note of result.notes) parts.push(`<div class="alert alert-info small">${esc(note)}</div>`);

			const same = __("the same");
			const elsewhere = __("to someone else");
			const added = __("added");
			const removed = __("removed");
			const unresolved = __("unresolved");
			const pills = [
				[same, counts.same, "gray"],
				[elsewhere, counts.changed, "orange"],
				[added, counts.added, "blue"],
				[removed, counts.removed, "red"],
				[unresolved, counts.unresolved, "red"],
			].map(([label, n, colour]) => `<span class="indicator-pill ${colour} mr-2">${n} ${label}</span>`);
			parts.push(`<h5>${__("Assignments")}</h5><p>${pills.join("")}</p>`);

			parts.push(`<h5 class="mt-4">${__("Events ({0} change)", [result.changed_events])}</h5>`);
			if (!result.rows.length) parts.push(`<p class="text-muted">${__("No event gave or would give work.")}</p>`);
			else {
				if (result.rows_total > result.rows.length) {
					parts.push(`<p class="small text-muted">${__("{0} of {1} events shown, those that change first.", [
						result.rows.length,
						result.rows_total,
					])}</p>`);
				}
				parts.push(
					this.table(
						[__("Event"), __("What happened"), __("What the draft would do"), __("Changed")],
						// what changes first, each part in the order it happened
						[...result.rows.filter((r) => r.changed), ...result.rows.filter((r) => !r.changed)].map(
							(r) => `<tr class="${r.changed ? "" : "text-muted"}"><td>${this.when(r.at)}<br><code>${esc(r.event)}</code>
								${esc(r.case || "")}${r.facts === "rebuilt" ? ` <span class="indicator-pill gray">${__("facts rebuilt")}</span>` : ""}</td>
								<td>${this.work(r.happened)}</td><td>${this.work(r.draft)}</td><td>${this.yes_no(r.changed, false)}</td></tr>`
						),
						"events"
					)
				);
			}

			parts.push(`<h5 class="mt-4">${__("Workload per person")}</h5>`);
			parts.push(
				this.table(
					[__("Person"), __("What happened"), __("The draft"), __("Change")],
					result.workload.map(
						(w) => `<tr><td>${this.who(w.user)}</td>
							<td>${__("{0} tasks, {1} h", [w.happened_tasks, w.happened_hours])}</td>
							<td>${__("{0} tasks, {1} h", [w.draft_tasks, w.draft_hours])}</td>
							<td>${w.change > 0 ? "+" : ""}${w.change}</td></tr>`
					),
					"workload"
				)
			);

			const before = result.risk.happened, after = result.risk.draft;
			parts.push(`<h5 class="mt-4">${__("Acknowledgement and deadline risk")}</h5>`);
			parts.push(
				this.table(
					["", __("What happened"), __("The draft (projected)")],
					[
						[__("Tasks"), before.tasks, after.tasks],
						[__("Acknowledgement missed"), before.ack_missed, after.ack_missed],
						[__("Deadline missed"), before.deadline_missed, after.deadline_missed],
						[__("USCIS deadline missed"), before.uscis_missed, after.uscis_missed],
					].map(([label, b, a]) => `<tr><td>${label}</td><td>${b}</td><td>${a}</td></tr>`),
					"risk"
				)
			);
			if (after.unknown) {
				parts.push(`<p class="small text-muted">${__("{0} of the draft's tasks could not be projected: nobody has acknowledged or completed work in the period.", [after.unknown])}</p>`);
			}
			const basis = {
				actual: __("as it happened"),
				person: __("from the person's median times"),
				firm: __("from the firm's median times"),
				nobody: __("nobody assigned"),
			};
			if (result.risk.tasks.length) {
				parts.push(`<h6>${__("Tasks the draft would put at risk ({0})", [result.risk.tasks_total])}</h6>`);
				parts.push(
					this.table(
						[__("Event"), __("Task"), __("Assigned to"), __("Acknowledge by"), __("Projected acknowledgement"),
							__("Deadline"), __("Projected completion"), __("Would miss"), __("Projected")],
						result.risk.tasks.map((t) => {
							const misses = [
								[t.ack_missed, __("acknowledgement")],
								[t.deadline_missed, __("deadline")],
								[t.uscis_missed, __("USCIS deadline")],
							]
								.filter(([on]) => on)
								.map(([, label]) => label)
								.join(", ");
							return `<tr><td>${this.when(t.at)}<br>${esc(t.case || "")}</td><td>${esc(t.title)}</td>
								<td>${this.who(t.assignee)}</td><td>${this.when(t.ack_due)}</td><td>${this.when(t.projected_ack)}</td>
								<td>${this.when(t.deadline)}</td><td>${this.when(t.projected_done)}</td>
								<td class="text-danger">${esc(misses)}</td><td>${esc(basis[t.basis] || t.basis)}</td></tr>`;
						}),
						"at-risk"
					)
				);
			}
			return parts.join("");
		},
	};

	frappe.ui.form.on("Routing Rule", {
		refresh(frm) {
			if (!frappe.user.has_role(legist_routing.backtest.MANAGERS)) return;
			// an unsaved or disabled rule can be backtested: the form's fields are sent as they are
			frm.add_custom_button(__("Backtest"), () => legist_routing.backtest.open(frm));
		},
	});
}

// The list's button, added to the list settings routing_rule_list.js declares (once per declaration).
{
	const settings = (frappe.listview_settings["Routing Rule"] = frappe.listview_settings["Routing Rule"] || {});
	if (!settings.legist_backtest) {
		const onload = settings.onload;
		settings.onload = function (listview) {
			if (onload) onload.call(this, listview);
			if (frappe.user.has_role(legist_routing.backtest.MANAGERS)) {
				listview.page.add_inner_button(__("Backtest"), () => legist_routing.backtest.open(null));
			}
		};
		settings.legist_backtest = true;
	}
}
