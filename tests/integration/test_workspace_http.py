"""Signing in over real HTTP: the firm's staff land on the Legist Routing workspace, and its KPI endpoints and
cards answer managers only.

The site is served by ``scripts/serve-test-site.sh`` on ``LEGIST_WORKSPACE_PORT`` (default 8022); the people
are committed for the module (the server must see them) and deleted at its end.
"""

from __future__ import annotations

import json
import re

import frappe
import pytest
import requests
from helpers import serving

PWD = "Ws-Landing-2026!"
BOOT = re.compile(r"frappe\.boot = JSON\.parse\((\".*?\")\);", re.S)
ROLES = {
	"manager": ["Legist Manager"],
	"paralegal": ["Legist Paralegal"],
	"intake": ["Legist Intake"],
	"chooser": ["Legist Manager"],  # has chosen a default workspace of their own
	"admin": ["System Manager"],  # Frappe's administrator, no Legist role
}


@pytest.fixture(scope="module")
def served(site):
	sfx = frappe.generate_hash(length=6)
	emails = {who: f"ws-{who}-{sfx}@firm.test" for who in ROLES}
	for who, roles in ROLES.items():
		frappe.get_doc(
			{
				"doctype": "User",
				"email": emails[who],
				"first_name": f"WS {who}",
				"send_welcome_email": 0,
				"new_password": PWD,
				"roles": [{"role": r} for r in roles],
				**({"default_workspace": "Users"} if who == "chooser" else {}),
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	try:
		with serving("LEGIST_WORKSPACE_PORT", 8022) as server:
			yield server.base, emails
	finally:
		frappe.db.rollback()
		for email in emails.values():
			frappe.delete_doc("User", email, ignore_permissions=True, force=True)
		frappe.db.commit()


def sign_in(base: str, email: str) -> tuple[requests.Session, dict]:
	http = requests.Session()
	r = http.post(f"{base}/api/method/login", data={"usr": email, "pwd": PWD}, timeout=60)
	assert r.status_code == 200, r.text[:300]
	return http, r.json()


def boot_of(http: requests.Session, base: str) -> dict:
	page = http.get(f"{base}/app", timeout=120)
	assert page.status_code == 200, page.text[:300]
	token = re.search(r'frappe\.csrf_token = "([^"]+)"', page.text)
	if token:
		http.headers["X-Frappe-CSRF-Token"] = token.group(1)
	return json.loads(json.loads(BOOT.search(page.text).group(1)))


@pytest.mark.parametrize("who", ["manager", "paralegal", "intake"])
def test_staff_land_on_the_workspace(served, who):
	base, emails = served
	http, login = sign_in(base, emails[who])
	assert login["home_page"] == "/app"  # the desk, which opens the user's default workspace
	boot = boot_of(http, base)
	assert boot["user"]["default_workspace"] == {
		"name": "Legist Routing",
		"public": 1,
		"title": "Legist Routing",
	}
	sidebar = http.get(f"{base}/api/method/frappe.desk.desktop.get_workspace_sidebar_items", timeout=60)
	assert "Legist Routing" in [p["name"] for p in sidebar.json()["message"]["pages"]]


def test_a_chosen_default_and_frappes_administrators_are_left_alone(served):
	base, emails = served
	http, _ = sign_in(base, emails["chooser"])
	assert boot_of(http, base)["user"]["default_workspace"]["name"] == "Users"
	http, _ = sign_in(base, emails["admin"])
	assert not boot_of(http, base)["user"].get("default_workspace")


def page(http: requests.Session, base: str) -> dict:
	r = http.post(
		f"{base}/api/method/frappe.desk.desktop.get_desktop_page",
		data={"page": json.dumps({"name": "Legist Routing", "title": "Legist Routing", "public": 1})},
		timeout=60,
	)
	assert r.status_code == 200, r.text[:300]
	return r.json()["message"]


def test_kpis_answer_managers_only(served):
	base, emails = served
	card = {"filters": json.dumps({"kpi": "reassignment_rate"})}
	trend = {"chart_name": "Legist Reassignment Rate"}
	manager, _ = sign_in(base, emails["manager"])
	boot_of(manager, base)
	desk = page(manager, base)
	assert "Legist KPI Reassignment Rate" in [c["number_card_name"] for c in desk["number_cards"]["items"]]
	assert "Legist Reassignment Rate" in [c["chart_name"] for c in desk["charts"]["items"]]
	r = manager.post(f"{base}/api/method/legist_routing.api.kpi_card", data=card, timeout=60)
	assert r.status_code == 200 and r.json()["message"]
	r = manager.post(f"{base}/api/method/legist_routing.api.kpi_trend", data=trend, timeout=60)
	assert r.status_code == 200 and len(r.json()["message"]["labels"]) >= 13

	paralegal, _ = sign_in(base, emails["paralegal"])
	boot_of(paralegal, base)
	desk = page(paralegal, base)
	cards = [c["number_card_name"] for c in desk["number_cards"]["items"]]
	assert "Legist Overdue Tasks" in cards and not [c for c in cards if "KPI" in c or "Escalation" in c]
	assert desk["charts"]["items"] == []
	for method, args in (("kpi_card", card), ("kpi_trend", trend)):
		r = paralegal.post(f"{base}/api/method/legist_routing.api.{method}", data=args, timeout=60)
		assert r.status_code == 403, (method, r.status_code, r.text[:200])
	r = paralegal.post(
		f"{base}/api/method/frappe.desk.query_report.run", data={"report_name": "Routing KPIs"}, timeout=60
	)
	assert r.status_code == 403
	r = requests.post(f"{base}/api/method/legist_routing.api.kpi_card", data=card, timeout=60)
	assert r.status_code in (401, 403)
