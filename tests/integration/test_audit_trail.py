"""The Case Audit Trail: one report of everything that happened on a case, read from Frappe's own records.

One case lives through the whole story — an RFE routed by a rule, an acknowledgement, a manager's
reassignment, an escalation step, a comment, a private upload, a status change, an edit — beside a second case
that must never show in the first one's trail.
"""

from __future__ import annotations

import datetime as dt
import json

import frappe
import pytest
from frappe.desk.query_report import run
from frappe.utils import add_days, getdate, now_datetime, nowdate
from helpers import SAMPLE_RULE, add_rule, make_case, make_notice, tasks_of

from legist_routing import api
from legist_routing.legist_routing.report.case_audit_trail.case_audit_trail import execute
from legist_routing.services import audit, escalations

RULE = SAMPLE_RULE["ruleName"]
COLUMNS = ("doctype", "docname", "kind", "actor", "from_user", "to_user", "how", "reason", "detail")
# Every table the trail reads.
SOURCES = ("Version", "Comment", "File", "Routing Log", "Escalation Event", "Case Notice")


def rows(**filters) -> list[tuple]:
	return [tuple(e[c] for c in ("case", *COLUMNS)) for e in audit.entries(filters)]


def backdate(since: dt.datetime, days: int):
	"""Move every record written since ``since`` ``days`` back in time (this test's own, in its transaction)."""
	for doctype in SOURCES:
		frappe.db.sql(
			f"update `tab{doctype}` set creation = creation - interval %s day where creation >= %s",
			(days, since),
		)


def escalation_policy() -> str:
	"""One stage: not acknowledged an hour after assignment, the task goes back to the primary paralegal."""
	return (
		frappe.get_doc(
			{
				"doctype": "Escalation Policy",
				"policy_name": f"Audit {frappe.generate_hash(length=6)}",
				"stages": [
					{
						"stage_key": "back_to_primary",
						"watch": "Not Acknowledged",
						"anchor": "After Assignment",
						"hours": 1,
						"clock": "Calendar Hours",
						"action": "Reassign",
						"target": "case.primaryParalegal",
						"channels": "In-App",
					}
				],
			}
		)
		.insert()
		.name
	)


@pytest.fixture
def story(people):
	"""The case's story, told through the app's own entry points, as the people who would do each step."""
	ana, luis, maria, olga = (people[k] for k in ("paralegal", "paralegal2", "attorney", "manager"))
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	other = make_case(people, case_title="Naturalization for Ivan Petrov")
	started = now_datetime()
	notice = make_notice(case)
	other_notice = make_notice(other, receipt_number="IOE0998765432")
	# The routing happened three days ago: the period filter can tell it from what follows.
	backdate(started, 3)
	intake = next(t for t in tasks_of(case) if t.title == "RFE Intake")
	draft = next(t for t in tasks_of(case) if t.title == "Draft RFE Response")

	frappe.set_user(ana)
	api.acknowledge_task(intake.name)

	frappe.set_user(olga)
	api.reassign_task(intake.name, luis, "Overload", "Ana is on the Garcia filing")

	# Luis does not acknowledge within the hour: the ladder gives the task back to Ana.
	frappe.set_user("Administrator")
	frappe.db.set_value(
		"Case Task",
		intake.name,
		{"escalation_policy": escalation_policy(), "assigned_at": now_datetime() - dt.timedelta(hours=2)},
		update_modified=False,
	)
	assert escalations.process_task(intake.name, now=now_datetime()) == 1

	frappe.set_user(maria)
	frappe.get_doc("Case", case.name).add_comment(
		"Comment", "<p>Client called: the <b>RFE</b> asks for tax returns &amp; pay stubs.</p>"
	)

	frappe.set_user(ana)
	frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "tax-returns-2025.pdf",
			"attached_to_doctype": "Case",
			"attached_to_name": case.name,
			"content": b"%PDF-1.4 tax returns",
			"is_private": 1,
		}
	).insert(ignore_permissions=True)

	frappe.set_user(olga)
	doc = frappe.get_doc("Case", case.name)
	doc.status = "RFE Received"
	doc.save()

	# Any other edit is a Change: the draft made urgent, its first checklist item ticked.
	doc = frappe.get_doc("Case Task", draft.name)
	doc.priority = "High"
	doc.checklist[0].done = 1
	doc.save()
	frappe.set_user("Administrator")
	return frappe._dict(
		case=case,
		other=other,
		notice=notice,
		other_notice=other_notice,
		intake=intake.name,
		draft=draft.name,
	)


def routed(case, notice, people) -> list[tuple]:
	"""What routing the RFE left on a case: the notice, the decision and one assignment per task."""
	tasks = {t.title: t.name for t in tasks_of(case)}
	review = next(t.name for t in tasks_of(case) if t.kind == "Notification")
	why = "role slot: chose ana.paralegal@firm.test (case.primary_paralegal)"
	ana, maria = people["paralegal"], people["attorney"]
	return [
		(
			case.name,
			"Case Notice",
			notice.name,
			"Notice",
			"Administrator",
			None,
			None,
			"By hand",
			None,
			f"RFE, {notice.receipt_number}, notice date {nowdate()}, response due {notice.response_due_date}",
		),
		(
			case.name,
			"Case Notice",
			notice.name,
			"Routing",
			"Administrator",
			None,
			None,
			"Rule",
			RULE,
			f"document.received (Applied): {RULE}: matched; {RULE} action 0: {why}; {RULE} action 2: {why}",
		),
		(
			case.name,
			"Case Task",
			tasks["RFE Intake"],
			"Assignment",
			"Administrator",
			None,
			ana,
			"Rule",
			RULE,
			why,
		),
		(
			case.name,
			"Case Task",
			review,
			"Assignment",
			"Administrator",
			None,
			maria,
			"Rule",
			RULE,
			f"Notified {maria}, who must respond on this task",
		),
		(
			case.name,
			"Case Task",
			tasks["Draft RFE Response"],
			"Assignment",
			"Administrator",
			None,
			ana,
			"Rule",
			RULE,
			why,
		),
	]


@pytest.fixture
def expected(story, people):
	"""The first case's trail, oldest first."""
	ana, luis, maria, olga = (people[k] for k in ("paralegal", "paralegal2", "attorney", "manager"))
	case, task = story.case.name, story.intake
	return [
		*routed(story.case, story.notice, people),
		(
			case,
			"Case Task",
			task,
			"Acknowledgement",
			ana,
			None,
			None,
			"By hand",
			None,
			"Status: Open → Acknowledged",
		),
		(
			case,
			"Case Task",
			task,
			"Assignment",
			olga,
			ana,
			luis,
			"By hand",
			"Overload",
			f"Reassigned from {ana} to {luis} by {olga}: Overload (Ana is on the Garcia filing)",
		),
		(
			case,
			"Case Task",
			task,
			"Assignment",
			"Administrator",
			luis,
			ana,
			"Escalation",
			"Escalation",
			f"Reassigned from {luis} to {ana} by Administrator: Escalation (back_to_primary)",
		),
		(
			case,
			"Case Task",
			task,
			"Escalation",
			"Administrator",
			None,
			ana,
			"Escalation",
			"back_to_primary",
			f"Escalation back_to_primary: not acknowledged by {luis}; reassigned to {ana}.",
		),
		(
			case,
			"Case",
			case,
			"Comment",
			maria,
			None,
			None,
			"By hand",
			None,
			"Client called: the RFE asks for tax returns & pay stubs.",
		),
		(case, "Case", case, "Upload", ana, None, None, "By hand", None, "tax-returns-2025.pdf (private)"),
		(case, "Case", case, "Status", olga, None, None, "By hand", None, "Status: Open → RFE Received"),
		(
			case,
			"Case Task",
			story.draft,
			"Change",
			olga,
			None,
			None,
			"By hand",
			None,
			"Priority: Standard → High; Checklist row 1, Done: 0 → 1",
		),
	]


def test_the_trail_tells_the_whole_story_in_time_order(story, expected):
	trail = audit.entries({"case": story.case.name})
	assert rows(case=story.case.name) == expected
	times = [e["time"] for e in trail]
	assert times == sorted(times)
	# Plain text only: no tag or entity survives from the comment's HTML.
	assert all("<" not in e["detail"] and "&amp;" not in e["detail"] for e in trail)


def test_one_fact_is_one_row(story):
	"""Frappe's timeline echoes what the Routing Log, the escalation ledger and the File already say; the
	trail lists each fact once, from its structured record."""
	counts = dict(
		frappe.db.sql(
			"""select comment_type, count(*) from `tabComment` where reference_name = %s group by comment_type""",
			story.intake,
		)
	)
	# Three assignments (rule, manager, ladder), two removals, the manager's and the ladder's notes.
	assert counts == {"Assigned": 3, "Assignment Completed": 2, "Info": 2}
	assert frappe.db.count("Comment", {"reference_name": story.case.name, "comment_type": "Attachment"}) == 1
	assert sorted(frappe.get_all("Routing Log", filters={"reference_name": story.intake}, pluck="event")) == [
		"escalation.reassign",
		"task.reassigned",
		"task.reassigned",
		"task.status_changed",
	]
	kinds = [e["kind"] for e in audit.entries({"case": story.case.name}) if e["docname"] == story.intake]
	assert kinds == ["Assignment", "Acknowledgement", "Assignment", "Assignment", "Escalation"]


def test_another_case_never_shows(story, expected, people):
	theirs = routed(story.other, story.other_notice, people)
	assert rows(case=story.other.name) == theirs
	# Unfiltered, both cases in time order: the second RFE was routed right after the first.
	mine = {story.case.name, story.other.name}
	assert [r for r in rows() if r[0] in mine] == [*expected[:5], *theirs, *expected[5:]]


def test_filters_narrow_exactly(story, expected, people):
	ana, luis, maria, olga = (people[k] for k in ("paralegal", "paralegal2", "attorney", "manager"))
	case = story.case.name

	def involves(person):
		return [r for r in expected if person in (r[4], r[5], r[6])]

	assert [r[3] for r in involves(luis)] == ["Assignment", "Assignment"]
	for person in (ana, luis, maria, olga):
		assert rows(case=case, person=person) == involves(person)
	# Without the case filter, the person's rows of both cases and of no other: Luis is on neither's routing.
	mine = {case, story.other.name}
	assert [r for r in rows(person=luis) if r[0] in mine] == involves(luis)

	for kind in audit.KINDS:
		assert rows(case=case, kind=kind) == [r for r in expected if r[3] == kind]
	assert [r[3] for r in rows(case=case, kind="Assignment")] == ["Assignment"] * 5

	today, routing_day = getdate(nowdate()), add_days(nowdate(), -3)
	assert rows(case=case, from_date=today) == expected[5:]
	assert rows(case=case, to_date=add_days(today, -1)) == expected[:5]
	assert rows(case=case, from_date=routing_day, to_date=routing_day) == expected[:5]
	assert rows(case=case, from_date=add_days(today, 1)) == []
	assert rows(case=case, person=ana, kind="Assignment", from_date=today) == [
		r for r in expected[5:] if r[3] == "Assignment" and ana in (r[5], r[6])
	]


def test_the_cap_is_said(story, expected):
	trail, cut = audit.trail({"case": story.case.name, "limit": 3})
	assert [tuple(e[c] for c in ("case", *COLUMNS)) for e in trail] == expected[:3]
	assert cut is True
	_columns, data, message = execute({"case": story.case.name, "limit": 3})
	assert len(data) == 3
	assert (
		message
		== "Showing the first 3 entries only: narrow the case, person, kind or period to see the rest."
	)
	_columns, data, message = execute({"case": story.case.name})
	assert (len(data), message) == (len(expected), None)


def test_only_managers_run_the_report(story, expected, people):
	filters = {"case": story.case.name, "from_date": add_days(nowdate(), -30), "to_date": nowdate()}
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError, match="Case Audit Trail"):
		run("Case Audit Trail", filters=json.dumps(filters))
	frappe.set_user(people["manager"])
	result = run("Case Audit Trail", filters=json.dumps(filters))
	assert [tuple(r[c] for c in ("case", *COLUMNS)) for r in result["result"]] == expected
	assert {c["fieldname"]: c["fieldtype"] for c in result["columns"]} == {
		"time": "Datetime",
		"case": "Link",
		"doctype": "Data",
		"docname": "Dynamic Link",
		"kind": "Data",
		"actor": "Link",
		"from_user": "Link",
		"to_user": "Link",
		"how": "Data",
		"reason": "Data",
		"detail": "Small Text",
	}
	roles = frappe.get_all(
		"Has Role", filters={"parent": "Case Audit Trail", "parenttype": "Report"}, pluck="role"
	)
	assert sorted(roles) == ["Legist Manager", "System Manager"]
