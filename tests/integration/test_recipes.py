"""The guide's three recipes, shipped and run on the real site: RFE handling with the attorney's approval
or rejection, the biometrics follow-up with its 48-hour reminder, the filing package; chains that follow a
template's stable id; checklists and attachments that block completion.

Time travels with freezegun (a Frappe dev dependency), in the site's time zone, as Frappe's own tests do.
"""

from __future__ import annotations

import datetime as dt

import frappe
import pytest
from frappe.utils import get_datetime, getdate, now_datetime
from helpers import at, client, email_text, finish_checklist, make_case, make_notice

from legist_routing.engine.calendar import is_open_day, previous_open_day
from legist_routing.services import calendars, deadlines, tasks


@pytest.fixture
def intake():
	email = "ines.intake@firm.test"
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Ines", "send_welcome_email": 0}
		).insert(ignore_permissions=True).add_roles("Legist Intake")
	return email


def open_tasks(case, **filters):
	return {
		t.title: frappe.get_doc("Case Task", t.name)
		for t in frappe.get_all(
			"Case Task",
			filters={"case": case.name, "kind": ["!=", "Notification"], **filters},
			fields=["name", "title"],
			order_by="creation asc",
		)
	}


def set_status(task, status, user=None):
	task.reload()
	task.status = status
	if user:
		frappe.set_user(user)
	try:
		task.save()
	finally:
		frappe.set_user("Administrator")
	return task


def as_user(user, fn, *args, **kw):
	frappe.set_user(user)
	try:
		return fn(*args, **kw)
	finally:
		frappe.set_user("Administrator")


# ---------------------------------------------------------------------------------------------- RFE
def test_rfe_from_notice_to_filing_with_one_rejection(recipes, people, jobs_inline):
	case = make_case(people)
	notice = make_notice(case, due_in_days=84)
	made = open_tasks(case)
	assert set(made) == {"RFE Intake", "Draft RFE Response"}
	intake_task, draft = made["RFE Intake"], made["Draft RFE Response"]
	assert intake_task.assigned_to == draft.assigned_to == people["paralegal"]
	assert draft.template == "Draft RFE Response"

	# The evidence checklist blocks "Draft Ready" and names what is missing.
	draft.status = "Draft Ready"
	with pytest.raises(frappe.ValidationError) as refused:
		draft.save()
	text = str(refused.value)
	assert "Identify and list requested evidence items." in text
	assert "Draft RFE response and attach supporting exhibits." in text  # the file it needs, named
	assert "Attorney review and approve content." not in text  # not required of the draft
	assert frappe.db.get_value("Case Task", draft.name, "status") == "Open"  # nothing half-saved

	finish_checklist(draft)
	set_status(draft, "Draft Ready", people["paralegal"])
	review = open_tasks(case)["Attorney Review: RFE Response"]
	assert review.kind == "Review" and review.assigned_to == people["attorney"]
	assert (review.reviews_task, review.review_round, review.prepared_by) == (
		draft.name,
		1,
		people["paralegal"],
	)
	# Due on the RFE deadline minus the firm's 7-day review buffer, on an open day, never after it.
	deadline = getdate(notice.response_due_date)
	expected = deadline - dt.timedelta(days=7)
	cal = calendars.get_calendar()
	if not is_open_day(cal, expected):
		expected = previous_open_day(cal, expected)
	assert get_datetime(review.due).date() == expected
	assert get_datetime(review.due) <= get_datetime(review.hard_deadline)

	# Rejection needs comments, sends the draft back with them and opens a new review round later.
	with pytest.raises(frappe.ValidationError, match="Comments"):
		as_user(people["attorney"], tasks.decide, review.name, "Rejected", "  ")
	result = as_user(
		people["attorney"], tasks.decide, review.name, "Rejected", "Exhibit C is missing the translation."
	)
	assert result == {"name": review.name, "decision": "Rejected", "reopened": draft.name}
	review.reload()
	assert (review.status, review.decision, review.decided_by) == (
		"Completed",
		"Rejected",
		people["attorney"],
	)
	draft.reload()
	assert draft.status == "In Progress"
	assert frappe.db.exists(
		"Comment",
		{"reference_name": draft.name, "content": ["like", "%Exhibit C is missing the translation.%"]},
	)
	assert frappe.db.exists(
		"Notification Log", {"for_user": people["paralegal"], "document_name": draft.name}
	)
	assert "Finalize and File" not in open_tasks(case)  # a rejection files nothing

	set_status(draft, "Draft Ready", people["paralegal"])
	rounds = frappe.get_all(
		"Case Task",
		filters={"reviews_task": draft.name},
		fields=["name", "review_round", "status", "ack_due"],
		order_by="review_round asc",
	)
	assert [(r.review_round, r.status) for r in rounds] == [(1, "Completed"), (2, "Open")]
	assert get_datetime(rounds[1].ack_due) > now_datetime()  # a fresh review clock

	# A paralegal cannot decide the attorney's review; the attorney approves.
	with pytest.raises(frappe.PermissionError):
		as_user(people["paralegal2"], tasks.decide, rounds[1].name, "Approved")
	finish_checklist(frappe.get_doc("Case Task", rounds[1].name))
	as_user(people["attorney"], tasks.decide, rounds[1].name, "Approved", "Good to file.")
	final = open_tasks(case)["Finalize and File"]
	assert final.assigned_to == people["paralegal"]
	signature = [row for row in final.checklist if "e-signature" in row.item]
	assert signature and signature[0].attachment_required and signature[0].required

	# Filing needs the signed form and the proof of delivery attached.
	final.status = "Completed"
	with pytest.raises(frappe.ValidationError, match="Attachment"):
		final.save()
	finish_checklist(final)
	set_status(final, "Completed", people["paralegal"])
	assert frappe.db.get_value("Case Task", final.name, "completed_at")
	# the filing is in the case's audit trail (its Routing Log; Versions are not kept under in_test)
	assert frappe.db.exists(
		"Routing Log",
		{
			"reference_name": final.name,
			"event": "task.status_changed",
			"event_key": ["like", "%->Completed%"],
		},
	)


def test_chains_follow_the_template_id_when_the_template_is_renamed(recipes, people, jobs_inline):
	frappe.rename_doc("Task Template", "Draft RFE Response", "Draft the RFE Answer", force=True)
	case = make_case(people)
	make_notice(case)
	draft = open_tasks(case)["Draft RFE Response"]
	assert draft.template == "Draft the RFE Answer"
	finish_checklist(draft)
	set_status(draft, "Draft Ready")
	assert "Attorney Review: RFE Response" in open_tasks(case)


def test_completing_a_review_without_a_decision_approves_it(recipes, people, jobs_inline):
	case = make_case(people)
	make_notice(case)
	draft = finish_checklist(open_tasks(case)["Draft RFE Response"])
	set_status(draft, "Draft Ready")
	review = finish_checklist(open_tasks(case)["Attorney Review: RFE Response"])
	set_status(review, "Completed", people["attorney"])
	review.reload()
	assert (review.decision, review.decided_by) == ("Approved", people["attorney"])
	assert "Finalize and File" in open_tasks(case)


# ---------------------------------------------------------------------------------------- biometrics
def biometrics_case(people, intake, lang="es"):
	user = client(f"bio.{lang}@client.test", lang)
	return make_case(
		people,
		type_name="Naturalization",
		intake_specialist=intake,
		client_user=user,
		client_email=user,
		preferred_language=lang,
	)


def client_messages(case):
	return frappe.get_all(
		"Client Message",
		filters={"case": case.name},
		fields=["subject", "message", "language"],
		order_by="creation asc",
	)


def test_biometrics_confirmation_reminder_48_hours_before_and_attendance_after(
	recipes, people, intake, jobs_inline
):
	case = biometrics_case(people, intake)
	appointment = dt.datetime.combine(getdate() + dt.timedelta(days=6), dt.time(10, 30))
	notice = make_notice(
		case, "Biometrics Appointment", due_in_days=0, response_due_date=None, appointment_at=appointment
	)
	confirm = open_tasks(case)["Biometrics Confirmation"]
	assert confirm.assigned_to == intake and confirm.case_notice == notice.name
	# The instructions, in the client's language, in the portal and by e-mail.
	[instructions] = client_messages(case)
	assert instructions.subject.startswith("Su cita de datos biométricos")
	assert "huellas dactilares" in instructions.message and "<p>" not in instructions.message
	# The e-mail the client reads: Spanish, from the template, with the portal link.
	queued = frappe.get_all(
		"Email Queue",
		filters={
			"reference_doctype": "Client Message",
			"reference_name": ["in", frappe.get_all("Client Message", {"case": case.name}, pluck="name")],
		},
		fields=["message", "reference_name"],
	)
	assert len(queued) == 1
	body = email_text(queued[0].message)
	assert "huellas dactilares" in body and "/client/case?name=" + case.name in body
	assert "Vea su caso en el portal de clientes" in body  # the wrapper, in the client's language too

	# 47 hours before, still unconfirmed: one reminder task and one reminder to the client.
	with at(appointment - dt.timedelta(hours=47)):
		fired = deadlines.sweep_appointments()
		assert deadlines.sweep_appointments() == []  # once
	assert fired == [f"appointment.approaching:{notice.name}:{appointment.isoformat()}:48"]
	reminder = open_tasks(case)["Biometrics Reminder"]
	assert reminder.assigned_to == intake
	assert [m.subject.split(":")[0] for m in client_messages(case)] == [
		"Su cita de datos biométricos",
		"Recordatorio",
	]

	# After the appointment: the paralegal records attendance and attaches the receipt.
	with at(appointment + dt.timedelta(hours=2)):
		deadlines.sweep_appointments()
		assert deadlines.sweep_appointments() == []
	update = open_tasks(case)["Update Case Status"]
	assert update.assigned_to == people["paralegal"]
	assert any(row.attachment_required for row in update.checklist)


def test_a_confirmed_appointment_gets_no_reminder_and_english_clients_read_english(
	recipes, people, intake, jobs_inline
):
	case = biometrics_case(people, intake, lang="en")
	appointment = dt.datetime.combine(getdate() + dt.timedelta(days=6), dt.time(9))
	make_notice(case, "Biometrics Appointment", response_due_date=None, appointment_at=appointment)
	assert client_messages(case)[0].subject.startswith("Your biometrics appointment")
	confirm = finish_checklist(open_tasks(case)["Biometrics Confirmation"])
	set_status(confirm, "Completed", intake)
	with at(appointment - dt.timedelta(hours=40)):
		fired = deadlines.sweep_appointments()
	assert len(fired) == 1  # the event is routed and logged once; its rule's condition is not met
	assert "Biometrics Reminder" not in open_tasks(case)
	assert len(client_messages(case)) == 1


# ------------------------------------------------------------------------------------ filing package
def test_filing_package_sign_off_and_submission(recipes, people, jobs_inline):
	case = make_case(people, type_name="H-1B")
	case.status = "Ready to File"
	case.save()
	package = open_tasks(case)["Assemble Filing Package"]
	assert package.assigned_to == people["paralegal"]
	set_status(finish_checklist(package), "Completed", people["paralegal"])
	signoff = open_tasks(case)["Attorney Sign-off"]
	assert (signoff.kind, signoff.assigned_to, signoff.reviews_task) == (
		"Review",
		people["attorney"],
		package.name,
	)
	assert signoff.ack_due and signoff.due  # the review window
	as_user(people["attorney"], tasks.decide, signoff.name, "Rejected", "Fee is the old amount.")
	assert frappe.db.get_value("Case Task", package.name, "status") == "In Progress"
	set_status(package, "Completed", people["paralegal"])
	second = frappe.get_all(
		"Case Task", filters={"reviews_task": package.name, "status": "Open"}, pluck="name"
	)
	assert len(second) == 1
	finish_checklist(frappe.get_doc("Case Task", second[0]))
	as_user(people["attorney"], tasks.decide, second[0], "Approved")
	assert open_tasks(case)["Submit to USCIS"].assigned_to == people["paralegal"]


# ------------------------------------------------------------------------------------------ seeding
def test_seeding_again_changes_nothing_and_keeps_the_firms_edits_and_deletions():
	from legist_routing.services import install

	def snapshot():
		return {
			doctype: sorted(frappe.get_all(doctype, fields=["name", "modified"], as_list=True))
			for doctype in (
				"Routing Rule",
				"Task Template",
				"Case Type",
				"Email Template",
				"Escalation Policy",
			)
		}

	install.seed()
	before = snapshot()
	shipped = {r["ruleName"] for r in install.recipe_rules()}
	assert shipped <= {name for name, _m in before["Routing Rule"]}
	assert {"H-1B", "Adjustment of Status", "Naturalization", "Asylum", "Consular Processing"} <= {
		name for name, _m in before["Case Type"]
	}
	assert {"Biometrics Appointment Instructions", "Biometrics Appointment Instructions (es)"} <= {
		name for name, _m in before["Email Template"]
	}
	install.seed()
	assert snapshot() == before

	# A firm edits one shipped rule and deletes another: a migrate keeps both choices.
	rule = frappe.get_doc("Routing Rule", "RFE_Intake_Other_Cases")
	rule.description = "Our own wording."
	rule.save()
	frappe.delete_doc("Routing Rule", "Biometrics_Unconfirmed_48h")
	install.seed()
	assert frappe.db.get_value("Routing Rule", "RFE_Intake_Other_Cases", "description") == "Our own wording."
	assert not frappe.db.exists("Routing Rule", "Biometrics_Unconfirmed_48h")


def test_a_status_update_reads_in_the_clients_own_words_and_language(people):
	from legist_routing.services import install, messages

	for name in ("Case Status Update", "Case Status Update (es)"):  # the shipped wording, not a firm's
		frappe.delete_doc_if_exists("Email Template", name)
	install.ensure_email_templates()
	case = make_case(people, preferred_language="es", status="Document Collection")
	subject, text = messages.render_template("Case Status Update", "es", case)
	assert subject == f"Novedades en su caso {case.case_title}"
	assert "Estamos reuniendo los documentos de su caso" in text, text
	subject, text = messages.render_template("Case Status Update", "en", case)
	assert "We are collecting the documents for your case." in text
