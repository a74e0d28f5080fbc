"""Demo data for a development site: the firm's people and teams, two portal clients and about thirty
cases across the case types and both languages, routed by the shipped recipes, with work in every state
(acknowledged, in progress, waiting on the client, sent back by the attorney, overdue and escalated, done).

The case types, templates, rules, policy and calendar are shipped by the app itself (services/install).
Run with: bench --site SITE execute legist_routing.demo.load.run
Idempotent: running it again adds nothing that is already there.
"""

from __future__ import annotations

import datetime as dt
import random

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

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


def run():
	seed()
	frappe.db.commit()  # nosemgrep: a bench execute command owns its transaction
	print("Demo data ready. Log in as Administrator or olga@firm.example (password " + PASSWORD + ").")


def seed():
	"""Everything the demo adds, in the caller's transaction (the test suite rolls it back)."""
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
	_teams()
	settings = frappe.get_single("Routing Settings")
	settings.operations_manager = "olga@firm.example"
	settings.save()
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
	_practice()


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


# ------------------------------------------------------------------------------ a practice at work
CLIENT_NAMES = (
	("Carmen Ruiz", "es"),
	("Miguel Torres", "es"),
	("Lucia Fernandez", "es"),
	("Jose Ramirez", "es"),
	("Elena Morales", "es"),
	("Pedro Castillo", "es"),
	("Sofia Herrera", "es"),
	("Diego Vargas", "es"),
	("Valentina Rojas", "es"),
	("Andres Molina", "es"),
	("Gabriela Ortiz", "es"),
	("Ricardo Silva", "es"),
	("Priya Sharma", "en"),
	("Wei Zhang", "en"),
	("Amara Okeke", "en"),
	("Yusuf Demir", "en"),
	("Hana Kobayashi", "en"),
	("Olena Shevchenko", "en"),
	("Tomasz Nowak", "en"),
	("Fatima Haddad", "en"),
	("Arjun Patel", "en"),
	("Nadia Rahman", "en"),
	("Kwame Mensah", "en"),
	("Mei Lin", "en"),
	("Samuel Adeyemi", "en"),
	("Isabel Cruz", "es"),
	("Mateo Gutierrez", "es"),
	("Anh Nguyen", "en"),
)
DEMO_TYPES = (
	"Adjustment of Status",
	"H-1B",
	"Naturalization",
	"Asylum",
	"Consular Processing",
	"Family-based petition",
)
PRIORITIES = ("Standard", "Standard", "Standard", "High", "Urgent", "Low")
STORY = "[demo] "  # the tag on every comment the demo itself writes
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _practice():
	"""About thirty cases, each routed by the shipped rules through real notices and status changes, then
	moved along as the firm's people would: some work acknowledged or done, some waiting on the client,
	a draft sent back by the attorney, some overdue so that the ladder has reminded and reassigned."""
	if frappe.db.exists("Case", {"case_title": f"{CLIENT_NAMES[0][0]} — {DEMO_TYPES[0]}"}):
		return
	rng = random.Random(2026)
	paralegals = ("ana@firm.example", "luis@firm.example")
	attorneys = ("maria@firm.example", "david@firm.example")
	teams = ("Paralegals", "Attorneys")
	cases = []
	for i, (client, lang) in enumerate(CLIENT_NAMES):
		case_type = DEMO_TYPES[i % len(DEMO_TYPES)]
		paralegal = paralegals[i % 2]
		case = frappe.get_doc(
			{
				"doctype": "Case",
				"case_title": f"{client} — {case_type}",
				"case_type": case_type,
				"priority": PRIORITIES[i % len(PRIORITIES)],
				"client_name": client,
				"client_email": f"{client.split()[0].lower()}.{client.split()[1].lower()}@client.example",
				"preferred_language": lang,
				"lead_attorney": attorneys[(i // 2) % 2],
				"primary_paralegal": paralegal,
				"secondary_owner": paralegals[(i + 1) % 2],
				"intake_specialist": "ines@firm.example",
				"team": teams[0],
				"status": "Document Collection" if i % 3 else "In Preparation",
			}
		).insert()
		cases.append(case)
		kind = i % 4
		if kind in (0, 1):
			_notice(case, "RFE", f"IOE09{i:08d}", rng.choice((20, 35, 60, 84)))
		elif kind == 2:
			# the client gets the appointment instructions in their language (portal and e-mail)
			_client_user(case, client, lang)
			appointment = dt.datetime.combine(
				dt.date.fromisoformat(add_days(nowdate(), rng.choice((1, 5, 12)))), dt.time(9 + i % 6)
			)
			frappe.get_doc(
				{
					"doctype": "Case Notice",
					"case": case.name,
					"notice_type": "Biometrics Appointment",
					"receipt_number": f"IOE08{i:08d}",
					"notice_date": nowdate(),
					"appointment_at": appointment,
				}
			).insert()
		else:
			case.reload()
			case.status = "Ready to File"
			case.save()
	_move_work(cases, rng)
	# The ladder runs once, now: overdue work is reminded, reassigned and escalated as it would have been.
	from legist_routing.services import escalations

	escalations.sweep(enqueue=False)


def _client_user(case, client: str, lang: str):
	"""A portal account for a demo client (no password: the two clients in CLIENTS are the ones to log in as)."""
	if not frappe.db.exists("User", case.client_email):
		first, last = client.split(" ", 1)
		frappe.get_doc(
			{
				"doctype": "User",
				"email": case.client_email,
				"first_name": first,
				"last_name": last,
				"user_type": "Website User",
				"language": lang,
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True).add_roles("Legist Client")
	frappe.db.set_value("Case", case.name, "client_user", case.client_email)
	case.reload()


def _tasks(case, **filters):
	return [
		frappe.get_doc("Case Task", name)
		for name in frappe.get_all(
			"Case Task",
			filters={"case": case.name, "kind": ["!=", "Notification"], **filters},
			pluck="name",
			order_by="creation asc",
		)
	]


def _as(user, fn, *args, **kw):
	frappe.set_user(user)
	try:
		return fn(*args, **kw)
	finally:
		frappe.set_user("Administrator")


def _tick(task):
	"""Tick every checklist item, attaching a small PDF where the item asks for a file."""
	task.reload()
	for row in task.checklist:
		row.done = 1
		if row.attachment_required and not row.attachment:
			row.attachment = (
				frappe.get_doc(
					{
						"doctype": "File",
						"file_name": f"{frappe.scrub(row.item)[:40]}.pdf",
						"content": PDF,
						"is_private": 1,
						"attached_to_doctype": "Case Task",
						"attached_to_name": task.name,
					}
				)
				.insert(ignore_permissions=True)
				.file_url
			)
	task.save(ignore_permissions=True)


def _status(task, status):
	task.reload()
	task.status = status
	_as(task.assigned_to or "Administrator", task.save, ignore_permissions=True)


def _backdate(task, hours):
	"""As if the task had been assigned ``hours`` ago and nobody had looked at it since."""
	then = add_to_date(now_datetime(), hours=-hours)
	frappe.db.set_value(
		"Case Task",
		task.name,
		{
			"assigned_at": then,
			"creation": then,
			"ack_due": add_to_date(then, hours=24),
			"due": add_to_date(then, hours=48),
			"status": "Open",
			"acknowledged_at": None,
			"acknowledged_by": None,
		},
		update_modified=False,
	)
	from legist_routing.services import apply

	apply.rearm(frappe.get_doc("Case Task", task.name))


def _review(case, work, decision: str, comments: str = ""):
	"""The case's RFE draft marked ready, and its attorney's review decided."""
	from legist_routing.services import tasks

	draft = next((t for t in work if t.template == "Draft RFE Response"), None)
	if not draft:
		return
	_tick(draft)
	_status(draft, "Draft Ready")
	review = _tasks(case, kind="Review", status="Open")
	if review:
		_tick(review[0])
		_as(review[0].assigned_to or "Administrator", tasks.decide, review[0].name, decision, comments)


def _move_work(cases, rng):
	from legist_routing.services import tasks

	for i, case in enumerate(cases):
		work = _tasks(case, status="Open")
		if not work:
			continue
		story = i % 7
		first = work[0]
		if story == 0:  # overdue and never acknowledged: the ladder reminds and reassigns
			_backdate(first, rng.choice((30, 60, 120)))
		elif story == 1:  # acknowledged and under way
			_as(first.assigned_to, tasks.acknowledge, first.name)
			_status(first, "In Progress")
		elif story == 2:  # waiting on the client: the clocks stop
			_status(first, "Waiting on Client")
			first.add_comment("Comment", STORY + "Asked the client for the missing translation.")
		elif story == 3:  # the RFE draft goes to the attorney, who sends it back once
			_review(
				case,
				work,
				"Rejected",
				"Exhibit B needs a certified translation; the employer letter is unsigned.",
			)
		elif story == 4:  # done
			_tick(first)
			_status(first, "Completed")
		elif story == 5:  # a draft approved: finalize and file is next
			_review(case, work, "Approved")
		else:  # waiting on a third party (the employer), then a case closed with its work
			_status(first, "Waiting on Third Party")
			if i % 2:
				case.reload()
				case.status = "Withdrawn"
				case.save()
