"""The demo the README's first command loads, on the real site (rolled back afterwards): every role, two
teams, about thirty cases in both languages with work in every state, and nothing added a second time."""

from __future__ import annotations

import frappe

from legist_routing.demo import load


def counts():
	return {
		doctype: frappe.db.count(doctype)
		for doctype in ("User", "Case", "Case Notice", "Case Task", "Client Message", "Routing Team")
	}


def test_the_demo_shows_the_system_at_work_and_loads_once(recipes):
	load.seed()
	cases = frappe.get_all(
		"Case", filters={"case_title": ["like", "% — %"]}, fields=["case_type", "preferred_language"]
	)
	assert len(cases) >= 30
	assert {c.case_type for c in cases} >= set(load.DEMO_TYPES)
	assert {c.preferred_language for c in cases} >= {"en", "es"}
	for role in ("Legist Manager", "Legist Attorney", "Legist Paralegal", "Legist Intake", "Legist Client"):
		assert frappe.get_all("Has Role", filters={"role": role, "parenttype": "User"}, limit=1), role
	assert frappe.db.count("Routing Team") >= 2

	status = dict(frappe.db.sql("select status, count(*) from `tabCase Task` group by status"))
	for wanted in (
		"Open",
		"In Progress",
		"Waiting on Client",
		"Waiting on Third Party",
		"Completed",
		"Cancelled",
	):
		assert status.get(wanted), (wanted, status)
	assert frappe.db.count("Case Task", {"decision": "Rejected"}) >= 1
	assert frappe.db.count("Case Task", {"decision": "Approved"}) >= 1
	overdue = frappe.db.sql(
		"""select count(*) from `tabCase Task` where status not in ('Completed', 'Cancelled')
		and ack_due < now() and acknowledged_at is null"""
	)[0][0]
	assert overdue >= 1
	assert frappe.db.count("Escalation Event") >= 1  # the ladder ran on the overdue work
	spanish = frappe.get_all("Client Message", filters={"language": "es"}, pluck="subject")
	assert any("biométricos" in s for s in spanish)

	before = counts()
	load.seed()
	assert counts() == before
