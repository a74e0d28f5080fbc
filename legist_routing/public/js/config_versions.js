// Versions of Routing Rules and Escalation Policies: the list, two versions compared, a version restored.
// Loaded with the Routing Rule, Escalation Policy and Routing Config Version forms (hooks.py doctype_js);
// the handlers are registered once however many of those forms were opened.
frappe.provide("legist_routing.versions");

if (!legist_routing.versions.registered) {
	legist_routing.versions.registered = true;

	const V = legist_routing.versions;
	const MANAGER_ROLES = ["System Manager", "Legist Manager"];

	V.esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
	V.json = (value) => V.esc(JSON.stringify(value === undefined ? null : value, null, 2));
	V.source = (row) =>
		row.source === "Restored" && row.restored_from
			? __("Restored from version {0}", [row.restored_from])
			: __(row.source || "");

	V.call = (method, args, type) =>
		frappe.call({ method: `legist_routing.api.${method}`, args, type: type || "GET" }).then((r) => r.message);

	// ------------------------------------------------------------------------------------ the list
	V.open = (doctype, name, after_restore) => {
		V.call("list_versions", { doctype, name }).then((rows) => {
			const dialog = new frappe.ui.Dialog({
				title: __("Versions of {0}", [name]),
				size: "extra-large",
				fields: [
					{ fieldname: "list", fieldtype: "HTML" },
					{ fieldtype: "Section Break", label: __("Compare") },
					{
						fieldname: "from_version",
						label: __("Version"),
						fieldtype: "Int",
						default: rows.length > 1 ? rows[1].version : rows.length ? rows[0].version : 0,
					},
					{ fieldtype: "Column Break" },
					{
						fieldname: "to_version",
						label: __("With version"),
						fieldtype: "Int",
						default: rows.length ? rows[0].version : 0,
					},
				],
				primary_action_label: __("Compare"),
				primary_action: (values) =>
					V.compare(doctype, name, values.from_version, values.to_version, () => {
						dialog.hide();
						after_restore && after_restore();
					}),
			});
			dialog.fields_dict.list.$wrapper.html(V.render_list(rows));
			dialog.fields_dict.list.$wrapper.on("click", "[data-compare]", (e) => {
				const version = cint($(e.currentTarget).attr("data-compare"));
				const current = rows.find((r) => r.current) || rows[0];
				V.compare(doctype, name, version, current.version, () => {
					dialog.hide();
					after_restore && after_restore();
				});
			});
			dialog.fields_dict.list.$wrapper.on("click", "[data-restore]", (e) => {
				V.restore(doctype, name, cint($(e.currentTarget).attr("data-restore")), () => {
					dialog.hide();
					after_restore && after_restore();
				});
			});
			dialog.show();
		});
	};

	V.render_list = (rows) => {
		if (!rows.length) return `<p class="text-muted">${__("No versions kept yet.")}</p>`;
		const body = rows
			.map(
				(r) => `<tr>
					<td><b>${V.esc(r.version)}</b>${r.current ? ` <span class="indicator-pill green">${__("current")}</span>` : ""}</td>
					<td>${V.esc(V.source(r))}</td>
					<td>${V.esc(frappe.user.full_name(r.owner))}</td>
					<td>${V.esc(frappe.datetime.str_to_user(r.creation))}</td>
					<td>${V.esc(r.changed)}</td>
					<td>${V.esc(r.note)}</td>
					<td class="text-right text-nowrap">${
						r.current
							? ""
							: `<button class="btn btn-xs btn-default" data-compare="${r.version}">${__("Compare with current")}</button>
							<button class="btn btn-xs btn-default" data-restore="${r.version}">${__("Restore this version")}</button>`
					}</td></tr>`
			)
			.join("");
		return `<table class="table table-sm small"><thead><tr><th>${__("Version")}</th><th>${__("Made By")}</th>
			<th>${__("By")}</th><th>${__("When")}</th><th>${__("Changed")}</th><th>${__("Note")}</th><th></th></tr></thead>
			<tbody>${body}</tbody></table>`;
	};

	// --------------------------------------------------------------------------------- compare
	V.compare = (doctype, name, from_version, to_version, after_restore) => {
		V.call("compare_versions", { doctype, name, from_version, to_version }).then((diff) => {
			const dialog = new frappe.ui.Dialog({
				title: __("{0}: version {1} and version {2}", [name, diff.from.version, diff.to.version]),
				size: "extra-large",
				fields: [{ fieldname: "diff", fieldtype: "HTML" }],
			});
			dialog.fields_dict.diff.$wrapper.html(V.render_diff(diff));
			const older = [diff.from, diff.to].find((v) => !v.current);
			if (older) {
				dialog.set_primary_action(__("Restore version {0}", [older.version]), () =>
					V.restore(doctype, name, older.version, () => {
						dialog.hide();
						after_restore && after_restore();
					})
				);
			}
			dialog.show();
		});
	};

	V.render_diff = (diff) => {
		const head = (v) =>
			`${__("Version {0}", [V.esc(v.version)])}${v.current ? ` (${__("current")})` : ""}
			<div class="text-muted small">${V.esc(V.source(v))} · ${V.esc(frappe.user.full_name(v.owner))} ·
			${V.esc(frappe.datetime.str_to_user(v.creation))}</div>`;
		const rows = diff.fields
			.map((f) => {
				const changes = f.changes.length
					? `<ul class="small mb-0">${f.changes
							.map(
								(c) => `<li><code>${V.esc(c.path)}</code> ${
									{ added: __("added"), removed: __("removed"), changed: __("changed") }[c.kind]
								}: <code>${V.esc(JSON.stringify(c.before))}</code> → <code>${V.esc(JSON.stringify(c.after))}</code></li>`
							)
							.join("")}</ul>`
					: "";
				const style = f.changed ? ' style="background: var(--yellow-highlight-color, #fff7d6)"' : "";
				return `<tr${style}><td><b>${V.esc(f.label)}</b>${f.changed ? `<div class="text-warning small">${__("changed")}</div>` : ""}</td>
					<td><pre class="small mb-0">${V.json(f.before)}</pre></td>
					<td><pre class="small mb-0">${V.json(f.after)}</pre>${changes}</td></tr>`;
			})
			.join("");
		const summary = diff.changed.length
			? __("Changed: {0}", [V.esc(diff.fields.filter((f) => f.changed).map((f) => f.label).join(", "))])
			: __("The two versions say the same.");
		return `<p>${summary}</p><table class="table table-bordered table-sm"><thead><tr><th>${__("Field")}</th>
			<th>${head(diff.from)}</th><th>${head(diff.to)}</th></tr></thead><tbody>${rows}</tbody></table>`;
	};

	// --------------------------------------------------------------------------------- restore
	V.restore = (doctype, name, version, after) => {
		frappe.prompt(
			[
				{
					fieldname: "note",
					label: __("Note"),
					fieldtype: "Small Text",
					description: __("Why this version comes back (kept with the new version)."),
				},
			],
			(values) => {
				V.call("restore_version", { doctype, name, version, note: values.note || "" }, "POST").then((r) => {
					frappe.show_alert({ message: r.message, indicator: r.restored ? "green" : "blue" });
					after && after();
				});
			},
			__("Restore version {0} of {1}", [version, name]),
			__("Restore this version")
		);
	};

	V.may_use = () => frappe.user.has_role(MANAGER_ROLES);

	// ----------------------------------------------------------------------------------- forms
	for (const doctype of ["Routing Rule", "Escalation Policy"]) {
		frappe.ui.form.on(doctype, {
			refresh(frm) {
				if (frm.is_new() || !V.may_use()) return;
				frm.add_custom_button(__("Versions"), () => V.open(frm.doctype, frm.doc.name, () => frm.reload_doc()));
			},
		});
	}

	frappe.ui.form.on("Routing Config Version", {
		refresh(frm) {
			if (frm.is_new() || !V.may_use()) return;
			const doc = frm.doc;
			frm.add_custom_button(__("All versions"), () => V.open(doc.reference_doctype, doc.reference_name));
			frm.add_custom_button(__("Restore this version"), () =>
				V.restore(doc.reference_doctype, doc.reference_name, doc.version, () =>
					frappe.set_route("Form", doc.reference_doctype, doc.reference_name)
				)
			);
		},
	});
}
