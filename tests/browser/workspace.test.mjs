// A new operations manager signs in at /login and lands on the Legist Routing workspace: the work cards,
// the KPI cards with their values and the KPI charts are drawn; the Rule Simulator shortcut opens a new
// rule with the simulator. A paralegal lands on the same workspace and sees the work cards only, and no
// simulator. The two people are made here through the API as Administrator, and deleted at the end.
// Screenshots are kept.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { ADMIN_PASSWORD, launch, login, newContext, screenshot, signIn } from "./lib.mjs";

const suffix = randomBytes(4).toString("hex");
const password = `Ws-${randomBytes(9).toString("base64url")}`;
const people = {
	manager: { email: `ws.manager.${suffix}@firm.test`, role: "Legist Manager" },
	paralegal: { email: `ws.paralegal.${suffix}@firm.test`, role: "Legist Paralegal" },
};
let browser, admin;

before(async () => {
	browser = await launch();
	admin = await (await newContext(browser)).newPage();
	await login(admin, "Administrator", ADMIN_PASSWORD);
	for (const who of Object.values(people)) {
		const res = await admin.request.post("/api/method/frappe.client.insert", {
			form: {
				doc: JSON.stringify({
					doctype: "User",
					email: who.email,
					first_name: who.role.replace("Legist ", "WS "),
					send_welcome_email: 0,
					new_password: password,
					roles: [{ role: who.role }],
				}),
			},
		});
		assert.ok(res.ok(), `creating ${who.email}: HTTP ${res.status()} ${await res.text()}`);
	}
});

after(async () => {
	for (const who of Object.values(people)) {
		await admin?.request.post("/api/method/frappe.client.delete", { form: { doctype: "User", name: who.email } });
	}
	await browser?.close();
});

// The workspace's widgets once their data has come: each number card shows its number (or "n/a").
async function cardsOf(page) {
	await page.waitForFunction(
		() => {
			const cards = [...document.querySelectorAll(".widget.number-widget-box")];
			return cards.length && cards.every((c) => c.querySelector(".number")?.textContent.trim());
		},
		null,
		{ timeout: 60_000 }
	);
	return page.$$eval(".widget.number-widget-box", (cards) =>
		cards.map((c) => ({
			label: c.querySelector(".widget-title")?.textContent.trim(),
			number: c.querySelector(".number")?.textContent.trim(),
		}))
	);
}

test("the manager lands on the workspace: cards, KPIs, charts, the simulator", async (t) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await signIn(page, people.manager.email, password);
	await page.waitForURL(/\/app\/legist-routing$/, { timeout: 60_000 });
	const cards = await cardsOf(page);
	const labels = cards.map((c) => c.label);
	for (const label of ["My Open Tasks", "Overdue", "Unroutable", "Acknowledged within SLA (30 Days)", "Missed Deadlines (30 Days)"]) {
		assert.ok(labels.includes(label), `no "${label}" card in ${labels.join(", ")}`);
	}
	for (const card of cards) assert.ok(card.number, `card "${card.label}" shows no number`);
	// Each chart widget writes its title once its Dashboard Chart has loaded, one after another: wait for all.
	await page.waitForFunction(
		() => {
			const titles = [...document.querySelectorAll(".widget.dashboard-widget-box .widget-title")];
			return titles.length && titles.every((e) => e.textContent.trim());
		},
		null,
		{ timeout: 60_000 }
	);
	await page.locator(".widget.dashboard-widget-box svg").first().waitFor({ timeout: 60_000 });
	const charts = await page.$$eval(".widget.dashboard-widget-box .widget-title", (els) =>
		els.map((e) => e.textContent.trim())
	);
	assert.ok(charts.includes("Open Work Against Capacity"), `charts: ${charts.join(", ")}`);
	assert.ok(charts.includes("Acknowledged within SLA (%)"), `charts: ${charts.join(", ")}`);
	t.diagnostic(`screenshot: ${await screenshot(page, "workspace-manager")}`);

	await page.locator(".widget.shortcut-widget-box", { hasText: "Rule Simulator" }).click();
	// the managers' Rule Simulator page hands over to a new rule with the simulator open
	await page.waitForURL(/\/app\/routing-rule\/new/, { timeout: 60_000 });
	const dialog = page.locator(".modal.show", { hasText: "Simulate" });
	await dialog.waitFor({ state: "visible", timeout: 60_000 });
	assert.ok(await dialog.locator('[data-fieldname="trigger"]').count(), "the simulator has no Event field");
	t.diagnostic(`screenshot: ${await screenshot(page, "workspace-simulator")}`);
	if (context.pageErrors.length) t.diagnostic(`page errors: ${context.pageErrors.join(" | ")}`);
	await context.close();
});

test("a paralegal lands on the same workspace and sees the work cards, no KPI", async (t) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await signIn(page, people.paralegal.email, password);
	await page.waitForURL(/\/app\/legist-routing$/, { timeout: 60_000 });
	const labels = (await cardsOf(page)).map((c) => c.label);
	assert.ok(labels.includes("My Open Tasks") && labels.includes("Due Today"), labels.join(", "));
	assert.ok(!labels.some((l) => /SLA|Reassignment|Latency|Escalations/.test(l)), labels.join(", "));
	assert.equal(await page.locator(".widget.dashboard-widget-box").count(), 0, "a paralegal sees a chart");
	await page.locator(".widget.shortcut-widget-box", { hasText: "Routing Rule" }).first().waitFor({ timeout: 60_000 });
	const shortcuts = await page.$$eval(".widget.shortcut-widget-box .widget-title", (els) =>
		els.map((e) => e.textContent.trim())
	);
	assert.ok(shortcuts.includes("Routing Rule"), `shortcuts: ${shortcuts.join(", ")}`);
	assert.ok(!shortcuts.includes("Rule Simulator"), `a paralegal is offered the simulator: ${shortcuts.join(", ")}`);
	t.diagnostic(`screenshot: ${await screenshot(page, "workspace-paralegal")}`);
	await context.close();
});
