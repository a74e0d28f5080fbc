"""Seed (and commit) what tests/browser/portal.test.mjs needs on a real site, and say where it is.

    ~/legist-bench/env/bin/python tests/browser/seed_portal.py SITE OUT.json

Creates, with a random suffix so runs never collide: a paralegal (desk user, role Legist Paralegal), a
client (website user, role Legist Client only, language es), a Case of theirs (primary_paralegal = the
paralegal, preferred_language es) and two Client Requests on it, asked for as Administrator through
``services.portal.request_documents``. Makes sure routing is enabled and the shipped portal rule
(Portal_Upload_Review) exists and is enabled. Writes names and passwords as JSON to OUT.json.
"""

from __future__ import annotations

import json
import os
import secrets
import sys

BENCH = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
CASE_TYPE = "Browser Test Case Type"
ITEMS = (
	{
		"item": "Pasaporte (todas las páginas)",
		"instructions": "Escanee todas las páginas del pasaporte, también las que están en blanco.",
	},
	{
		"item": "Acta de nacimiento",
		"instructions": "Una copia legible del acta de nacimiento, con su traducción.",
	},
)


def make_user(email: str, first_name: str, role: str, password: str, **values) -> str:
	import frappe

	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": first_name,
			"send_welcome_email": 0,
			"enabled": 1,
			"new_password": password,
			**values,
		}
	).insert(ignore_permissions=True)
	user.add_roles(role)
	return user.name


def seed() -> dict:
	import frappe

	from legist_routing.services import install, portal

	frappe.set_user("Administrator")
	suffix = secrets.token_hex(4)

	# What the scenario relies on: routing on, the shipped rule there and enabled.
	if not frappe.db.get_single_value("Routing Settings", "routing_enabled"):
		frappe.db.set_single_value("Routing Settings", "routing_enabled", 1)
	install.ensure_portal_rule()
	rule = install.PORTAL_RULE["ruleName"]
	if not frappe.db.get_value("Routing Rule", rule, "enabled"):
		frappe.db.set_value("Routing Rule", rule, "enabled", 1)

	paralegal_password = "Par-" + secrets.token_urlsafe(12)
	client_password = "Cli-" + secrets.token_urlsafe(12)
	paralegal = make_user(
		f"paralegal.{suffix}@firm.test", f"Paula {suffix}", "Legist Paralegal", paralegal_password
	)
	client = make_user(
		f"cliente.{suffix}@client.test",
		f"Rosa {suffix}",
		"Legist Client",
		client_password,
		user_type="Website User",
		language="es",
	)
	# Adding a role re-validates the user: a client must stay a website user (no desk).
	assert frappe.db.get_value("User", client, "user_type") == "Website User", "the client became a desk user"
	assert frappe.db.get_value("User", paralegal, "user_type") == "System User", "the paralegal has no desk"

	if not frappe.db.exists("Case Type", CASE_TYPE):
		frappe.get_doc({"doctype": "Case Type", "case_type_name": CASE_TYPE}).insert()
	case = frappe.get_doc(
		{
			"doctype": "Case",
			"case_title": f"Ajuste de estatus de Rosa Díaz {suffix}",
			"case_type": CASE_TYPE,
			"priority": "Standard",
			"client_name": f"Rosa Díaz {suffix}",
			"client_user": client,
			"primary_paralegal": paralegal,
			"preferred_language": "es",
		}
	).insert()
	requests = portal.request_documents(case.name, [dict(i) for i in ITEMS])
	frappe.db.commit()
	return {
		"site": frappe.local.site,
		"suffix": suffix,
		"case": case.name,
		"case_title": case.case_title,
		"paralegal": {"email": paralegal, "password": paralegal_password},
		"client": {"email": client, "password": client_password},
		"requests": [{"name": name, **item} for name, item in zip(requests, ITEMS, strict=True)],
		"rule": rule,
		"review_task_title": "Review Client Upload",
	}


def main(argv: list[str]) -> int:
	if len(argv) != 3:
		print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
		return 2
	site, out = argv[1], os.path.abspath(argv[2])
	import frappe

	os.chdir(os.path.join(BENCH, "sites"))
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		data = seed()
	finally:
		frappe.destroy()
	with open(out, "w") as f:
		json.dump(data, f, indent=1, ensure_ascii=False)
	print(
		f"seeded {data['case']} for {data['client']['email']} (paralegal {data['paralegal']['email']}): {out}"
	)
	return 0


if __name__ == "__main__":
	sys.exit(main(sys.argv))
