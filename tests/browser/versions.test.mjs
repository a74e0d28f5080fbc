// A manager opens a changed rule's versions, compares the first with the current one and restores it,
// as a person would: the Versions button, the list, Compare with current, Restore version 1 with a note.
// A paralegal's form has no Versions button. Screenshots kept as artifacts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, launch, login, newContext, openDesk, openForm, screenshot, signIn } from "./lib.mjs";

const SFX = Date.now().toString(36);
const NAME = `Versions_Browser_${SFX}`;
const PWD = `Ver!${SFX}-Qw8#zt`;
const MANAGER = `manager.${SFX}@versions.test`;
const PARALEGAL = `paralegal.${SFX}@versions.test`;
let browser, admin;

async function user(email, role) {
	await call(admin, "frappe.client.insert", {
		doc: {
			doctype: "User",
			email,
			first_name: role,
			send_welcome_email: 0,
			new_password: PWD,
			roles: [{ role }],
		},
	});
}

async function pageAs(email) {
	const page = await (await newContext(browser)).newPage();
	await signIn(page, email, PWD);
	return page;
}

const topDialog = (page) => page.locator(".modal.show").last();

before(async () => {
	browser = await launch();
	admin = await (await newContext(browser)).newPage();
	await login(admin);
	await openDesk(admin);
	await call(admin, "legist_routing.api.import_rules", {
		rules_json: JSON.stringify({
			ruleName: NAME,
			trigger: "document.received",
			enabled: false,
			conditions: { "document.type": "RFE" },
			actions: [{ assign: "case.primaryParalegal", dueInDays: 3 }],
		}),
	});
	// a change, as any save makes one: version 2
	await call(admin, "frappe.client.set_value", {
		doctype: "Routing Rule",
		name: NAME,
		fieldname: "conditions",
		value: JSON.stringify({ "document.type": "NOID" }),
	});
	await user(MANAGER, "Legist Manager");
	await user(PARALEGAL, "Legist Paralegal");
});

after(async () => {
	if (admin) {
		const versions = await call(admin, "frappe.client.get_list", {
			doctype: "Routing Config Version",
			filters: { reference_name: NAME },
			pluck: "name",
		}).catch(() => []);
		await call(admin, "frappe.client.delete", { doctype: "Routing Rule", name: NAME }).catch(() => {});
		for (const name of versions) {
			await call(admin, "frappe.client.delete", { doctype: "Routing Config Version", name }).catch(() => {});
		}
		for (const email of [MANAGER, PARALEGAL]) {
			await call(admin, "frappe.client.delete", { doctype: "User", name: email }).catch(() => {});
		}
	}
	await browser?.close();
});

test("a manager compares two versions of a rule and restores the first", async (t) => {
	const page = await pageAs(MANAGER);
	await openForm(page, "Routing Rule", NAME);
	assert.equal(await page.evaluate(() => cur_frm.doc.version), 2);

	await page.locator('button[data-label="Versions"]').first().click();
	const list = topDialog(page);
	await list.locator("[data-compare]").first().waitFor({ state: "visible", timeout: 30_000 });
	const rows = list.locator("tbody tr");
	assert.equal(await rows.count(), 2);
	assert.match(await rows.first().textContent(), /current/);
	t.diagnostic(`screenshot: ${await screenshot(page, "versions-list")}`);

	await list.locator('[data-compare="1"]').click();
	const diff = topDialog(page);
	await diff.getByText('conditions["document.type"]').waitFor({ state: "visible", timeout: 30_000 });
	const text = await diff.textContent();
	assert.match(text, /Changed: Conditions/);
	assert.match(text, /"RFE"\s*→\s*"NOID"/);
	t.diagnostic(`screenshot: ${await screenshot(page, "versions-compare")}`);

	await diff.locator(".btn-modal-primary").click(); // Restore version 1
	const prompt = topDialog(page);
	await prompt.locator('.frappe-control[data-fieldname="note"] textarea').fill("NOID went to the wrong queue");
	await prompt.locator(".btn-modal-primary").click();
	await page.waitForFunction(() => cur_frm.doc.version === 3, null, { timeout: 30_000 });
	t.diagnostic(`screenshot: ${await screenshot(page, "versions-restored")}`);

	const [exported] = await call(page, "legist_routing.api.export_rules", { names: JSON.stringify([NAME]) });
	assert.deepEqual(exported.conditions, { "document.type": "RFE" });
	const [latest] = await call(page, "legist_routing.api.list_versions", { doctype: "Routing Rule", name: NAME });
	assert.equal(latest.version, 3);
	assert.equal(latest.source, "Restored");
	assert.equal(latest.restored_from, 1);
	assert.equal(latest.note, "NOID went to the wrong queue");
});

test("a paralegal's rule form has no Versions button", async () => {
	const page = await pageAs(PARALEGAL);
	await openForm(page, "Routing Rule", NAME);
	assert.equal(await page.locator('button[data-label="Versions"]').count(), 0);
});
