// The desk in a real browser: a saved document with a Datetime field opens clean, and the field
// shows real seconds. Both fail with the npm release of air-datepicker 2.2.3 (no seconds: the field
// shows "17:23:ss" and the form turns "Not Saved" as it loads); Frappe needs its own fork.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, deskSession, launch, openForm, screenshot } from "./lib.mjs";

const CASE_TYPE = "Browser Test Case Type";
const HARD_DEADLINE = "2031-03-14 17:23:45";

let browser, context, page, caseName;

before(async () => {
	browser = await launch();
	({ context, page } = await deskSession(browser));
	// A Case to open: its hard deadline is a Datetime with non-zero seconds.
	const types = await call(page, "frappe.client.get_list", {
		doctype: "Case Type",
		filters: { name: CASE_TYPE },
		fields: ["name"],
	});
	if (!types.length) {
		await call(page, "frappe.client.insert", { doc: { doctype: "Case Type", case_type_name: CASE_TYPE } });
	}
	const doc = await call(page, "frappe.client.insert", {
		doc: {
			doctype: "Case",
			case_title: `Browser test ${new Date().toISOString()}`,
			case_type: CASE_TYPE,
			client_name: "Browser Test Client",
			hard_deadline: HARD_DEADLINE,
		},
	});
	caseName = doc.name;
	assert.equal(doc.hard_deadline, HARD_DEADLINE, "the server kept the deadline's seconds");
});

after(async () => {
	// Leave the site as found (the Case Type stays for the next run).
	if (caseName) await call(page, "frappe.client.delete", { doctype: "Case", name: caseName }).catch(() => {});
	await browser?.close();
});

test("a saved Case opens clean, its Datetime field showing real seconds", async (t) => {
	await openForm(page, "Case", caseName);
	// The broken datepicker rewrites the value a moment after the form renders: give it that moment.
	await page.waitForTimeout(1500);
	const shot = await screenshot(page, "desk-case-form");
	t.diagnostic(`screenshot: ${shot}`);

	const state = await page.evaluate(() => ({
		unsaved: Boolean(cur_frm.doc.__unsaved),
		indicator: $(cur_frm.page.wrapper).find(".indicator-pill:visible").first().text().trim(),
		input: cur_frm.fields_dict.hard_deadline.$input.val(),
		value: cur_frm.doc.hard_deadline,
	}));
	t.diagnostic(`indicator "${state.indicator}", hard_deadline shown as "${state.input}" (${state.value})`);
	if (context.pageErrors.length) t.diagnostic(`page errors: ${context.pageErrors.join(" | ")}`);

	// (a) the form of a saved, untouched document is not dirty
	assert.notEqual(state.indicator, "", "the form shows a status indicator");
	assert.doesNotMatch(state.indicator, /not saved/i, "a saved document must not open as Not Saved");
	assert.equal(state.unsaved, false, "the document is not marked unsaved");
	assert.equal(state.value, HARD_DEADLINE, "loading the form did not change the value");

	// (b) the Datetime field shows real seconds, never the literal "ss"
	assert.doesNotMatch(state.input, /ss/, `Datetime shown as "${state.input}"`);
	assert.match(state.input, /\b17:23:45\b/, `Datetime shown as "${state.input}"`);
	assert.match(state.input, /\d{2}:\d{2}:\d{2}/);

	// The picker's timepicker has the fork's seconds slider.
	await page.locator('[data-fieldname="hard_deadline"] input').first().click();
	const seconds = page.locator(".datepicker.active .datepicker--time-current-seconds");
	await seconds.waitFor({ state: "visible", timeout: 10_000 });
	assert.equal((await seconds.textContent()).trim(), "45");
	await screenshot(page, "desk-case-datepicker");
	await page.keyboard.press("Escape");
});
