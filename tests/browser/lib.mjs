// Shared helpers for the real-browser tests: Debian's chromium driven by playwright-core.
// The site under test is LEGIST_BROWSER_URL (scripts/serve-test-site.sh serves it); never a
// browser downloaded by Playwright.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const BASE_URL = (process.env.LEGIST_BROWSER_URL || "http://127.0.0.1:8010").replace(/\/+$/, "");
export const ADMIN_PASSWORD = process.env.LEGIST_ADMIN_PASSWORD || "admin";
export const CHROMIUM = process.env.LEGIST_CHROMIUM || "/usr/bin/chromium";
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");

export async function launch() {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
			"--no-first-run",
		],
	});
}

// A fresh context (own cookies) whose relative URLs go to the site; browser errors are collected
// in context.pageErrors so a test can show them when it fails.
export async function newContext(browser) {
	const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 900 } });
	context.pageErrors = [];
	context.on("page", (page) => page.on("pageerror", (e) => context.pageErrors.push(String(e))));
	return context;
}

// Sign in through the API on the page's context: the session cookie then serves the desk.
export async function login(page, usr = "Administrator", pwd = ADMIN_PASSWORD) {
	const res = await page.request.post("/api/method/login", { form: { usr, pwd } });
	if (!res.ok()) throw new Error(`login as ${usr} failed: HTTP ${res.status()} ${await res.text()}`);
	return res.json();
}

// Sign in as a person would: the real /login form (email, password, the login button), then wait
// until the browser has left /login for wherever Frappe sends this user (a role's home page, /app).
export async function signIn(page, usr, pwd) {
	await page.goto("/login", { waitUntil: "domcontentloaded" });
	await page.locator("#login_email").fill(usr);
	await page.locator("#login_password").fill(pwd);
	const answer = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login");
	await page.locator(".form-login .btn-login").first().click();
	const res = await answer;
	if (!res.ok()) throw new Error(`signing in as ${usr} at /login failed: HTTP ${res.status()} ${await res.text()}`);
	await page.waitForURL((url) => url.pathname !== "/login", { timeout: 60_000 });
	await page.waitForLoadState("domcontentloaded");
}

// What a seeding script wrote for a test (a JSON file named by the env variable LEGIST_BROWSER_SEED).
export function readSeed(variable = "LEGIST_BROWSER_SEED") {
	const path = process.env[variable];
	const how = `run tests/browser/seed_portal.py SITE OUT.json with the bench's python and point ${variable} at OUT.json`;
	if (!path) throw new Error(`${variable} is not set: ${how}`);
	if (!existsSync(path)) throw new Error(`${variable}=${path} does not exist (did seeding fail?): ${how}`);
	return JSON.parse(readFileSync(path, "utf8"));
}

// Open the desk and wait until Frappe's client is up (frappe.boot loaded, CSRF token set).
export async function openDesk(page, path = "/app") {
	await page.goto(path, { waitUntil: "domcontentloaded" });
	await page.waitForFunction(() => window.frappe?.boot?.user && window.frappe.csrf_token, null, { timeout: 60_000 });
}

// A new context signed in (Administrator unless told) with the desk open: { context, page }.
export async function deskSession(browser, usr, pwd) {
	const context = await newContext(browser);
	const page = await context.newPage();
	await login(page, usr, pwd);
	await openDesk(page);
	return { context, page };
}

// Call a whitelisted method from inside the desk (so the desk's session and CSRF token are used).
export async function call(page, method, args = {}) {
	return page.evaluate(({ method, args }) => frappe.xcall(method, args), { method, args });
}

// Open a saved document's form and wait until it is that document's, fully refreshed. Once in a while
// (seen 1 run in 4 on this 2-core machine) the desk loaded at the form's URL makes no request at all and
// never draws the form: then the state is printed and a screenshot kept, and the page is loaded again once.
export async function openForm(page, doctype, name) {
	const slug = doctype.toLowerCase().replace(/ /g, "-");
	const shown = () =>
		page.waitForFunction(
			({ doctype, name }) =>
				window.cur_frm?.doctype === doctype &&
				cur_frm.docname === name &&
				!cur_frm.is_new() &&
				cur_frm.doc?.name === name &&
				$(cur_frm.wrapper).is(":visible"),
			{ doctype, name },
			{ timeout: 45_000 }
		);
	await page.goto(`/app/${slug}/${encodeURIComponent(name)}`, { waitUntil: "domcontentloaded" });
	try {
		await shown();
	} catch (error) {
		const state = await page
			.evaluate(() => ({
				url: location.href,
				route: window.frappe?.get_route?.(),
				form: window.cur_frm ? [cur_frm.doctype, cur_frm.docname] : null,
				ajax: document.body?.dataset.ajaxState,
				dialogs: [...document.querySelectorAll(".modal.show")].map((m) => m.innerText.slice(0, 200)),
			}))
			.catch((e) => String(e));
		const errors = page.context().pageErrors || [];
		const shot = await screenshot(page, `open-form-stalled-${slug}`).catch(() => "");
		console.error(`openForm ${doctype} ${name}: not shown in 45 s, loading it again. state ${JSON.stringify(state)}; page errors ${JSON.stringify(errors)}; ${shot}`);
		await page.reload({ waitUntil: "domcontentloaded" });
		await shown();
	}
	await page.waitForLoadState("networkidle").catch(() => {});
}

export async function screenshot(page, name) {
	mkdirSync(ARTIFACTS, { recursive: true });
	const path = join(ARTIFACTS, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}
