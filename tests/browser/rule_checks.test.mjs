// The rule-set checks in a real browser: a manager opens the Routing Rule list and a rule's form, clicks
// "Check rule set", and reads that a deliberately shadowed rule never acts because of the rule that stops
// first; saving the shadowed rule shows the same as a warning, and the save goes through. The rules
// route Transfer notices only (no other browser test makes one), and are deleted after.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, deskSession, launch, openDesk, openForm, screenshot } from "./lib.mjs";

const TOKEN = Date.now().toString(36);
const STOPPER = `Browser_Checks_First_${TOKEN}`;
const SHADOWED = `Browser_Checks_Shadowed_${TOKEN}`;

let browser, context, page;

function rule(name, conditions, extra = {}) {
	return {
		ruleName: name,
		trigger: "document.received",
		conditions,
		actions: [{ notify: "case.leadAttorney" }],
		enabled: true,
		...extra,
	};
}

before(async () => {
	browser = await launch();
	({ context, page } = await deskSession(browser));
	await call(page, "legist_routing.api.import_rules", {
		rules_json: JSON.stringify([
			rule(STOPPER, { "document.type": "Transfer" }, { priority: 950, stopProcessing: true }),
			rule(SHADOWED, { "document.type": "Transfer", "case.type": "Adjustment of Status" }),
		]),
	});
});

after(async () => {
	for (const name of [SHADOWED, STOPPER]) {
		await call(page, "frappe.client.delete", { doctype: "Routing Rule", name }).catch(() => {});
	}
	await browser?.close();
});

// The text of the message dialog once it shows ``expected`` (Frappe reuses one dialog for messages).
async function findings(expected) {
	const handle = await page.waitForFunction(
		(expected) => {
			const shown = [...document.querySelectorAll(".modal.show")].map((m) => m.innerText);
			return shown.find((text) => text.includes(expected)) || false;
		},
		expected,
		{ timeout: 60_000 }
	);
	return handle.jsonValue();
}

// Bootstrap ignores hide() while the dialog is still fading in: ask until it is gone.
async function closeDialog() {
	await page.waitForFunction(
		() => {
			frappe.msg_dialog?.hide();
			// gone, backdrop and fade included: a message shown while the last one fades out is lost
			return !document.querySelector(".modal.show, .modal.fade.in, .modal-backdrop") &&
				!document.body.classList.contains("modal-open");
		},
		null,
		{ timeout: 30_000, polling: 500 }
	);
	await page.waitForTimeout(500);
}

test("the list's Check rule set button names the shadowed rule, the one that stops first, and the fix", async (t) => {
	await openDesk(page, "/app/routing-rule");
	await page.waitForFunction(() => window.cur_list?.doctype === "Routing Rule", null, { timeout: 60_000 });
	await page.getByRole("button", { name: "Check rule set" }).click();
	const text = await findings("routing rules checked");
	await screenshot(page, "rule-checks-list");
	assert.match(text, /routing rules checked/);
	assert.ok(text.includes(SHADOWED), text);
	assert.ok(text.includes(`rule '${STOPPER}' (priority 950) is evaluated first`), text);
	assert.match(text, /give this rule a higher priority/);
	await closeDialog();
	assert.deepEqual(context.pageErrors, []);
});

test("the form has the button too, and saving the shadowed rule warns without blocking", async (t) => {
	await openForm(page, "Routing Rule", SHADOWED);
	await page.getByRole("button", { name: "Check rule set" }).click();
	assert.ok((await findings("routing rules checked")).includes(SHADOWED));
	await closeDialog();
	await page.evaluate(() => {
		cur_frm.set_value("description", "saved from the browser");
		return cur_frm.save();
	});
	const text = await findings("The rule-set checks found");
	await screenshot(page, "rule-checks-on-save");
	assert.match(text, /The rule-set checks found/);
	assert.ok(text.includes(STOPPER), text);
	await closeDialog();
	const saved = await call(page, "frappe.client.get_value", {
		doctype: "Routing Rule",
		filters: { name: SHADOWED },
		fieldname: "description",
	});
	assert.equal(saved.description, "saved from the browser");
	assert.deepEqual(context.pageErrors, []);
});
