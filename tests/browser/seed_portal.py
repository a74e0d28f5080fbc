"""Seed (and commit) what tests/browser/portal.test.mjs and review.test.mjs need on a real site, and say
where it is.

    ~/legist-bench/env/bin/python tests/browser/seed_portal.py SITE OUT.json

Creates, with a random suffix so runs never collide: a paralegal (desk user, role Legist Paralegal), a
client (website user, role Legist Client only, language es), a Case of theirs (primary_paralegal = the
paralegal, preferred_language es) and two Client Requests on it, asked for as Administrator through
``services.portal.request_documents``. Makes sure routing is enabled and the shipped portal rule
(Portal_Upload_Review) exists and is enabled. For the review: an attorney and a paralegal, an RFE routed by
the shipped recipes and its draft marked ready, so that the attorney has a review task ("review" in the
JSON). Writes names and passwords as JSON to OUT.json.
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
	install.ensure_recipe_rules()
	rule = "Portal_Upload_Review"
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


def seed_review(suffix: str) -> dict:
	"""An RFE on an Adjustment of Status case, routed by the shipped recipes, its draft marked ready by the
	paralegal: the lead attorney has an *Attorney Review: RFE Response* task to approve or send back."""
	import frappe

	from legist_routing.services import install, rules

	# The integration suite (run before on this site) switches the recipes off; the scenario needs these.
	names = ("RFE_Adjustment_Assign", "RFE_Draft_Ready_Review", "RFE_Approved_Finalize")
	frappe.db.sql("update `tabRouting Rule` set enabled = 1 where name in %(names)s", {"names": names})
	rules.bump()
	attorney_password = "Att-" + secrets.token_urlsafe(12)
	paralegal_password = "Par-" + secrets.token_urlsafe(12)
	attorney = make_user(
		f"attorney.{suffix}@firm.test", f"Abril {suffix}", "Legist Attorney", attorney_password
	)
	paralegal = make_user(
		f"drafter.{suffix}@firm.test", f"Pablo {suffix}", "Legist Paralegal", paralegal_password
	)
	install.ensure_case_types()
	case = frappe.get_doc(
		{
			"doctype": "Case",
			"case_title": f"RFE review {suffix}",
			"case_type": "Adjustment of Status",
			"priority": "Standard",
			"client_name": f"Marta Gil {suffix}",
			"lead_attorney": attorney,
			"primary_paralegal": paralegal,
			"preferred_language": "es",
		}
	).insert()
	frappe.get_doc(
		{
			"doctype": "Case Notice",
			"case": case.name,
			"notice_type": "RFE",
			"receipt_number": "IOE09" + str(secrets.randbelow(10**8)).zfill(8),
			"notice_date": frappe.utils.nowdate(),
			"response_due_date": frappe.utils.add_days(frappe.utils.nowdate(), 60),
		}
	).insert()
	draft = frappe.get_doc("Case Task", {"case": case.name, "template": "Draft RFE Response"})
	for row in draft.checklist:
		row.done = 1
		if row.attachment_required:
			row.attachment = (
				frappe.get_doc(
					{
						"doctype": "File",
						"file_name": "exhibits.pdf",
						"content": b"%PDF-1.4\n%%EOF\n",
						"is_private": 1,
						"attached_to_doctype": "Case Task",
						"attached_to_name": draft.name,
					}
				)
				.insert(ignore_permissions=True)
				.file_url
			)
	draft.status = "Draft Ready"
	frappe.set_user(paralegal)
	draft.save()
	frappe.set_user("Administrator")
	review = frappe.get_value("Case Task", {"reviews_task": draft.name, "status": "Open"}, "name")
	assert review, "the shipped rule made no review task"
	return {
		"case": case.name,
		"draft": draft.name,
		"review": review,
		"attorney": {"email": attorney, "password": attorney_password},
		"paralegal": {"email": paralegal, "password": paralegal_password},
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
		data["review"] = seed_review(data["suffix"])
		frappe.db.commit()
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
