"""The five KPIs against values worked out by hand on a seeded month (March 2021, whose Mondays are the 1st,
8th, 15th, 22nd and 29th), judged at NOW = 20 March, noon.

The rows are written straight into the tables (``db_insert``: no routing, no stamping) so that every time
is the one the comment beside it says; the test's transaction is rolled back afterwards. Nothing else on
the site is in 2021, and the filters are tested against the same month.
"""

from __future__ import annotations

import datetime as dt
import json

import frappe
import pytest
from helpers import case_type

from legist_routing.engine import kpi as K
from legist_routing.legist_routing.report.routing_kpis.routing_kpis import execute
from legist_routing.services import kpis

NOW = dt.datetime(2021, 3, 20, 12)
MARCH = {"from_date": "2021-03-01", "to_date": "2021-03-31"}
WEEKS = [dt.date(2021, 3, d) for d in (1, 8, 15, 22, 29)]


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3) -> dt.datetime:
	return dt.datetime(2021, month, day, hour, minute)


def insert(doctype: str, **values):
	values.setdefault("owner", "Administrator")
	values.setdefault("modified", values.get("creation") or at(1, 0))
	values.setdefault("creation", values["modified"])
	doc = frappe.get_doc({"doctype": doctype, **values})
	doc.db_insert()
	return doc.name


@pytest.fixture
def month(people):
	"""The seeded month. Each row says what it counts for; the expected numbers are in the tests."""
	sfx = frappe.generate_hash(length=5)
	ana, luis, maria = people["paralegal"], people["paralegal2"], people["attorney"]
	type_a, type_b = case_type(f"KPI Type A {sfx}"), case_type(f"KPI Type B {sfx}")
	team = (
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": f"KPI Team {sfx}",
				"members": [
					{"user": ana, "team_role": "Paralegal", "active": 1, "capacity_tasks": 4},
					{"user": maria, "team_role": "Associate", "active": 1},
					{"user": luis, "team_role": "Paralegal", "active": 0},
				],
			}
		)
		.insert()
		.name
	)

	def case(name, kind, priority, changed):
		return insert(
			"Case",
			name=f"KPIC-{sfx}-{name}",
			case_title=name,
			case_type=kind,
			priority=priority,
			status="Open",
			status_changed_at=changed,
			lead_attorney=maria,
			primary_paralegal=ana,
			creation=at(1, 0, month=2),
		)

	c1 = case("C1", type_a, "Standard", at(2))
	c2 = case("C2", type_b, "High", at(10))
	case("C3", type_a, "Standard", at(16, 10))  # no message since: not yet told
	c4 = case("C4", type_b, "Standard", at(20, month=2))  # changed in February
	case("C5", type_b, "Standard", at(25))  # not yet told

	def task(name, case, kind="Work", status="Open", user=ana, priority="Standard", **values):
		values.setdefault("assigned_at", values.get("creation"))
		return insert(
			"Case Task",
			name=f"KPIT-{sfx}-{name}",
			title=name,
			case=case,
			kind=kind,
			status=status,
			assigned_to=user,
			priority=priority,
			routing_key=f"kpi:{sfx}:{name}",
			**values,
		)

	t = {}
	# Acknowledgements (created in March, with an acknowledgement due time)
	t["T1"] = task(
		"T1",
		c1,
		creation=at(1),
		ack_due=at(1, 13),
		acknowledged_at=at(1, 10),
		due=at(5, 17),
		completed_at=at(5, 12),
		status="Completed",
	)  # on time; deadline met
	t["T2"] = task(
		"T2",
		c1,
		creation=at(2),
		ack_due=at(2, 13),
		acknowledged_at=at(2, 15),
		due=at(4, 17),
		hard_deadline=at(12, 17),
		completed_at=at(6, 10),
		status="Completed",
		reassignment_count=1,
	)  # late; missed its due time, not the USCIS deadline; reassigned
	t["T3"] = task(
		"T3",
		c2,
		user=luis,
		priority="High",
		creation=at(9),
		ack_due=at(9, 13),
		due=at(12, 17),
		hard_deadline=at(15, 17),
		reassignment_count=2,
	)  # never acknowledged; open past both
	t["T4"] = task(
		"T4", c2, kind="Notification", user=maria, priority="High", creation=at(19), ack_due=at(21)
	)  # not due yet at NOW: not counted
	t["T5"] = task(
		"T5", c1, status="Cancelled", creation=at(16), ack_due=at(16, 13), due=at(18, 17)
	)  # cancelled unacknowledged: not counted anywhere but the reassignment cohort
	t["T6"] = task(
		"T6",
		c2,
		kind="Notification",
		user=maria,
		priority="High",
		creation=at(10),
		ack_due=at(10, 11),
		acknowledged_at=at(10, 10, 30),
		due=at(11, 17),
	)  # on time; notifications count
	t["T7"] = task(
		"T7",
		c1,
		kind="Review",
		user=maria,
		status="Completed",
		creation=at(3),
		due=at(8, 12),
		completed_at=at(5, 9),
	)  # a review of 48 h; deadline met
	t["T8"] = task(
		"T8", c1, creation=at(25, month=2), ack_due=at(25, 13, month=2), acknowledged_at=at(25, 15, month=2)
	)  # created in February: outside every cohort
	t["T9"] = task(
		"T9", c1, creation=at(17), ack_due=at(21), acknowledged_at=at(17, 10), due=at(25, 17)
	)  # acknowledged early: on time; its deadline has not come at NOW
	t["T10"] = task(
		"T10",
		c2,
		user=luis,
		priority="High",
		status="Completed",
		creation=at(20, month=2),
		hard_deadline=at(3, 12),
		completed_at=at(3, 13),
	)  # only a USCIS deadline, missed by an hour
	t["T11"] = task("T11", c2, user=luis, creation=at(10), due=at(5, 17, month=4))  # deadline in April
	# Reviews completed in March: 2, 4, 48 (T7) in week 1; 8, 16 in week 2; 28 in week 3
	for name, start, end in (
		("R1", at(1, 8), at(1, 10)),
		("R2", at(2, 8), at(2, 12)),
		("R3", at(8, 9), at(8, 17)),
		("R4", at(9, 9), at(10, 1)),
	):
		t[name] = task(
			name,
			c1 if name < "R3" else c2,
			kind="Review",
			user=maria,
			status="Completed",
			creation=start,
			completed_at=end,
		)
	# R5 was first given to ana at 08:00 on the 15th, then to maria at 10:00 on the 16th: 28 h
	t["R5"] = task(
		"R5",
		c1,
		kind="Review",
		user=maria,
		status="Completed",
		creation=at(15, 8),
		assigned_at=at(16, 10),
		completed_at=at(16, 12),
		reassignment_count=1,
	)
	for user, when, status in ((ana, at(15, 8), "Cancelled"), (maria, at(16, 10), "Closed")):
		insert(
			"ToDo",
			name=f"KPID-{sfx}-{when:%d%H}",
			reference_type="Case Task",
			reference_name=t["R5"],
			allocated_to=user,
			status=status,
			description="R5",
			creation=when,
		)
	t["R6"] = task(
		"R6",
		c2,
		kind="Review",
		user=maria,
		status="Completed",
		creation=at(29),
		completed_at=at(1, 10, month=4),
	)  # completed in April
	t["R7"] = task(
		"R7",
		c2,
		kind="Review",
		user=None,
		status="Completed",
		creation=at(10),
		assigned_at=None,
		completed_at=at(11),
	)  # never assigned: no review time
	t["R8"] = task("R8", c2, kind="Review", user=maria, creation=at(12))  # still open

	# Reassignments, as apply.reassign logs them
	def moved(name, task, when, reason):
		insert(
			"Routing Log",
			name=f"KPIL-{sfx}-{name}",
			event="task.reassigned",
			status="Applied",
			event_key=f"task.reassigned:{sfx}:{name}",
			reference_doctype="Case Task",
			reference_name=task,
			case=frappe.db.get_value("Case Task", task, "case"),
			deliveries=1,
			creation=when,
			reason=reason,
			trace=json.dumps({"from": ana, "to": luis, "reason": reason, "note": "", "by": "x"}),
		)

	moved("L1", t["T2"], at(2, 16), "Overload")
	moved("L2", t["T3"], at(9, 14), "Escalation")
	moved("L3", t["T3"], at(11, 10), "Leave")
	moved("L4", t["T8"], at(1, 8), "Escalation")  # a February task moved in March: counted
	moved("L5", t["T2"], at(2, 9, month=4), "Conflict")  # April
	moved("L7", t["T4"], at(3, 9), "Overload")  # a notification moved: never counted, filtered or not
	insert(
		"Routing Log",
		name=f"KPIL-{sfx}-L6",
		event="case.created",
		status="Applied",
		event_key=f"case.created:{sfx}",
		reference_doctype="Case",
		reference_name=c1,
		case=c1,
		deliveries=1,
		creation=at(3),
		trace="{}",
	)  # not a reassignment

	# Client messages: the first after a status change carries its latency
	def message(name, case, sent, changed, latency, owner):
		insert(
			"Client Message",
			name=f"KPIM-{sfx}-{name}",
			case=case,
			subject=name,
			message=name,
			sent_at=sent,
			status_changed_at=changed,
			latency_hours=latency,
			owner=owner,
			creation=sent,
		)

	message("M1", c1, at(2, 15), at(2), 6, ana)
	message("M2", c2, at(11), at(10), 24, maria)
	message("M3", c1, at(3), at(2), 0, ana)  # a second message after the same change (the portal: 0)
	message("M4", c4, at(1, 10), at(20, month=2), 217, luis)  # sent in March for a February change
	message("M5", c2, at(2, 9, month=4), at(10), 0, maria)  # April
	return frappe._dict(t=t, team=team, type_a=type_a, type_b=type_b, ana=ana, luis=luis, maria=maria)


def measure(**filters) -> dict[str, K.Kpi]:
	return {k.key: k for k in kpis.compute({**MARCH, **filters}, now=NOW).kpis}


def test_acknowledged_within_sla(month):
	k = measure()["acknowledgement_rate"]
	# due: T1, T2, T3, T6, T9; on time: T1, T6, T9 (T4 not due yet, T5 cancelled, T8 in February)
	assert (k.numerator, k.denominator, k.value, k.unit) == (3, 5, 3 / 5, "%")
	assert k.trend == (1 / 2, 1 / 2, 1 / 1, None, None)


def test_time_to_attorney_review_median_and_90th_percentile(month):
	m = measure()
	median, p90 = m["time_to_attorney_review"], m["time_to_attorney_review_p90"]
	# 2, 4, 8, 16, 28, 48 hours: median (8 + 16) / 2; 90th percentile at 0.9 x 5 = 4.5: 28 + 0.5 x 20
	assert (median.value, median.numerator, p90.value, p90.parent) == (12, 6, 38, "time_to_attorney_review")
	# week 1: 2, 4, 48; week 2: 8, 16; week 3: 28 (R5 from its first assignment, not its second)
	assert median.trend == (4, 12, 28, None, None)
	assert p90.trend == (39.2, 15.2, 28, None, None)


def test_missed_deadlines(month):
	m = measure()
	missed, uscis = m["missed_deadlines"], m["missed_uscis_deadlines"]
	# come: T1, T2, T3, T7, T10 (T9's has not, T5 cancelled, T6 a notification, T11's in April)
	# missed: T2 (due time), T3 (open past both), T10 (USCIS deadline); past the USCIS one: T3, T10
	assert (missed.value, missed.denominator, uscis.value, uscis.denominator) == (3, 5, 2, 5)
	assert missed.trend == (2, 1, 0, 0, 0)
	assert uscis.trend == (1, 1, 0, 0, 0)


def test_reassignment_rate_and_reasons(month):
	m = measure()
	rate = m["reassignment_rate"]
	# created in March, notifications aside: T1 T2 T3 T5 T7 T9 T11 R1-R8 = 15; moved: T2, T3, R5
	assert (rate.numerator, rate.denominator, rate.value) == (3, 15, 3 / 15)
	assert rate.trend == (1 / 5, 1 / 6, 1 / 3, None, 0)
	# the reassignments made in March: L1-L4 (L4 moved a February task; L5 is April's)
	assert m["reassignments_rule"].value == 2
	assert m["reassignments_rule:Escalation"].value == 2
	assert m["reassignments_rule:Escalation"].trend == (1, 1, 0, 0, 0)
	assert m["reassignments_manual"].value == 2
	assert (m["reassignments_manual:Overload"].value, m["reassignments_manual:Leave"].value) == (1, 1)
	assert m["reassignments_manual:Conflict"].value == 0
	assert m["reassignments_manual:Overload"].parent == "reassignments_manual"


def test_client_communication_latency(month):
	m = measure()
	mean, median, untold = (
		m["client_communication_latency"],
		m["client_communication_latency_median"],
		m["status_changes_untold"],
	)
	# M1 6 h, M2 24 h, M4 217 h (nine days and an hour; M3 a second message, M5 April's)
	assert (mean.value, mean.numerator, median.value) == (round(247 / 3, 2), 3, 24)
	assert mean.trend == (111.5, 24, None, None, None)
	# C3 (16 March) and C5 (25 March) have had no message since their change
	assert (untold.value, untold.trend) == (2, (0, 0, 1, 1, 0))


def test_filters(month):
	ana = measure(user=month.ana)
	assert (ana["acknowledgement_rate"].numerator, ana["acknowledgement_rate"].denominator) == (2, 3)
	assert (ana["client_communication_latency"].value, ana["client_communication_latency"].numerator) == (
		6,
		1,
	)
	assert ana["time_to_attorney_review"].value is None  # ana completed no review
	a = measure(case_type=month.type_a)
	assert (a["acknowledgement_rate"].numerator, a["acknowledgement_rate"].denominator) == (2, 3)
	assert (a["missed_deadlines"].value, a["missed_deadlines"].denominator) == (1, 3)  # T2 of T1, T2, T7
	assert (a["status_changes_untold"].value, a["client_communication_latency"].value) == (1, 6)
	assert (a["time_to_attorney_review"].value, a["time_to_attorney_review"].numerator) == (
		16,
		4,
	)  # 2 4 28 48
	high = measure(priority="High")
	assert (high["acknowledgement_rate"].numerator, high["acknowledgement_rate"].denominator) == (1, 2)
	assert (high["missed_deadlines"].value, high["missed_uscis_deadlines"].value) == (2, 2)  # T3, T10
	assert (high["client_communication_latency"].value, high["status_changes_untold"].value) == (24, 0)
	team = measure(team=month.team)  # ana and maria (luis is not active)
	assert (team["acknowledgement_rate"].numerator, team["acknowledgement_rate"].denominator) == (3, 4)
	assert team["reassignments_manual:Overload"].value == 1  # L1 moved T2, ana's
	assert team["reassignments_manual:Leave"].value == 0  # L3 moved T3, luis's
	assert (team["client_communication_latency"].value, team["client_communication_latency"].numerator) == (
		15,
		2,
	)  # M1 6 h (ana) and M2 24 h (maria)


def test_by_month(month):
	result = kpis.compute({"from_date": "2021-02-01", "to_date": "2021-03-31", "trend": "Month"}, now=NOW)
	assert result.periods == [dt.date(2021, 2, 1), dt.date(2021, 3, 1)]
	m = {k.key: k for k in result.kpis}
	# February: T8 on time? no, late (13:00 due, 15:00 acknowledged); March as above
	assert m["acknowledgement_rate"].trend == (0, 3 / 5)
	assert m["acknowledgement_rate"].value == 3 / 6
	assert m["missed_deadlines"].trend == (0, 3)
	assert m["status_changes_untold"].trend == (0, 2)  # C4's February change was told (M4)


def test_empty_period_and_nothing_to_divide_by(month):
	empty = kpis.compute({"from_date": "2020-01-01", "to_date": "2020-01-31"}, now=NOW)
	for k in empty.kpis:
		if k.unit in ("%", "h"):
			assert k.value is None, k.key
			assert set(k.trend) == {None}, k.key
		else:
			assert k.value == 0, k.key
		assert (k.numerator, k.denominator) == (0, 0), k.key
	# 19 March: only T4, a notification not due yet: nothing acknowledged or due, no work created
	one = {k.key: k for k in kpis.compute({"from_date": "2021-03-19", "to_date": "2021-03-19"}, now=NOW).kpis}
	assert (one["acknowledgement_rate"].value, one["acknowledgement_rate"].denominator) == (None, 0)
	assert (one["reassignment_rate"].value, one["reassignment_rate"].denominator) == (None, 0)
	assert one["missed_deadlines"].value == 0


def test_one_kpi_alone_is_the_same(month):
	whole = measure()
	for key in kpis.SOURCES:
		alone = {k.key: k for k in kpis.compute(MARCH, now=NOW, only=key).kpis}
		assert alone[key] == whole[key]
		for k in alone.values():  # only the KPI and its own breakdown rows
			root = k
			while root.parent:
				root = alone[root.parent]
			assert root.key == key
			assert k == whole[k.key]


def test_period_that_ends_before_it_starts_is_refused():
	with pytest.raises(frappe.ValidationError, match="From"):
		kpis.compute({"from_date": "2021-03-10", "to_date": "2021-03-01"})
	with pytest.raises(frappe.ValidationError, match="Trend"):
		kpis.compute({**MARCH, "trend": "Fortnight"})


def test_report(month):
	columns, rows, message, chart, summary = execute({**MARCH, "chart": "time_to_attorney_review"})
	by_key = {r["key"]: r for r in rows}
	# the report judges "not due yet" at the real now: T4's acknowledgement and T9's deadline have come
	assert by_key["acknowledgement_rate"]["value"] == "50%"  # 3 of 6
	assert (by_key["missed_deadlines"]["value"], by_key["missed_deadlines"]["denominator"]) == ("4", 6)
	assert by_key["time_to_attorney_review"]["value"] == "12 h"
	assert by_key["time_to_attorney_review_p90"]["p_20210301"] == "39.2 h"
	assert by_key["time_to_attorney_review"]["p_20210322"] == "n/a"
	assert by_key["reassignment_rate"]["value"] == "20%"
	assert by_key["client_communication_latency"]["value"] == "82.33 h"
	assert by_key["reassignments_manual:Overload"]["indent"] == 2
	assert by_key["reassignments_manual:Overload"]["parent_key"] == "reassignments_manual"
	assert [c["fieldname"] for c in columns[4:]] == [f"p_{w:%Y%m%d}" for w in WEEKS]
	assert chart["data"]["datasets"][0]["values"] == [4, 12, 28, 0, 0]
	assert len(chart["data"]["labels"]) == 5
	assert [s["label"] for s in summary] == [kpis.label_of(key) for key in K.KEYS]
	for _label, definition in kpis.definitions():
		assert frappe.utils.escape_html(definition) in message
	percent = execute({**MARCH, "chart": "reassignment_rate"})[3]["data"]["datasets"][0]["values"]
	assert percent == [20, round(100 / 6, 2), round(100 / 3, 2), 0, 0]


def test_the_report_is_for_managers_only(people):
	from frappe.desk.query_report import run

	frappe.set_user(people["paralegal"])
	with pytest.raises(frappe.PermissionError):
		run("Routing KPIs", filters=MARCH)
	frappe.set_user(people["manager"])
	assert run("Routing KPIs", filters=MARCH)["result"]


def test_the_report_has_its_indexes():
	"""Made as each table is made (``on_doctype_update``), and by a patch on older sites; the benchmark
	shows what they are worth."""
	for doctype, index, columns in (
		(
			"Routing Log",
			"event_creation_index",
			["event", "creation", "reference_doctype", "reference_name", "reason"],
		),
		(
			"Case Task",
			"kind_status_completed_at_index",
			["kind", "status", "completed_at", "assigned_at", "reassignment_count"],
		),
		("Client Message", "case_status_changed_at_index", ["case", "status_changed_at", "sent_at"]),
	):
		rows = frappe.db.sql(f"show index from `tab{doctype}` where Key_name = %s", index, as_dict=True)
		assert [r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)] == columns, doctype
