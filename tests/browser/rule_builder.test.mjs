// A manager builds a rule in the generated form, as a person would: a new Routing Rule, its trigger, a
// condition row and an action row filled in the grid's row forms, saved; the rule then exports as the
// guide's JSON. A bad row is refused naming the row. Screenshots kept as artifacts.
// Saving shows the rule-set checks' findings about the rule, if any (never blocking): the test compares
// them with the checks' own answer and closes the dialog, as a person would.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, deskSession, launch, screenshot } from "./lib.mjs";

const NAME = `Builder_${Date.now()}`;
let browser, page;

before(async () => {
	browser = await launch();
	({ page } = await deskSession(browser));
});

after(async () => {
	await call(page, "frappe.client.delete", { doctype: "Routing Rule", name: NAME }).catch(() => {});
	await browser?.close();
});

async function fillRow(table, values) {
	const field = page.locator(`.frappe-control[data-fieldname="${table}"]`);
	await field.locator(".grid-add-row").click();
	const row = field.locator(".grid-body .grid-row").last();
	await page.waitForTimeout(300);
	// Frappe may open the new row's form by itself; opening it a second time freezes the page for good.
	if (!(await page.locator(".grid-row-open").count())) await row.locator(".btn-open-row").click();
	const form = page.locator(".grid-row-open");
	await form.waitFor({ state: "visible" });
	for (const [fieldname, value] of Object.entries(values)) {
		const control = form.locator(`.frappe-control[data-fieldname="${fieldname}"]`);
		if (await control.locator("select").count()) {
			await control.locator("select").selectOption(value);
		} else {
			// Typed text reaches a grid row's model on the field's change event, when it loses the focus (as
			// a person leaves it): without the Tab a busy page could close the row before that.
			const box = (await control.locator("textarea").count()) ? control.locator("textarea") : control.locator("input");
			await box.fill(value);
			await box.press("Tab");
		}
		// The row's model holds the value before the next is entered.
		await page.waitForFunction(
			([t, f, v]) => cur_frm.doc[t].at(-1)?.[f] === v,
			[table, fieldname, value],
			{ timeout: 10_000 }
		);
	}
	await form.locator(".grid-collapse-row").first().click();
	// The row form freezes the page behind it (Frappe's #freeze) while open: wait until both are gone,
	// or the next click lands on the overlay.
	await page.waitForFunction(
		() => !document.querySelector(".grid-row-open") && !document.querySelector("#freeze.in"),
		null,
		{ timeout: 30_000 }
	);
}

test("a rule built in the form saves and exports as the guide's JSON", async (t) => {
	await page.goto("/app/routing-rule/new", { waitUntil: "domcontentloaded" });
	await page.waitForFunction(() => window.cur_frm?.doctype === "Routing Rule" && cur_frm.is_new(), null, {
		timeout: 60_000,
	});
	await page.locator('.frappe-control[data-fieldname="rule_name"] input').fill(NAME);
	await page.locator('.frappe-control[data-fieldname="trigger"] select').selectOption("document.received");
	// the facts this trigger offers (from the boot, services/workspace.py) are in the grid before a row opens
	await page.waitForFunction(
		() =>
			cur_frm.fields_dict.conditions_table.grid.docfields
				.find((d) => d.fieldname === "fact")
				.options?.includes("document.notice_type"),
		null,
		{ timeout: 10_000 }
	);
	await fillRow("conditions_table", { fact: "document.notice_type", operator: "equals", value: "RFE" });
	await fillRow("conditions_table", { fact: "case.priority", operator: "in", value: "Urgent\nHigh" });
	await fillRow("actions_table", {
		action: "createTask",
		target: "Draft RFE Response",
		template_id: "rfe_response_template",
	});
	await screenshot(page, "rule-builder-filled");
	await page.keyboard.press("Control+s");
	await page.waitForFunction(() => !cur_frm.is_new() && !cur_frm.doc.__unsaved, null, { timeout: 30_000 });
	t.diagnostic(`screenshot: ${await screenshot(page, "rule-builder-saved")}`);
	// The save's answer carries the rule-set checks' findings about this rule (services/ruleset_checks.py
	// warn): a dialog exactly when the checks find something involving it, which depends on the site's
	// other rules (the shipped RFE_Urgent_Any_Case shadows this one while enabled).
	await page.waitForFunction(() => document.body.dataset.ajaxState === "complete", null, { timeout: 30_000 });
	const { findings } = await call(page, "legist_routing.api.check_rule_set");
	const mine = findings.filter((f) => f.rule === NAME || f.other === NAME);
	const checks = page.locator(".modal.show").filter({ hasText: "Rule set checks" });
	if (mine.length) {
		await checks.waitFor({ state: "visible", timeout: 10_000 });
		const shown = await checks.locator(".modal-body").textContent();
		t.diagnostic(`rule-set checks on save: ${shown.trim()}`);
		for (const f of mine) assert.ok(shown.includes(f.message), `the dialog shows "${f.message}"`);
		await checks.locator(".btn-modal-close").click();
		await checks.waitFor({ state: "hidden" });
	} else {
		assert.equal(await checks.count(), 0, "no findings, no dialog");
	}

	const [exported] = await call(page, "legist_routing.api.export_rules", { names: JSON.stringify([NAME]) });
	assert.deepEqual(exported.conditions, {
		all: [
			{ fact: "document.notice_type", op: "equals", value: "RFE" },
			{ fact: "case.priority", op: "in", value: ["Urgent", "High"] },
		],
	});
	assert.deepEqual(exported.actions, [{ createTask: "Draft RFE Response", templateId: "rfe_response_template" }]);
});

test("a bad row is refused, naming the row", async (t) => {
	await fillRow("conditions_table", { fact: "case.priority", operator: "equals", value: "Hgh" });
	await page.keyboard.press("Control+s");
	const dialog = page.locator(".modal.show .msgprint, .modal.show .modal-body").first();
	await dialog.waitFor({ state: "visible", timeout: 30_000 });
	const text = await dialog.textContent();
	t.diagnostic(`refusal: ${text}`);
	t.diagnostic(`screenshot: ${await screenshot(page, "rule-builder-refused")}`);
	assert.match(text, /Conditions, row 3/);
	assert.match(text, /Hgh/);
});
