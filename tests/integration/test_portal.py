"""The client portal on the real site: uploads that route work, refusals that name the rule and lose
nothing, status messages in the client's language with their latency, and record-level access.

The same roads over HTTP, as attackers would take them, are in test_security_http.py.
"""

from __future__ import annotations

import datetime as dt

import frappe
import pytest
from frappe.utils import now_datetime
from helpers import client, email_text, make_case

from legist_routing.services import permissions, portal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def portal_case(people):
	case = make_case(people, client_user=client("rosa@client.test"), client_email="rosa@client.test")
	requests = portal.request_documents(case.name, ["Passport (all pages)", "Birth certificate"])
	return case, requests


def upload_as(user, request, filename, content):
	frappe.set_user(user)
	try:
		return portal.upload(request, filename, content)
	finally:
		frappe.set_user("Administrator")


def review_tasks(case):
	return frappe.get_all(
		"Case Task",
		filters={"case": case.name, "title": "Review Client Upload"},
		fields=["name", "assigned_to", "client_request", "case_notice"],
	)


def test_upload_routes_one_review_task_to_the_case_paralegal(portal_case, people, jobs_inline):
	case, (passport, _birth) = portal_case
	result = upload_as("rosa@client.test", passport, "passport.pdf", PDF)

	assert result["status"] == "received"
	request = frappe.get_doc("Client Request", passport)
	assert request.status == "Received" and request.file_name == "passport.pdf" and request.uploads == 1
	file = frappe.get_doc("File", {"attached_to_doctype": "Client Request", "attached_to_name": passport})
	assert file.is_private == 1 and file.file_url.startswith("/private/files/")
	tasks = review_tasks(case)
	assert [(t.assigned_to, t.client_request, t.case_notice) for t in tasks] == [
		(people["paralegal"], passport, None)
	]
	assert result["tasks"] == [tasks[0].name]
	# the same file again: nothing new, one task
	again = upload_as("rosa@client.test", passport, "passport-copy.pdf", PDF)
	assert again == {"status": "already_received", "request": passport}
	assert len(review_tasks(case)) == 1
	assert frappe.db.count("File", {"attached_to_name": passport}) == 1
	# the client's page shows it received
	frappe.set_user("rosa@client.test")
	view = portal.case_view(case.name)
	frappe.set_user("Administrator")
	states = {r.item: (r.status, r.open) for r in view["requests"]}
	assert states == {"Passport (all pages)": ("Received", False), "Birth certificate": ("Requested", True)}


@pytest.mark.parametrize(
	("filename", "content", "words"),
	[
		("virus.exe", b"MZ\x90\x00", "virus.exe cannot be accepted"),
		("fake.pdf", b"MZ\x90\x00 not a pdf", "fake.pdf is named .pdf but is not a PDF file"),
		("photo.png", PDF, "photo.png is named .png but is not a PNG file"),
		("empty.pdf", b"", "the one sent was empty"),
		("noextension", PDF, "noextension cannot be accepted"),
	],
)
def test_refused_files_name_the_rule_and_leave_nothing_behind(portal_case, filename, content, words):
	case, (passport, _birth) = portal_case
	frappe.local.lang = "en"
	files_before = frappe.db.count("File")
	with pytest.raises(frappe.ValidationError) as refused:
		upload_as("rosa@client.test", passport, filename, content)
	assert words in str(refused.value)
	assert frappe.db.get_value("Client Request", passport, "status") == "Requested"
	assert frappe.db.count("File") == files_before
	assert review_tasks(case) == []


def test_size_limit_is_the_firms(portal_case):
	_case, (passport, _birth) = portal_case
	frappe.db.set_single_value("Routing Settings", "portal_max_upload_mb", 1)
	frappe.local.request_cache.clear()
	frappe.local.lang = "en"
	with pytest.raises(frappe.ValidationError) as refused:
		upload_as("rosa@client.test", passport, "scan.png", PNG + b"\x00" * (1024 * 1024))
	assert "scan.png is 1.0 MB; the firm accepts files up to 1 MB" in str(refused.value)
	assert upload_as("rosa@client.test", passport, "small.png", PNG)["status"] == "received"


def test_refusal_in_spanish_for_a_spanish_speaking_client(portal_case):
	_case, (passport, _birth) = portal_case
	frappe.local.lang = "es"
	try:
		with pytest.raises(frappe.ValidationError) as refused:
			upload_as("rosa@client.test", passport, "virus.exe", b"MZ")
	finally:
		frappe.local.lang = "en"
	assert "no podemos aceptar virus.exe" in str(refused.value)


def test_another_clients_case_and_request_are_not_found(portal_case, people):
	case, (passport, _birth) = portal_case
	client("pablo@client.test")
	frappe.set_user("pablo@client.test")
	try:
		with pytest.raises(frappe.DoesNotExistError):
			portal.case_view(case.name)
		with pytest.raises(frappe.DoesNotExistError):
			portal.case_view("CASE-2099-99999")
		with pytest.raises(frappe.DoesNotExistError):
			portal.upload(passport, "passport.pdf", PDF)
		assert portal.my_cases() == []
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value("Client Request", passport, "status") == "Requested"


def test_status_message_in_the_clients_language_with_its_latency(portal_case):
	case, _requests = portal_case
	changed = now_datetime() - dt.timedelta(hours=5)
	case.status = "RFE Received"
	case.save()
	frappe.db.set_value("Case", case.name, "status_changed_at", changed)
	first = frappe.get_doc("Client Message", portal.message_client(case.name, "RFE", "Recibimos un RFE."))
	second = frappe.get_doc("Client Message", portal.message_client(case.name, "RFE", "Más detalles."))

	assert first.language == "es" and first.case_status == "RFE Received"
	assert 4.99 <= first.latency_hours <= 5.02  # hours from the status change to the client being told
	assert second.latency_hours in (None, 0)  # only the first message after a change counts
	mail = frappe.get_last_doc("Email Queue", filters={"reference_name": first.name})
	assert [r.recipient for r in mail.recipients] == ["rosa@client.test"]
	assert "Vea su caso en el portal de clientes" in email_text(mail.message)
	frappe.set_user("rosa@client.test")
	view = portal.case_view(case.name)
	frappe.set_user("Administrator")
	assert [m.message for m in view["messages"]] == ["Más detalles.", "Recibimos un RFE."]


def test_staff_see_their_cases_only(people):
	mine = make_case(people)
	other = make_case({**people, "paralegal": people["manager"]}, lead_attorney=people["manager"])
	frappe.db.set_value("Case", other.name, "secondary_owner", None)
	stranger = people["attorney"]
	frappe.set_user(people["paralegal"])
	try:
		assert mine.name in permissions.visible_cases(people["paralegal"])
		listed = set(frappe.get_list("Case", pluck="name", limit_page_length=0))
		assert mine.name in listed and other.name not in listed
		assert frappe.has_permission("Case", "read", doc=mine.name)
		assert not frappe.has_permission("Case", "read", doc=other.name)
	finally:
		frappe.set_user("Administrator")
	frappe.set_user(stranger)
	try:
		frappe.local.request_cache.clear()
		# the attorney is lead attorney of `mine` (make_case): on it, not on `other`
		assert not frappe.has_permission("Case", "read", doc=other.name)
	finally:
		frappe.set_user("Administrator")


def test_team_members_and_task_assignees_are_on_the_case(people):
	case = make_case(people)
	outsider = people["manager"]
	frappe.db.set_value("Case", case.name, {"lead_attorney": None, "secondary_owner": None})
	watcher = "watcher@firm.test"
	if not frappe.db.exists("User", watcher):
		frappe.get_doc(
			{"doctype": "User", "email": watcher, "first_name": "Watcher", "send_welcome_email": 0}
		).insert().add_roles("Legist Attorney")
	assert case.name not in permissions.visible_cases(watcher)
	team = frappe.get_doc(
		{"doctype": "Routing Team", "team_name": "Watchers", "members": [{"user": watcher}]}
	).insert()
	frappe.db.set_value("Case", case.name, "team", team.name)
	frappe.local.request_cache.clear()
	assert case.name in permissions.visible_cases(watcher)
	assert outsider  # managers see everything regardless
	assert permissions.query_conditions(outsider, "Case") == ""


def test_audit_records_cannot_be_edited_or_deleted_by_their_author(people):
	case = make_case(people)
	frappe.set_user(people["paralegal"])
	try:
		comment = case.add_comment("Comment", "Client called about the RFE.")
		comment.content = "Nothing happened."
		with pytest.raises(frappe.PermissionError):
			comment.save(ignore_permissions=True)
		with pytest.raises(frappe.PermissionError):
			frappe.delete_doc("Comment", comment.name, ignore_permissions=True)
	finally:
		frappe.set_user("Administrator")
	assert frappe.db.get_value("Comment", comment.name, "content") == "Client called about the RFE."


def test_paralegal_cannot_assign_a_case_task_by_hand(people):
	from frappe.desk.form import assign_to

	case = make_case(people)
	task = frappe.get_doc(
		{"doctype": "Case Task", "case": case.name, "title": "Collect evidence", "priority": "Standard"}
	).insert()
	frappe.set_user(people["paralegal"])
	try:
		with pytest.raises(frappe.PermissionError):
			assign_to.add({"doctype": "Case Task", "name": task.name, "assign_to": [people["paralegal2"]]})
	finally:
		frappe.set_user("Administrator")
	assert not frappe.db.exists("ToDo", {"reference_name": task.name})


def test_an_upload_whose_routing_failed_is_routed_when_sent_again(portal_case, people, monkeypatch):
	case, (passport, _birth) = portal_case
	from legist_routing.services import rules

	real = rules.get_compiled

	def broken():
		raise RuntimeError("rules could not be loaded")

	monkeypatch.setattr(rules, "get_compiled", broken)
	first = upload_as("rosa@client.test", passport, "passport.pdf", PDF)
	assert first["status"] == "received" and first["tasks"] == []
	assert frappe.db.get_value("Routing Log", {"reference_name": passport}, "status") == "Error"
	monkeypatch.setattr(rules, "get_compiled", real)
	again = upload_as("rosa@client.test", passport, "passport.pdf", PDF)
	assert again["status"] == "received" and len(again["tasks"]) == 1
	assert [t.assigned_to for t in review_tasks(case)] == [people["paralegal"]]
	assert frappe.db.count("File", {"attached_to_name": passport}) == 1  # routed again, not stored again
	assert upload_as("rosa@client.test", passport, "passport.pdf", PDF)["status"] == "already_received"


def test_access_follows_changes_at_once_despite_the_shared_cache(people):
	"""The sets of who is on which case live in Redis across requests: every write that changes them drops
	them, so access is lost (and gained) at the next read, not minutes later."""
	case = make_case(people)
	attorney = people["attorney"]  # the lead attorney
	assert case.name in permissions.visible_cases(attorney)  # read, and now cached
	frappe.local.request_cache.clear()  # a later request

	# a manager takes the attorney off the case through the form
	case.reload()
	case.lead_attorney = None
	case.save()
	frappe.local.request_cache.clear()
	assert case.name not in permissions.visible_cases(attorney)

	# put on a team; the team is put on the case
	team = frappe.get_doc(
		{"doctype": "Routing Team", "team_name": "Cache Team", "members": [{"user": attorney}]}
	).insert()
	case.reload()
	case.team = team.name
	case.save()
	frappe.local.request_cache.clear()
	assert case.name in permissions.visible_cases(attorney)
	# off the team: off the case
	team.reload()
	team.members = []
	team.save()
	frappe.local.request_cache.clear()
	assert case.name not in permissions.visible_cases(attorney)

	# an assignment puts the assignee on the case; a reassignment takes them off
	from legist_routing.services import apply

	task = frappe.get_doc(
		{"doctype": "Case Task", "case": case.name, "title": "Collect evidence", "priority": "Standard"}
	).insert()
	apply.assign(task, attorney)
	frappe.local.request_cache.clear()
	assert case.name in permissions.visible_cases(attorney)
	apply.reassign(frappe.get_doc("Case Task", task.name), people["manager"], "Overload")
	frappe.local.request_cache.clear()
	assert case.name not in permissions.visible_cases(attorney)


def test_a_rolled_back_change_is_not_remembered(people):
	case = make_case(people)
	frappe.db.commit()
	attorney = people["attorney"]
	try:
		frappe.db.savepoint("before_change")
		case.lead_attorney = None
		case.save()
		frappe.local.request_cache.clear()
		assert case.name not in permissions.visible_cases(attorney)  # read inside the change: cached
		frappe.db.rollback()
		frappe.local.request_cache.clear()
		assert case.name in permissions.visible_cases(attorney)
	finally:
		frappe.delete_doc("Case", case.name, force=True)
		frappe.db.commit()
