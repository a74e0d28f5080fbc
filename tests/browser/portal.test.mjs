// The client portal in a real browser, end to end: a client (a website user whose language is
// Spanish) signs in at /login, lands on /client, uploads a PDF to a requested item and sees it
// received; a file the firm does not accept is refused in place, without a reload. Then the case's
// paralegal signs in and finds the "Review Client Upload" task the shipped rule (Portal_Upload_Review,
// fired by portal.upload) gave them. The people, the case and its two requested items come from
// tests/browser/seed_portal.py (committed on the served site), named by LEGIST_BROWSER_SEED.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { launch, newContext, openDesk, readSeed, screenshot, signIn } from "./lib.mjs";

const UPLOAD_API = "/api/method/legist_routing.api.portal_upload";
const PORTAL_JS = "/assets/legist_routing/js/portal.js";
// legist_routing/locale/es.po
const ES = {
	myCases: "Mis casos",
	upload: "Subir",
	waiting: "Pendiente por su parte",
	received: "Recibido; el despacho lo está revisando",
	receivedFile: (name) => `Recibido: ${name}`,
	refused: (name) => `Archivo: no podemos aceptar ${name}.`,
};

const seed = readSeed();
const [passport, birth] = seed.requests;
const pdfName = `pasaporte-${seed.suffix}.pdf`;
let browser, tmp, pdfPath, uploaded = false;

// A small, real PDF: one empty page, with its cross-reference table.
function writePdf(path) {
	const objects = [
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
	];
	let body = "%PDF-1.4\n";
	const offsets = objects.map((obj, i) => {
		const at = body.length;
		body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
		return at;
	});
	const xref = body.length;
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	writeFileSync(path, body, "latin1");
}

function card(page, request) {
	return page.locator(`.legist-request[data-request="${request.name}"]`);
}

function diagnose(t, context) {
	if (context.pageErrors.length) t.diagnostic(`page errors: ${context.pageErrors.join(" | ")}`);
}

before(async () => {
	tmp = mkdtempSync(join(tmpdir(), "legist-portal-"));
	pdfPath = join(tmp, pdfName);
	writePdf(pdfPath);
	browser = await launch();
});

after(async () => {
	await browser?.close();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test("a client signs in, uploads a requested document and sees it received (in Spanish)", async (t) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	try {
		// 1. The real login form; a Legist Client's home page is /client (the role's home_page).
		await signIn(page, seed.client.email, seed.client.password);
		assert.equal(new URL(page.url()).pathname, "/client", `a client lands on /client, not ${page.url()}`);
		await assert.doesNotReject(
			page.locator(".legist-portal h1", { hasText: ES.myCases }).waitFor({ timeout: 10_000 }),
			"the case list is titled in the client's language"
		);
		const listed = page.locator(".legist-case", { hasText: seed.case_title });
		await listed.waitFor({ timeout: 10_000 });
		assert.match(await listed.innerText(), new RegExp(seed.case), "the case is listed with its number");

		// 2. The case page, with portal.js (the upload handler) actually served.
		const script = page.waitForResponse((r) => new URL(r.url()).pathname === PORTAL_JS);
		await listed.locator("a").first().click();
		await page.waitForURL((url) => url.pathname === "/client/case");
		const js = await script;
		assert.equal(js.status(), 200, `${PORTAL_JS} answered HTTP ${js.status()}: the upload form has no handler`);
		await page.waitForLoadState("networkidle");
		const item = card(page, passport);
		await item.waitFor();
		assert.match(await item.innerText(), new RegExp(ES.waiting), "the item waits for the client");
		const button = item.getByRole("button", { name: ES.upload });
		assert.equal(await button.count(), 1, `the item's button says "${ES.upload}"`);

		// 3. Upload the PDF: the server takes it (routing it to the paralegal) and the page reloads.
		await item.locator('input[type="file"]').setInputFiles(pdfPath);
		const [answer] = await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === UPLOAD_API),
			page.waitForEvent("load"),
			button.click(),
		]);
		t.diagnostic(`upload: HTTP ${answer.status()}`);
		assert.equal(answer.status(), 200, "the upload was accepted");
		uploaded = true;

		// 4. After the reload: received, with the file's name.
		await page.waitForLoadState("networkidle");
		const after = card(page, passport);
		await after.waitFor();
		assert.equal(await after.getAttribute("data-status"), "Received");
		const badge = after.locator(".legist-request-status");
		assert.equal((await badge.innerText()).trim(), ES.received);
		assert.match(await after.innerText(), new RegExp(ES.receivedFile(pdfName).replace(/\./g, "\\.")));
		t.diagnostic(`screenshot: ${await screenshot(page, "portal-client-received")}`);

		// 5. A file the firm does not accept, on the other item: refused in place, no reload.
		const other = card(page, birth);
		await other.locator('input[type="file"]').setInputFiles({
			name: "notes.exe",
			mimeType: "application/octet-stream",
			buffer: Buffer.from("MZ\x90\x00 not a document"),
		});
		await page.evaluate(() => {
			window.__legistSamePage = true;
		});
		const [refusal] = await Promise.all([
			page.waitForResponse((r) => new URL(r.url()).pathname === UPLOAD_API),
			other.getByRole("button", { name: ES.upload }).click(),
		]);
		assert.equal(refusal.status(), 417, "the server refused the file (a ValidationError)");
		const error = other.locator(".legist-upload-error");
		await error.waitFor({ state: "visible", timeout: 10_000 });
		const message = (await error.innerText()).trim();
		t.diagnostic(`refusal shown: "${message}"`);
		assert.ok(message.startsWith(ES.refused("notes.exe")), `the refusal is in Spanish: "${message}"`);
		assert.equal(await page.evaluate(() => window.__legistSamePage), true, "the page did not reload");
		assert.equal(await other.getAttribute("data-status"), "Requested", "the item still waits");
		assert.equal(await other.getByRole("button", { name: ES.upload }).isEnabled(), true, "the client may try again");
		t.diagnostic(`screenshot: ${await screenshot(page, "portal-client-refused")}`);
	} catch (e) {
		await screenshot(page, "portal-client-failure").catch(() => {});
		throw e;
	} finally {
		diagnose(t, context);
		await context.close();
	}
});

test("the case paralegal signs in and finds the review task in their list", async (t) => {
	assert.ok(uploaded, "the client's upload went through (see the test above)");
	const context = await newContext(browser);
	const page = await context.newPage();
	try {
		await signIn(page, seed.paralegal.email, seed.paralegal.password);
		assert.match(new URL(page.url()).pathname, /^\/app/, `a paralegal lands in the desk, not ${page.url()}`);

		// Their Case Task list, filtered to what is assigned to them: the review task of this case.
		await openDesk(page, `/app/case-task?assigned_to=${encodeURIComponent(seed.paralegal.email)}`);
		const row = page
			.locator(".frappe-list .list-row-container")
			.filter({ hasText: seed.review_task_title })
			.filter({ hasText: new RegExp(`${seed.case}|${seed.case_title}`) });
		await row.first().waitFor({ state: "visible", timeout: 30_000 });
		await page.waitForLoadState("networkidle");
		assert.equal(await row.count(), 1, "one review task for the one upload");
		t.diagnostic(`row: ${(await row.innerText()).replace(/\s+/g, " ")}`);
		const link = row.locator(".list-subject a[data-name]").first();
		const reviewTask = await link.getAttribute("data-name");

		// Open it: the task of this case, assigned to this paralegal.
		await link.click();
		await page.waitForFunction(
			(name) => window.cur_frm?.doctype === "Case Task" && cur_frm.docname === name && cur_frm.doc?.name === name,
			reviewTask,
			{ timeout: 30_000 }
		);
		await page.waitForLoadState("networkidle");
		const doc = await page.evaluate(() => ({
			title: cur_frm.doc.title,
			case: cur_frm.doc.case,
			assigned_to: cur_frm.doc.assigned_to,
			template: cur_frm.doc.template,
		}));
		t.diagnostic(`task ${reviewTask}: ${JSON.stringify(doc)}`);
		assert.equal(doc.title, seed.review_task_title);
		assert.equal(doc.case, seed.case);
		assert.equal(doc.assigned_to, seed.paralegal.email);
		t.diagnostic(`screenshot: ${await screenshot(page, "portal-paralegal-review-task")}`);
	} catch (e) {
		await screenshot(page, "portal-paralegal-failure").catch(() => {});
		throw e;
	} finally {
		diagnose(t, context);
		await context.close();
	}
});
