// The backtest in a real browser: three RFEs routed today to a case's primary paralegal; a manager clicks
// "Backtest" on the Routing Rule list with a draft that gives the intake to the secondary owner, and reads
// in the report that the three move, with each person's workload before and after; on the rule's form,
// "Backtest" without the rule shows its three tasks removed. Nothing is written by either run.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, deskSession, launch, openDesk, openForm, screenshot } from "./lib.mjs";

const TOKEN = Date.now().toString(36);
const RULE = `Browser_Backtest_${TOKEN}`;
const CASE_TYPE = `Browser Backtest ${TOKEN}`;
const ANA = `bt.ana.${TOKEN}@firm.test`;
const LUIS = `bt.luis.${TOKEN}@firm.test`;

let browser, context, page, today;
const cases = [];

function rule(assign) {
	return {
		ruleName: RULE,
		trigger: "document.received",
		conditions: { "document.type": "RFE", "case.type": CASE_TYPE },
		actions: [{ assign, dueInDays: 3, task: "Browser RFE intake" }],
	};
}

before(async () => {
	browser = await launch();
	({ context, page } = await deskSession(browser));
	today = await page.evaluate(() => frappe.datetime.get_today());
	for (const [email, first] of [
		[ANA, "Ana"],
		[LUIS, "Luis"],
	]) {
		await call(page, "frappe.client.insert", {
			doc: { doctype: "User", email, first_name: first, send_welcome_email: 0, roles: [{ role: "Legist Paralegal" }] },
		});
	}
	await call(page, "frappe.client.insert", { doc: { doctype: "Case Type", case_type_name: CASE_TYPE } });
	await call(page, "legist_routing.api.import_rules", { rules_json: JSON.stringify(rule("case.primaryParalegal")) });
	await seed(3);
});

// ``n`` more cases, each with an RFE routed to Ana.
async function seed(n) {
	const first = cases.length;
	for (let k = first; k < first + n; k++) {
		const kase = await call(page, "frappe.client.insert", {
			doc: {
				doctype: "Case",
				case_title: `Browser backtest ${TOKEN} ${k}`,
				case_type: CASE_TYPE,
				priority: "Standard",
				client_name: "Rosa Diaz",
				lead_attorney: ANA,
				primary_paralegal: ANA,
				secondary_owner: LUIS,
			},
		});
		cases.push(kase.name);
		await call(page, "frappe.client.insert", {
			doc: {
				doctype: "Case Notice",
				case: kase.name,
				notice_type: "RFE",
				receipt_number: "IOE0912345678",
				notice_date: today,
				response_due_date: frappe_add_days(today, 84),
			},
		});
	}
}

function frappe_add_days(day, n) {
	const d = new Date(`${day}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

after(async () => {
	// switched off, not deleted: the Routing Logs and tasks it made link to it
	await call(page, "frappe.client.set_value", { doctype: "Routing Rule", name: RULE, fieldname: "enabled", value: 0 }).catch(
		() => {}
	);
	await browser?.close();
});

async function backtestDialog(values) {
	await page.getByRole("button", { name: "Backtest", exact: true }).first().click();
	await page.waitForFunction(() => window.cur_dialog?.fields_dict?.from_date && cur_dialog.display, null, {
		timeout: 30_000,
	});
	await page.evaluate((values) => cur_dialog.set_values(values), { from_date: today, to_date: today, ...values });
	await page.locator(".modal.show .btn-modal-primary").click();
	const report = page.locator(".modal.show", { hasText: "Backtest: nothing was written" });
	await report.waitFor({ state: "visible", timeout: 120_000 });
	return report;
}

async function tableRow(report, part, text) {
	const row = report.locator(`table[data-part="${part}"] tr`, { hasText: text }).first();
	return (await row.innerText()).replace(/\s+/g, " ").trim();
}

async function closeDialog() {
	await page.keyboard.press("Escape");
	await page.locator(".modal.show").waitFor({ state: "hidden", timeout: 30_000 }).catch(() => {});
}

test("the list's Backtest shows the draft moving the three intakes, and each person's workload", async () => {
	const before = await call(page, "frappe.client.get_count", { doctype: "Case Task" });
	await openDesk(page, "/app/routing-rule");
	await page.waitForFunction(() => window.cur_list?.doctype === "Routing Rule", null, { timeout: 60_000 });
	const report = await backtestDialog({ rules_json: JSON.stringify(rule("case.secondaryOwner")) });
	const text = await report.innerText();
	await screenshot(page, "backtest-list-report");
	assert.match(text, /3 to someone else/);
	assert.match(await tableRow(report, "workload", LUIS), /0 tasks, 0 h 3 tasks, 0 h \+3$/);
	assert.match(await tableRow(report, "workload", ANA), /-3$/);
	// each RFE of this run: what happened (Ana) beside what the draft would do (Luis), changed
	for (const name of cases) {
		const row = await tableRow(report, "events", name);
		assert.match(row, new RegExp(`Browser RFE intake → ${ANA} Browser RFE intake → ${LUIS} yes$`));
	}
	assert.equal(await call(page, "frappe.client.get_count", { doctype: "Case Task" }), before);
	await closeDialog();
});

test("the form's Backtest without the rule shows its work removed", async () => {
	await openForm(page, "Routing Rule", RULE);
	const report = await backtestDialog({ what: "without" });
	const text = await report.innerText();
	await screenshot(page, "backtest-form-report");
	assert.ok(Number(text.match(/(\d+) removed/)[1]) >= 3, text);
	assert.match(text, new RegExp(`Left out: ${RULE}`));
	for (const name of cases) {
		assert.match(await tableRow(report, "events", name), new RegExp(`Browser RFE intake → ${ANA} nothing yes$`));
	}
	await closeDialog();
});
