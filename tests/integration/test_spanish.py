"""Spanish on the real site: every string the app shows has a translation in locale/es.po, the site reads
the compiled catalogue, and a Spanish-preference client sees the portal in Spanish over HTTP.

The catalogue of strings is Frappe's own extraction (what ``bench generate-pot-file`` finds, with the
repository's babel_extractors.csv), plus a plain scan of the JS and Jinja sources for literal ``__("…")`` /
``_("…")`` calls the extractors can miss (a ``__()`` nested in another one's arguments). When a test here
fails on a new string: run ``scripts/update-translations.sh``, translate what it lists in
legist_routing/locale/es.po, run it again.
"""

from __future__ import annotations

import ast
import datetime as dt
import email
import os
import re
import secrets
from pathlib import Path

import frappe
import pytest
import requests
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from frappe.utils import add_days, is_html, nowdate
from helpers import make_case, serving

from legist_routing.engine import deadlines as D
from legist_routing.engine.problems import Problem
from legist_routing.services import messages, portal, translations

REPO = Path(__file__).resolve().parents[2]
APP_DIR = REPO / "legist_routing"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
RFE_KIND = D.DeadlineKind("RFE", 84, "8 CFR 103.2(b)(8)(iv)", notice_type="RFE")
FIX = "run scripts/update-translations.sh, translate what it lists in legist_routing/locale/es.po"


def spanish_catalogue():
	with open(translations.po_path("es"), "rb") as f:
		return read_po(f)


def translated(catalogue) -> dict[str, str]:
	return {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}


@pytest.fixture(scope="module")
def extracted(site) -> dict[str, list[str]]:
	return translations.extract_messages()


@pytest.fixture
def spanish():
	"""The request's language is Spanish, as Frappe sets it for a user whose language is es."""
	before = frappe.local.lang
	frappe.local.lang = "es"
	yield
	frappe.local.lang = before


# ---------------------------------------------------------------------------------- the catalogue
def test_every_string_the_app_shows_has_a_spanish_translation(extracted):
	have = translated(spanish_catalogue())
	missing = {m: where for m, where in extracted.items() if m not in have}
	assert not missing, f"{len(missing)} string(s) without Spanish ({FIX}):\n" + "\n".join(
		f"  {m!r}  at {', '.join(where[:2])}" for m, where in sorted(missing.items())
	)


def test_the_extraction_covers_the_doctypes_reports_code_and_portal(extracted):
	# one witness of each kind of source, so that a broken extractor map cannot pass the test above empty
	for message in (
		"Case Task",  # a DocType's name
		"Response Due Date",  # a field label
		"Waiting on Client",  # a Select option
		"Client communications and portal pages use this language.",  # a field description
		"Legist Client",  # a role from fixtures/role.json
		"Adjustment of Status",  # a Case Type shipped by services/install.py (the portal shows it translated)
		"Routing KPIs",  # a report
		"Case Slot Changed",  # a reassignment reason (services/settings.py REASONS, shown through _(reason))
		"Reassignment Rate (30 Days)",  # a number card (services/translations.extract_dashboard_labels)
		"must be a JSON object",  # services/messages.py
		"Simulate",  # desk JS
		"What we need from you",  # a portal page (Jinja)
	):
		assert message in extracted, message
	assert not any(
		where.startswith(("tests/", "benchmarks/", "scripts/")) for w in extracted.values() for where in w
	)


def _literals(pattern: re.Pattern, text: str) -> list[str]:
	found = []
	for m in pattern.finditer(text):
		literal = m.group(1)
		if literal.startswith("`"):
			if "${" in literal:
				continue
			literal = '"' + literal[1:-1].replace('"', '\\"') + '"'
		try:
			found.append(ast.literal_eval(literal))
		except (ValueError, SyntaxError):
			continue
	return found


STRING = r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)"


def test_no_translatable_literal_escapes_the_extraction(extracted):
	"""Every literal __("…") in JS and _("…") / __("…") in Jinja is in Frappe's extraction."""
	js_call = re.compile(r"(?<![\w.$])__\(\s*" + STRING)
	jinja_call = re.compile(r"(?<![\w.$])_{1,2}\(\s*" + STRING)
	escaped = []
	for path in sorted(APP_DIR.rglob("*")):
		if path.suffix not in (".js", ".html") or "node_modules" in path.parts:
			continue
		text = path.read_text(encoding="utf-8")
		for literal in _literals(js_call if path.suffix == ".js" else jinja_call, text):
			if literal and literal not in extracted:
				escaped.append(f"  {literal!r} in {path.relative_to(REPO)}")
	assert not escaped, (
		"Frappe's extractor does not see these strings (a __() inside another __()'s arguments is skipped: "
		"compute it first, into a variable):\n" + "\n".join(escaped)
	)


def test_no_python_or_jinja_string_starts_or_ends_with_a_space(extracted):
	# frappe._() strips the text before looking it up: such a msgid is never found, so never translated
	padded = [
		f"  {m!r} at {', '.join(where[:2])}"
		for m, where in extracted.items()
		if m != m.strip() and any(w.split(":")[0].endswith((".py", ".html")) for w in where)
	]
	assert not padded, "keep the spaces outside _():\n" + "\n".join(padded)


def test_translations_keep_their_placeholders():
	broken = [
		f"  {m.id!r} -> {m.string!r}"
		for m in spanish_catalogue()
		if m.id and m.string and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
	]
	assert not broken, "a translation must keep every {placeholder} of its msgid:\n" + "\n".join(broken)


# ------------------------------------------------------------------------------ what the site reads
def test_the_site_reads_every_spanish_translation(spanish):
	"""frappe._() on the site returns each es.po translation: the compiled .mo is current and no other
	catalogue overrides ours."""
	frappe.translate.clear_cache()
	stale = [
		f"  {msgid!r}: {frappe._(msgid)!r}, es.po says {text!r}"
		for msgid, text in translated(spanish_catalogue()).items()
		if not is_html(msgid) and msgid == msgid.strip() and frappe._(msgid) != text
	]
	assert not stale, f"the site does not read es.po as it is (migrate the site, or {FIX}):\n" + "\n".join(
		stale
	)


def test_a_changed_po_is_compiled_on_migrate():
	"""The .mo older than the .po (a pulled or edited es.po) is compiled again by after_migrate's step."""
	from frappe.gettext.translate import get_mo_path

	mo = get_mo_path("legist_routing", "es")
	po = translations.po_path("es")
	old = po.stat().st_mtime - 3600
	os.utime(mo, (old, old))
	step = "legist_routing.services.translations.after_migrate"
	assert step in frappe.get_hooks("after_migrate", app_name="legist_routing")
	frappe.get_attr(step)()
	assert mo.stat().st_mtime >= po.stat().st_mtime
	with open(mo, "rb") as f:
		compiled = {m.id: m.string for m in read_mo(f) if m.id}
	assert compiled == translated(spanish_catalogue())
	assert translations.compile_po() == []  # up to date: nothing rewritten


def test_doctype_labels_and_engine_messages_in_spanish(spanish):
	meta = frappe.get_meta("Case Notice")
	assert frappe._(meta.get_label("response_due_date")) == "Fecha límite de respuesta"
	assert frappe._("Case Task") == "Tarea del caso"
	assert frappe._("RFE") == "Solicitud de Evidencia (RFE)"
	assert frappe._("Biometrics Appointment") == "Cita de datos biométricos"
	assert frappe._("Waiting on Client") == "En espera del cliente"
	# the engine returns codes; services/messages.py renders them in the user's language
	text = messages.problem_text(
		Problem("conditions", "unknown_operator", {"op": "eq", "hint": "; did you mean 'equals'?"})
	)
	assert text == "conditions: operador desconocido 'eq'; ¿quiso decir 'equals'?"
	assert messages.problem_text(Problem("", "bad_receipt_number", {"value": "X1"})).startswith(
		"'X1' no es un número de recibo de USCIS"
	)
	assert messages.task_title(("intake", "RFE")) == "Recepción de RFE"
	assert messages.deadline_basis(
		D.response_deadline("RFE", dt.date(2026, 5, 13), mailed=True, kinds=[RFE_KIND])
	) == (
		"RFE: 84 días desde la fecha del aviso (8 CFR 103.2(b)(8)(iv)) + 3 días por envío postal "
		"(8 CFR 103.8(b)); cae en sábado, así que el plazo legal se extiende hasta el lunes (8 CFR 1.2)"
	)
	assert messages.notification_subject(
		{"trigger": "case.status_changed", "case_title": "Garcia", "status": "Filed"}
	) == ("Garcia ahora tiene el estado Presentado")
	assert messages.notification_subject(
		{"trigger": "document.received", "case": "C-1", "notice_type": "RFE"}
	) == ("Se recibió Solicitud de Evidencia (RFE) en C-1")
	assert messages.status_text("RFE Received").startswith("USCIS pidió más evidencia")
	# what the desk's __() reads: the boot's translations
	boot = frappe.translate.get_all_translations("es")
	assert boot["Simulate"] == "Simular" and boot["Acknowledge"] == "Confirmar recepción"


def test_the_client_email_around_a_message_is_in_the_case_language(people):
	case = make_case(people, client_email="rosa.es@client.test", preferred_language="es")
	name = portal.message_client(case.name, "Su caso", "Hemos recibido su pasaporte.")
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Client Message", "reference_name": name},
		fields=["message"],
	)
	assert queued, "the client's message was not e-mailed"
	parsed = email.message_from_string(queued[0].message)
	body = "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in parsed.walk()
		if part.get_content_maintype() == "text"
	)
	assert "Vea su caso en el portal de clientes" in body and "Caso: " in body
	assert "See your case" not in body


# ------------------------------------------------------------------------------------ over HTTP
@pytest.fixture(scope="module")
def served_portal(site):
	"""A Spanish-preference client with a case, a requested document and a message, committed (the served
	site must see them), and the site served on a free port (LEGIST_SPANISH_PORT first). Names carry a
	random suffix; the suite's site is re-created on every run."""
	from conftest import PEOPLE

	sfx = secrets.token_hex(3)
	user, password = f"lucia.{sfx}@client.test", f"Es!{sfx}-Pq8wLm#31"
	frappe.set_user("Administrator")
	frappe.get_doc(
		{
			"doctype": "User",
			"email": user,
			"first_name": "Lucía",
			"user_type": "Website User",
			"language": "es",
			"send_welcome_email": 0,
			"new_password": password,
			"roles": [{"role": "Legist Client"}],
		}
	).insert(ignore_permissions=True)
	case = make_case(
		{k: v[0] for k, v in PEOPLE.items()},
		case_title=f"Ajuste de estatus de Lucía {sfx}",
		client_user=user,
		client_email=user,
		preferred_language="es",
		status="RFE Received",
	)
	portal.request_documents(case.name, [{"item": f"Pasaporte {sfx}", "due_date": add_days(nowdate(), 10)}])
	frappe.db.commit()

	with serving("LEGIST_SPANISH_PORT", 8012) as served:
		http = requests.Session()
		r = http.post(f"{served.base}/api/method/login", data={"usr": user, "pwd": password}, timeout=120)
		assert r.status_code == 200, r.text[:300]
		yield http, served.base, case


def test_a_spanish_client_sees_the_portal_in_spanish(served_portal):
	http, base, case = served_portal
	cases = http.get(f"{base}/client", timeout=120)
	assert cases.status_code == 200
	assert (
		"Mis casos" in cases.text
		and "Ajuste de estatus" in cases.text
		and "1 documento(s) pendiente(s) por su parte" in cases.text
	)
	assert "USCIS pidió más evidencia" in cases.text
	assert "My cases" not in cases.text and "waiting for you" not in cases.text

	page = http.get(f"{base}/client/case", params={"name": case.name}, timeout=120)
	assert page.status_code == 200
	for spanish in (
		"Lo que necesitamos de usted",
		"Archivos aceptados: ",
		"Pendiente por su parte",
		"Se necesita antes del",
		"Subir",
		"Mensajes del despacho",
		"Volver a mis casos",
		"No se pudo subir el archivo",  # the portal script's message
	):
		assert spanish in page.text, spanish
	for english in ("What we need from you", "Waiting for you", "Messages from the firm", "Back to my cases"):
		assert english not in page.text, english


# ------------------------------------------------------------------------- what the engine says
def test_the_escalation_summary_in_english_is_the_engines_and_in_spanish_is_spanish():
	from legist_routing.engine import escalation as E

	args = ("Draft RFE Response", "Garcia", None, dt.datetime(2026, 8, 13, 17), dt.date(2026, 8, 20), ["One"])
	now = dt.datetime(2026, 8, 17, 17)
	codes = E.summary_codes(*args, now=now)
	before = frappe.local.lang
	try:
		frappe.local.lang = "en"
		assert messages.escalation_summary_lines(codes) == E.summary_lines(*args, now=now)
		frappe.local.lang = "es"
		assert messages.escalation_summary_lines(codes) == [
			"Tarea: Draft RFE Response",
			"Caso: Garcia",
			"Asignada a: nadie",
			"Vence: jue 13 ago 2026 17:00 (Hace 4 días)",
			"Plazo legal: jue 20 ago 2026 (en 3 días)",
			"Pendiente: 1 punto de la lista de verificación",
			"- One",
		]
	finally:
		frappe.local.lang = before


def test_why_a_rule_did_not_fire_in_english_is_the_engines_and_in_spanish_is_spanish():
	from legist_routing.engine.decide import explain_failure

	entry = {
		"failed": [
			{"fact": "case.type", "op": "equals", "value": "H-1B", "actual": "Asylum"},
			{"fact": "case.status", "op": "changed", "before": "Filed", "actual": "Filed"},
			{"fact": "case.priority", "op": "in", "value": ["high"], "actual": "high", "negated": True},
			{"fact": "case.team", "op": "set", "actual": None},
		]
	}
	before = frappe.local.lang
	try:
		frappe.local.lang = "en"
		assert messages.failure_text(entry) == explain_failure(entry)
		frappe.local.lang = "es"
		assert messages.failure_text(entry) == (
			"case.type es 'Asylum'; la regla necesita equals 'H-1B'; "
			"case.status no cambió como se requería (era 'Filed', ahora 'Filed'); "
			"case.priority es 'high'; la regla necesita not in ['high']; "
			"case.team es None; la regla necesita set"
		)
	finally:
		frappe.local.lang = before


def test_who_got_the_work_and_why_in_english_is_the_engines_and_in_spanish_is_spanish():
	from legist_routing.engine import strategies as S

	today = dt.date(2026, 8, 17)
	members = [
		S.Member("ana@x", "Paralegals", "Paralegal", away=((dt.date(2026, 8, 10), dt.date(2026, 8, 20)),)),
		S.Member("luis@x", "Paralegals", "Paralegal", open_tasks=2, capacity_tasks=8),
	]
	need = S.Need(preferred=(("case.primary_paralegal", "ana@x"), ("case.secondary_owner", "luis@x")))
	chosen = S.choose(members, need, ["role_slot"], today)
	nobody = S.choose(
		members[:1], S.Need(roles=("Senior Attorney", "Managing Attorney")), ["round_robin"], today
	)
	before = frappe.local.lang
	try:
		frappe.local.lang = "en"
		assert messages.choice_reason(chosen) == chosen.reason
		assert messages.choice_reason(nobody) == nobody.reason
		assert [messages.verdict_row(v)["detail"] for v in chosen.verdicts] == [
			v.detail for v in chosen.verdicts
		]
		frappe.local.lang = "es"
		assert messages.choice_reason(chosen) == (
			"puesto del caso: se eligió a luis@x (case.secondary_owner) después de saltar "
			"case.primary_paralegal ana@x (ausente hasta el 2026-08-20, vuelve el 2026-08-21)"
		)
		assert messages.choice_reason(nobody) == (
			"turno rotativo: nadie elegible. sin responsable posible: no se asignó a nadie; debe decidir el "
			"gerente de operaciones; no elegibles: ana@x (es Paralegal; se necesita Abogado sénior o "
			"Abogado director)"
		)
		assert messages.verdict_row(chosen.verdicts[1])["detail"] == "2/8 tareas abiertas, 0 h abiertas"
	finally:
		frappe.local.lang = before


def test_every_engine_code_has_its_words_in_services_messages():
	"""A code the engine adds without its wording in services/messages.py reaches users in English."""
	from legist_routing.engine import problems
	from legist_routing.engine import strategies as S

	before = frappe.local.lang
	try:
		frappe.local.lang = "en"
		worded = messages._templates()
		missing = sorted(set(problems.TEMPLATES) - set(worded))
		assert not missing, f"engine.problems codes with no template in services/messages.py: {missing}"
		strategy = messages._strategy_templates()
		assert not sorted(set(S.ENGLISH) - set(strategy)), "engine.strategies codes missing in messages.py"
		# the same English on both sides: a reworded engine text must be reworded (and re-translated) here
		changed = [code for code, text in S.ENGLISH.items() if strategy[code] != text]
		assert not changed, f"engine.strategies.ENGLISH and services/messages.py differ for {changed}"
	finally:
		frappe.local.lang = before
