"""Demo data for a development site: the firm's people, case types, the guide's rules, a few cases.

Run with: bench --site SITE execute legist_routing.demo.load.run
Idempotent: running it again adds nothing that is already there.
"""

from __future__ import annotations

from pathlib import Path

import frappe
from frappe.utils import add_days, nowdate

from legist_routing.services import rules

PASSWORD = "Legist-demo-2026"
PEOPLE = (
	("ana@firm.example", "Ana", "Reyes", ("Legist Paralegal",), "es"),
	("luis@firm.example", "Luis", "Ortega", ("Legist Paralegal",), "es"),
	("maria@firm.example", "Maria", "Chen", ("Legist Attorney",), "en"),
	("david@firm.example", "David", "Okafor", ("Legist Attorney",), "en"),
	("olga@firm.example", "Olga", "Novak", ("Legist Manager",), "en"),
	("ines@firm.example", "Ines", "Moreno", ("Legist Intake",), "es"),
)
# Portal clients (website users): each sees only their own case, in their language.
CLIENTS = (
	("rosa@client.example", "Rosa", "Diaz", "es", "Rosa Diaz — Adjustment of Status"),
	("li@client.example", "Li", "Wang", "en", "Li Wang — H-1B"),
)
REQUESTS = {
	"Rosa Diaz — Adjustment of Status": (
		("Pasaporte (todas las páginas)", "Escanee todas las páginas, también las que están en blanco."),
		("Acta de nacimiento con traducción certificada", ""),
	),
	"Li Wang — H-1B": (("Employment verification letter", "On company letterhead, signed by HR."),),
}
CASE_TYPES = (
	("Adjustment of Status", "Family", "I-485, I-130, I-765"),
	("H-1B", "Employment", "I-129"),
	("Naturalization", "Naturalization", "N-400"),
	("Asylum", "Asylum", "I-589"),
)


def run():
	for email, first, last, roles, lang in PEOPLE:
		if frappe.db.exists("User", email):
			continue
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": first,
				"last_name": last,
				"language": lang,
				"send_welcome_email": 0,
				"new_password": PASSWORD,
			}
		).insert(ignore_permissions=True)
		user.add_roles(*roles)
	for name, group, forms in CASE_TYPES:
		if not frappe.db.exists("Case Type", name):
			frappe.get_doc(
				{"doctype": "Case Type", "case_type_name": name, "practice_group": group, "form_types": forms}
			).insert()
	_teams()
	settings = frappe.get_single("Routing Settings")
	settings.operations_manager = "olga@firm.example"
	settings.save()
	rules.import_rules((Path(__file__).parent / "rules.json").read_text())
	if not frappe.db.exists("Case", {"case_title": "Rosa Diaz — Adjustment of Status"}):
		rosa = _case(
			"Rosa Diaz — Adjustment of Status", "Adjustment of Status", "Rosa Diaz", "es", "ana@firm.example"
		)
		_notice(rosa, "RFE", "IOE0912345678", 84)
		wang = _case("Li Wang — H-1B", "H-1B", "Li Wang", "en", "luis@firm.example")
		_notice(wang, "RFE", "WAC2290123456", 84)
		perez = _case(
			"Jorge Perez — Naturalization", "Naturalization", "Jorge Perez", "es", "luis@firm.example"
		)
		_notice(perez, "Biometrics Appointment", "IOE0998765432", None)
	_portal()
	frappe.db.commit()  # nosemgrep: a bench execute command owns its transaction
	print("Demo data ready. Log in as Administrator or olga@firm.example (password " + PASSWORD + ").")


def _portal():
	"""Two clients with portal access to their own case, and what the firm asked them for."""
	from legist_routing.services import portal

	for email, first, last, lang, title in CLIENTS:
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": email,
					"first_name": first,
					"last_name": last,
					"user_type": "Website User",
					"language": lang,
					"send_welcome_email": 0,
					"new_password": PASSWORD,
				}
			).insert(ignore_permissions=True)
			user.add_roles("Legist Client")
		case = frappe.db.get_value("Case", {"case_title": title})
		if case and not frappe.db.get_value("Case", case, "client_user"):
			frappe.db.set_value("Case", case, {"client_user": email, "client_email": email})
		if case and not frappe.db.exists("Client Request", {"case": case}):
			portal.request_documents(
				case, [{"item": item, "instructions": how} for item, how in REQUESTS.get(title, ())]
			)


def _teams():
	"""Two teams, so that the Routing Log of each demo assignment lists candidates and reasons."""
	teams = (
		(
			"Paralegals",
			"olga@firm.example",
			"role_slot, least_loaded",
			(
				("ana@firm.example", "Paralegal", "en, es", 12),
				("luis@firm.example", "Paralegal", "en, es", 12),
				("olga@firm.example", "Operations Manager", "en", 0),
			),
		),
		(
			"Attorneys",
			"david@firm.example",
			"priority_override, least_loaded",
			(
				("maria@firm.example", "Associate", "en", 0),
				("david@firm.example", "Senior Attorney", "en", 0),
			),
		),
	)
	for name, lead, strategy, members in teams:
		if frappe.db.exists("Routing Team", name):
			continue
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": name,
				"team_lead": lead,
				"default_strategy": strategy,
				"members": [
					{"user": u, "team_role": role, "languages": langs, "capacity_tasks": cap, "active": 1}
					for u, role, langs, cap in members
				],
			}
		).insert()


def _case(title, case_type, client, lang, paralegal):
	return frappe.get_doc(
		{
			"doctype": "Case",
			"case_title": title,
			"case_type": case_type,
			"priority": "Standard",
			"client_name": client,
			"preferred_language": lang,
			"lead_attorney": "maria@firm.example",
			"primary_paralegal": paralegal,
			"secondary_owner": "luis@firm.example" if paralegal == "ana@firm.example" else "ana@firm.example",
			"intake_specialist": "ines@firm.example",
		}
	).insert()


def _notice(case, notice_type, receipt, due_days):
	return frappe.get_doc(
		{
			"doctype": "Case Notice",
			"case": case.name,
			"notice_type": notice_type,
			"receipt_number": receipt,
			"notice_date": nowdate(),
			"response_due_date": add_days(nowdate(), due_days) if due_days else None,
		}
	).insert()
