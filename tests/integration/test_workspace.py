"""The Legist Routing workspace: shipped with the module, the default for the app's staff, and what each
person may see on it.

Decided: the work cards (my open tasks, open, due today, overdue, unroutable) count through Frappe's
``get_list`` and so respect record-level permissions — a paralegal counts the tasks of the cases they are
on; the KPI cards and charts, the open-work chart and the escalation card and chart are managers' only
(the KPI cards read the Routing Log's permission, the trend charts have a Roles table, the open-work chart
is a manager-only report, escalations are a manager-only DocType), and the API behind them refuses
everyone else.
"""

from __future__ import annotations

import json

import frappe
import pytest
from frappe.desk import desk_page
from frappe.desk.desktop import get_desktop_page
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import add_days, add_to_date, now_datetime
from helpers import client, make_case

from legist_routing import api
from legist_routing.legist_routing.report.open_work_by_person.open_work_by_person import execute
from legist_routing.services import access, settings, workspace

WORK_CARDS = {
	"Legist My Open Tasks",
	"Legist Open Tasks",
	"Legist Tasks Due Today",
	"Legist Overdue Tasks",
	"Legist Unroutable Tasks",
}
MANAGER_CARDS = {
	"Legist Escalations Last 7 Days",
	"Legist KPI Acknowledged within SLA",
	"Legist KPI Median Time to Attorney Review",
	"Legist KPI P90 Time to Attorney Review",
	"Legist KPI Missed Deadlines",
	"Legist KPI Reassignment Rate",
	"Legist KPI Client Communication Latency",
}
CHARTS = {
	"Legist Open Work Against Capacity",
	"Legist Acknowledged within SLA",
	"Legist Time to Attorney Review",
	"Legist Missed Deadlines",
	"Legist Reassignment Rate",
	"Legist Client Communication Latency",
	"Legist Escalations per Day",
}


def page(user: str) -> dict:
	frappe.set_user(user)
	try:
		return get_desktop_page(
			json.dumps({"name": "Legist Routing", "title": "Legist Routing", "public": 1})
		)
	finally:
		frappe.set_user("Administrator")


def names(section: dict, field: str) -> set[str]:
	return {item.get(field) for item in section["items"]}


def test_the_workspace_ships_with_the_module():
	ws = frappe.get_doc("Workspace", "Legist Routing")
	assert (ws.module, ws.public, ws.is_hidden) == ("Legist Routing", 1, 0)
	assert {r.role for r in ws.roles} >= {
		"Legist Manager",
		"Legist Attorney",
		"Legist Paralegal",
		"Legist Intake",
	}
	assert {c.number_card_name for c in ws.number_cards} == WORK_CARDS | MANAGER_CARDS
	assert {c.chart_name for c in ws.charts} == CHARTS
	# every card and chart is on the page (the page's blocks name them by their label in the workspace)
	content = json.loads(ws.content)
	placed = {b["type"]: set() for b in content}
	for b in content:
		data = b["data"]
		placed[b["type"]].add(
			data.get("number_card_name") or data.get("chart_name") or data.get("shortcut_name")
		)
	assert placed["number_card"] == {c.label for c in ws.number_cards}
	assert placed["chart"] == {c.label for c in ws.charts}
	assert placed["shortcut"] == {s.label for s in ws.shortcuts}
	shortcuts = {s.label: s for s in ws.shortcuts}
	for target in ("Routing Rule", "Escalation Policy", "Routing Team", "Business Calendar"):
		assert shortcuts[target].type == "DocType"
		assert shortcuts[target].link_to == target
	assert shortcuts["Case Audit Trail"].type == "Report"
	simulator_shortcut = shortcuts["Rule Simulator"]
	assert (simulator_shortcut.type, simulator_shortcut.link_to) == ("Page", "rule-simulator")
	simulator = frappe.get_doc("Page", "rule-simulator")
	assert (simulator.standard, simulator.module) == ("Yes", "Legist Routing")
	assert {r.role for r in simulator.roles} == {"Legist Manager", "System Manager"}
	for name in WORK_CARDS | MANAGER_CARDS:
		card = frappe.get_doc("Number Card", name)
		assert (card.is_standard, card.module) == (1, "Legist Routing"), name
	for name in CHARTS:
		chart = frappe.get_doc("Dashboard Chart", name)
		assert (chart.is_standard, chart.module) == (1, "Legist Routing"), name
	assert frappe.db.exists("Dashboard Chart Source", "Routing KPI Trend")


def test_a_manager_sees_every_card_and_chart(people):
	desk = page(people["manager"])
	assert names(desk["number_cards"], "number_card_name") == WORK_CARDS | MANAGER_CARDS
	assert names(desk["charts"], "chart_name") == CHARTS
	assert {"Routing Rule", "Rule Simulator", "Case Audit Trail", "Routing KPIs"} <= names(
		desk["shortcuts"], "label"
	)
	frappe.set_user(people["manager"])
	assert desk_page.get("rule-simulator").name == "rule-simulator"
	frappe.set_user("Administrator")


@pytest.mark.parametrize("who", ["paralegal", "attorney"])
def test_staff_see_their_work_cards_and_no_kpis(people, who):
	desk = page(people[who])
	assert names(desk["number_cards"], "number_card_name") == WORK_CARDS
	assert names(desk["charts"], "chart_name") == set()
	labels = names(desk["shortcuts"], "label")
	assert "Case Audit Trail" not in labels and "Routing KPIs" not in labels
	assert "Rule Simulator" not in labels  # the simulator is the managers'
	assert "Routing Rule" in labels  # staff read the configuration
	frappe.set_user(people[who])
	with pytest.raises(frappe.PermissionError):  # nor may they open its page by name
		desk_page.get("rule-simulator")
	assert not frappe.has_permission("Number Card", doc="Legist KPI Acknowledged within SLA")
	assert not frappe.has_permission("Dashboard Chart", doc="Legist Acknowledged within SLA")
	assert frappe.has_permission("Number Card", doc="Legist Overdue Tasks")


def _card_filters(name: str, user: str, cases: list[str]) -> list:
	"""The filters the desk sends for a Document Type card: its own, with its JavaScript values worked
	out as the browser would, narrowed to this test's cases."""
	card = frappe.get_doc("Number Card", name)
	now = now_datetime()
	values = {
		"frappe.session.user": user,
		"frappe.datetime.now_datetime()": now,
		"frappe.datetime.add_days(frappe.datetime.now_datetime(), -7)": add_days(now, -7),
	}
	dynamic = [[*f[:3], values[f[3]]] for f in json.loads(card.dynamic_filters_json or "[]")]
	return [*json.loads(card.filters_json), *dynamic, [card.document_type, "case", "in", cases]], card


def test_work_cards_count_only_what_the_reader_may_see(people):
	now = now_datetime()
	mine = make_case(people, case_title="Cards: ana's case")
	other = make_case(
		people,
		case_title="Cards: not ana's",
		primary_paralegal=people["paralegal2"],
		secondary_owner=None,
		lead_attorney=people["attorney"],
	)
	cases = [mine.name, other.name]
	today = now.replace(hour=23, minute=58, second=0, microsecond=0)
	for case, user in ((mine, people["paralegal"]), (other, people["paralegal2"])):
		for title, values in (
			("due today", {"due": today}),
			("overdue", {"due": add_to_date(now, hours=-30)}),
			("unroutable", {"unroutable": 1}),
			("done", {"status": "Completed", "due": add_to_date(now, hours=-30)}),
		):
			frappe.get_doc(
				{
					"doctype": "Case Task",
					"case": case.name,
					"title": title,
					"kind": "Work",
					"status": "Open",
					**values,
				}
			).db_insert()
		frappe.db.set_value(
			"Case Task", {"case": case.name, "title": "due today"}, "assigned_to", user, update_modified=False
		)
	access.sync_cases(cases)  # db_insert and set_value run no hooks: what the README asks of such writers
	expected = {
		# card: (what ana counts, what the manager counts)
		"Legist Open Tasks": (3, 6),
		"Legist Tasks Due Today": (1, 2),
		"Legist Overdue Tasks": (1, 2),
		"Legist Unroutable Tasks": (1, 2),
		"Legist My Open Tasks": (1, 0),  # ana's own "due today"; the manager holds none
	}
	for name, (as_ana, as_manager) in expected.items():
		for who, count in (("paralegal", as_ana), ("manager", as_manager)):
			filters, card = _card_filters(name, people[who], cases)
			frappe.set_user(people[who])
			assert get_result(card.as_json(), json.dumps(filters, default=str)) == count, (name, who)
			frappe.set_user("Administrator")


def test_kpi_cards_and_trends_are_for_managers_only(people):
	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		api.kpi_card(json.dumps({"kpi": "missed_deadlines"}))
	with pytest.raises(frappe.PermissionError):
		api.kpi_trend(chart_name="Legist Acknowledged within SLA")
	frappe.set_user(people["manager"])
	card = api.kpi_card(json.dumps({"kpi": "missed_deadlines"}))
	assert card["fieldtype"] == "Int" and card["route"] == ["query-report", "Routing KPIs"]
	# nothing to measure: "n/a", not a 0%
	assert (
		api.kpi_card(
			json.dumps({"kpi": "acknowledgement_rate", "from_date": "2001-01-01", "to_date": "2001-01-31"})
		)
		== "n/a"
	)
	with pytest.raises(frappe.ValidationError, match="KPI"):
		api.kpi_card(json.dumps({"kpi": "happiness"}))


def test_kpi_trend_follows_the_charts_timespan_and_interval(people):
	frappe.set_user(people["manager"])
	weekly = api.kpi_trend(chart_name="Legist Acknowledged within SLA")  # Last Quarter, Weekly
	assert len(weekly["labels"]) in (14, 15) and len(weekly["datasets"][0]["values"]) == len(weekly["labels"])
	monthly = api.kpi_trend(
		chart_name="Legist Missed Deadlines",
		timespan="Select Date Range",
		time_interval="Monthly",
		from_date="2021-01-15",
		to_date="2021-03-02",
	)
	assert monthly == {
		"labels": ["Jan 2021", "Feb 2021", "Mar 2021"],
		"datasets": [{"name": "Missed deadlines", "values": [0, 0, 0]}],
	}
	p90 = api.kpi_trend(
		filters=json.dumps({"kpi": "time_to_attorney_review_p90"}),
		timespan="Last Year",
		time_interval="Quarterly",
	)
	assert p90["datasets"][0]["name"] == "90th percentile time to attorney review"
	assert len(p90["labels"]) in (4, 5)


def test_boot_makes_the_workspace_the_staffs_default(people):
	from frappe.boot import get_bootinfo

	for who in ("manager", "paralegal", "attorney"):
		frappe.set_user(people[who])
		boot = get_bootinfo()
		assert boot.user.default_workspace["name"] == "Legist Routing", who
		# the desk's constants ride in the boot, so a form's script has them as it opens
		assert boot.legist_routing["closed"] == list(settings.CLOSED), who
		assert "document.notice_type" in boot.legist_routing["facts"]["document.received"], who
		assert boot.legist_routing == workspace.desk_constants(), who
	frappe.set_user("Administrator")
	# someone who chose their own keeps it
	frappe.db.set_value("User", people["attorney"], "default_workspace", "Users")
	frappe.set_user(people["attorney"])
	assert get_bootinfo().user.default_workspace["name"] == "Users"
	# Frappe's own administrators are left alone
	frappe.set_user("Administrator")
	bootinfo = frappe._dict(user=frappe._dict(roles=["System Manager"], default_workspace=None))
	workspace.boot_session(bootinfo)
	assert bootinfo.user.default_workspace is None
	assert bootinfo.legist_routing == workspace.desk_constants()  # a desk user: the constants all the same
	# a website user (a portal client) gets nothing of the desk's
	frappe.set_user(client(f"boot.{frappe.generate_hash(length=6)}@client.test"))
	bootinfo = frappe._dict(user=frappe._dict(roles=["Legist Client"], default_workspace=None))
	workspace.boot_session(bootinfo)
	assert "legist_routing" not in bootinfo and bootinfo.user.default_workspace is None
	frappe.set_user("Administrator")


def test_open_work_against_capacity(people):
	team = frappe.get_doc(
		{
			"doctype": "Routing Team",
			"team_name": f"Capacity {frappe.generate_hash(length=5)}",
			"members": [
				{"user": people["paralegal"], "team_role": "Paralegal", "active": 1, "capacity_tasks": 4},
				{"user": people["paralegal2"], "team_role": "Paralegal", "active": 1},
				{"user": people["attorney"], "team_role": "Associate", "active": 0},
			],
		}
	).insert()
	before = {r.person: r for r in workspace.open_work(team.name)}
	case = make_case(people)
	for n in range(3):
		frappe.get_doc(
			{
				"doctype": "Case Task",
				"case": case.name,
				"title": f"open {n}",
				"kind": "Work",
				"status": "Open",
				"assigned_to": people["paralegal"],
				"estimated_hours": 1.5,
				"due": add_days(now_datetime(), -1) if n == 0 else None,
			}
		).db_insert()
	rows = {r.person: r for r in workspace.open_work(team.name)}
	assert set(rows) == {people["paralegal"], people["paralegal2"]}  # the inactive member is not listed
	ana = rows[people["paralegal"]]
	assert ana.open_tasks - before[people["paralegal"]].open_tasks == 3
	assert ana.overdue - before[people["paralegal"]].overdue == 1
	assert float(ana.open_hours - before[people["paralegal"]].open_hours) == 4.5
	assert (ana.capacity_tasks, float(ana.load_tasks)) == (4, ana.open_tasks / 4)
	assert rows[people["paralegal2"]].load_tasks is None  # no limit
	_columns, data, _message, chart = execute({"team": team.name})
	assert [d["person"] for d in data] == [r.person for r in workspace.open_work(team.name)]
	assert chart["data"]["datasets"][0]["values"] == [int(d["open_tasks"]) for d in data]
	assert chart["data"]["datasets"][1]["values"] == [int(d["capacity_tasks"]) for d in data]
	frappe.set_user(people["paralegal"])
	from frappe.desk.query_report import run

	with pytest.raises(frappe.PermissionError):
		run("Open Work by Person")
