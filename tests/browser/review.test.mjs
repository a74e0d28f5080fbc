// An attorney sends an RFE draft back in a real browser: signs in, opens the review task the shipped
// recipe gave them, Decide -> Send Back with comments; the draft is back with the paralegal, who signs
// in and reads the attorney's comments on it. Screenshots of both screens are kept as artifacts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, launch, newContext, openDesk, openForm, readSeed, screenshot, signIn } from "./lib.mjs";

const COMMENTS = "Exhibit C needs a certified translation.";
let browser, seed;

before(async () => {
	seed = readSeed().review;
	assert.ok(seed, "the seed has no review scenario");
	browser = await launch();
});

after(async () => {
	await browser?.close();
});

test("the attorney sends the draft back; the paralegal reads why", async (t) => {
	const attorney = await newContext(browser);
	const page = await attorney.newPage();
	await signIn(page, seed.attorney.email, seed.attorney.password);
	await openDesk(page);
	await openForm(page, "Case Task", seed.review);

	await page.locator(".inner-group-button button", { hasText: "Decide" }).click();
	await page.locator(".dropdown-menu.show .dropdown-item", { hasText: "Send Back" }).click();
	const dialog = page.locator(".modal.show");
	await dialog.locator('[data-fieldname="comments"] textarea').fill(COMMENTS);
	await screenshot(page, "review-send-back-dialog");
	await dialog.locator(".btn-primary", { hasText: "Send Back" }).click();
	await page.waitForFunction(() => cur_frm.doc.decision === "Rejected", null, { timeout: 30_000 });
	t.diagnostic(`screenshot: ${await screenshot(page, "review-sent-back")}`);
	if (attorney.pageErrors.length) t.diagnostic(`page errors: ${attorney.pageErrors.join(" | ")}`);

	const review = await call(page, "frappe.client.get_value", {
		doctype: "Case Task",
		filters: { name: seed.review },
		fieldname: ["status", "decision", "decided_by", "decision_comments"],
	});
	assert.deepEqual(review, {
		status: "Completed",
		decision: "Rejected",
		decided_by: seed.attorney.email,
		decision_comments: COMMENTS,
	});
	await attorney.close();

	const paralegal = await newContext(browser);
	const desk = await paralegal.newPage();
	await signIn(desk, seed.paralegal.email, seed.paralegal.password);
	await openDesk(desk);
	await openForm(desk, "Case Task", seed.draft);
	assert.equal(await desk.evaluate(() => cur_frm.doc.status), "In Progress");
	const timeline = desk.locator(".timeline-content", { hasText: COMMENTS });
	await timeline.first().waitFor({ state: "visible", timeout: 30_000 });
	t.diagnostic(`screenshot: ${await screenshot(desk, "review-draft-back-with-paralegal")}`);
	await paralegal.close();
});
