"""Case Task Access rows (services/access.py): after every change of who is on a case, and of a task, the rows
are what the documents say, computed here from the documents themselves; and a staff member's Case Task list
read through them is the one the cases they are on give."""

from __future__ import annotations

import frappe
import pytest
from helpers import SAMPLE_RULE, add_rule, make_case, make_notice, tasks_of

from legist_routing.services import access, permissions, tasks


def staff(email: str, role: str = "Legist Paralegal") -> str:
	if not frappe.db.exists("User", email):
		doc = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		doc.add_roles(role)
	return email


def truth(cases) -> set[tuple]:
	"""(user, task, case, modified) for every person on these cases and task of theirs, from the documents."""
	want = set()
	for name in cases:
		case = frappe.get_doc("Case", name)
		on = {case.lead_attorney, case.primary_paralegal, case.secondary_owner, case.intake_specialist}
		if case.team:
			on |= {m.user for m in frappe.get_doc("Routing Team", case.team).members if m.active}
		rows = frappe.get_all("Case Task", filters={"case": name}, fields=["name", "assigned_to", "modified"])
		on |= {t.assigned_to for t in rows}
		want |= {(u, t.name, name, t.modified) for u in on if u for t in rows}
	return want


def stored(cases) -> set[tuple]:
	rows = frappe.db.sql(
		"select `user`, task, `case`, task_modified from `tabCase Task Access` where `case` in %(c)s",
		{"c": tuple(cases)},
	)
	return {tuple(r) for r in rows}


def assert_in_sync(*cases):
	want, have = truth(cases), stored(cases)
	assert have == want, f"missing: {sorted(want - have)}; not due: {sorted(have - want)}"


def listed(user: str, **kw) -> list[str]:
	frappe.set_user(user)
	try:
		return frappe.get_list("Case Task", pluck="name", order_by="`tabCase Task`.`modified` desc", **kw)
	finally:
		frappe.set_user("Administrator")


@pytest.fixture
def routed(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	make_notice(case)
	assert len(tasks_of(case)) >= 2
	return case


def test_a_routed_case_gives_its_people_rows_and_its_paralegal_the_list(routed, people):
	assert_in_sync(routed.name)
	mine = [t.name for t in tasks_of(routed)]
	assert set(listed(people["paralegal"], filters={"case": routed.name})) == set(mine)
	assert listed(people["paralegal"], filters={"case": routed.name}, limit_page_length=1)
	outsider = staff("nadia.outsider@firm.test")
	assert listed(outsider, filters={"case": routed.name}) == []
	frappe.set_user(outsider)
	try:
		assert frappe.db.count("Case Task", {"case": routed.name}) == len(mine)  # no hooks: the raw count
		assert frappe.get_list("Case Task", filters={"case": routed.name}, fields=["count(*) as n"])[0].n == 0
	finally:
		frappe.set_user("Administrator")


def test_a_reassignment_brings_the_new_assignee_on_and_takes_them_off_again(routed, people):
	newcomer = staff("teo.newcomer@firm.test")
	task = tasks_of(routed)[0]
	tasks.manual_reassign(task.name, newcomer, "Overload", "")
	assert_in_sync(routed.name)
	assert set(listed(newcomer)) >= {t.name for t in tasks_of(routed)}  # the whole case, not one task
	tasks.manual_reassign(task.name, people["paralegal"], "Overload", "")
	assert_in_sync(routed.name)
	assert not set(listed(newcomer)) & {t.name for t in tasks_of(routed)}


def test_a_case_slot_or_team_change_moves_the_rows(routed, people):
	intake = staff("ivan.intake@firm.test", "Legist Intake")
	case = frappe.get_doc("Case", routed.name)
	case.intake_specialist = intake
	case.save()
	assert_in_sync(case.name)
	assert set(listed(intake)) >= {t.name for t in tasks_of(case)}

	member = staff("tina.team@firm.test")
	team = frappe.get_doc(
		{
			"doctype": "Routing Team",
			"team_name": "Access Rows Team",
			"members": [{"user": member, "team_role": "Paralegal", "active": 1}],
		}
	).insert()
	case.reload()
	case.team = team.name
	case.save()
	assert_in_sync(case.name)
	assert set(listed(member)) >= {t.name for t in tasks_of(case)}

	team.members[0].active = 0
	team.save()
	assert_in_sync(case.name)
	assert not set(listed(member)) & {t.name for t in tasks_of(case)}


def test_a_task_save_and_db_set_carry_its_new_modified_time(routed, people):
	task = frappe.get_doc("Case Task", tasks_of(routed)[0].name)
	task.priority = "High"
	task.save()
	assert_in_sync(routed.name)
	assert listed(people["paralegal"])[0] == task.name  # the newest first, read in the rows' order

	other = frappe.get_doc("Case Task", tasks_of(routed)[1].name)
	other.db_set("priority", "Low")  # no save, but on_change: the rows follow
	assert_in_sync(routed.name)
	assert listed(people["paralegal"])[0] == other.name


def test_a_task_moved_to_another_case_or_deleted_leaves_no_row_behind(routed, people):
	elsewhere = make_case(
		{**people, "paralegal": people["paralegal2"]},
		case_title="Another case",
		secondary_owner=None,
	)
	task = frappe.get_doc("Case Task", tasks_of(routed)[0].name)
	task.case = elsewhere.name
	task.save()
	assert_in_sync(routed.name, elsewhere.name)
	assert task.name in listed(people["paralegal2"])

	frappe.delete_doc("Case Task", task.name, force=True)
	assert_in_sync(routed.name, elsewhere.name)
	assert not frappe.db.exists("Case Task Access", {"task": task.name})


def test_the_rebuild_mends_rows_written_around_the_app(routed, people):
	outsider = staff("omar.outsider@firm.test")
	first = tasks_of(routed)[0].name
	frappe.db.sql("delete from `tabCase Task Access` where task = %s", first)
	frappe.db.sql(
		"update `tabCase Task Access` set task_modified = '2001-01-01' where `case` = %s and task != %s",
		(routed.name, first),
	)
	frappe.db.sql(
		"""insert into `tabCase Task Access` (name, `user`, task, `case`, task_modified)
		select 'forged-row', %s, name, `case`, modified from `tabCase Task` where name = %s""",
		(outsider, first),
	)
	frappe.db.sql(
		"""insert into `tabCase Task Access` (name, `user`, task, `case`, task_modified)
		values ('orphan-row', %s, %s, 'CASE-NO-SUCH', null)""",
		(outsider, tasks_of(routed)[1].name),
	)
	assert listed(outsider) == [first]  # what a write around the app does, until mended
	access.rebuild()
	assert_in_sync(routed.name)
	assert listed(outsider) == []
	assert not frappe.db.exists("Case Task Access", "orphan-row")


def test_the_list_condition_reads_the_rows_and_forms_read_the_cases(routed, people):
	condition = permissions.query_conditions(people["paralegal"], "Case Task")
	assert "`tabCase Task Access`" in condition and "task_modified" in condition
	assert permissions.query_conditions(people["manager"], "Case Task") == ""
	task = frappe.get_doc("Case Task", tasks_of(routed)[0].name)
	outsider = staff("olive.outsider@firm.test")
	assert frappe.has_permission("Case Task", "read", doc=task, user=people["paralegal"])
	assert not frappe.has_permission("Case Task", "read", doc=task, user=outsider)
