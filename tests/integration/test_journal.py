"""The Routing Log and the escalation ledger as Frappe records: rule links, retention, quiet sites."""

from __future__ import annotations

import frappe
from frappe.utils import add_days, now_datetime
from helpers import SAMPLE_RULE, add_rule, log_of, make_case, make_notice, tasks_of

from legist_routing.legist_routing.doctype.escalation_event.escalation_event import EscalationEvent
from legist_routing.legist_routing.doctype.routing_log.routing_log import RoutingLog
from legist_routing.services import journal


def test_the_log_links_the_rules_that_fired(people):
	add_rule(SAMPLE_RULE)
	add_rule({**SAMPLE_RULE, "ruleName": "Never_Fires", "conditions": {"document.type": "NOID"}})
	case = make_case(people)
	notice = make_notice(case)
	log = log_of(notice.name)
	assert [r.rule for r in log.rules] == [SAMPLE_RULE["ruleName"]]
	# the rule's Routing Log button filters on that table
	fired = frappe.get_all(
		"Routing Log", filters=[["Routing Log Rule", "rule", "=", SAMPLE_RULE["ruleName"]]], pluck="name"
	)
	assert log.name in fired
	assert not frappe.get_all("Routing Log", filters=[["Routing Log Rule", "rule", "=", "Never_Fires"]])


def test_retention_clears_old_logs_and_only_closed_tasks_ledger(people):
	add_rule(SAMPLE_RULE)
	case = make_case(people)
	make_notice(case)
	open_task, closed_task = tasks_of(case)[:2]
	frappe.db.set_value("Case Task", closed_task.name, "status", "Completed")
	old = add_days(now_datetime(), -400)
	for task in (open_task, closed_task):
		journal.ledger_row(
			{
				"task": task.name,
				"case": case.name,
				"stage": "remind",
				"version": "v1",
				"action": "remind",
				"ledger_key": f"{task.name}|remind|v1",
				"executed_at": old,
			}
		)
	frappe.db.sql(
		"update `tabEscalation Event` set creation = %s where task in %s",
		(old, (open_task.name, closed_task.name)),
	)
	old_log = journal.write_plain(
		"test.old", f"test.old:{case.name}", case.name, "Case", case.name, "old", {}
	)
	frappe.db.set_value("Routing Log", old_log, "creation", old, update_modified=False)
	recent = frappe.get_all(
		"Routing Log", filters={"case": case.name, "name": ["!=", old_log]}, pluck="name"
	)[0]

	assert frappe.get_hooks("default_log_clearing_doctypes")["Routing Log"][-1] == 365
	RoutingLog.clear_old_logs(days=365)
	EscalationEvent.clear_old_logs(days=365)

	assert not frappe.db.exists("Routing Log", old_log)
	assert frappe.db.exists("Routing Log", recent)
	# the open task keeps its ledger (its steps stay exactly-once); the closed one's is gone
	assert frappe.db.exists("Escalation Event", {"task": open_task.name})
	assert not frappe.db.exists("Escalation Event", {"task": closed_task.name})


def test_keep_scheduler_awake_is_applied_when_switched_on_not_on_migrate():
	from legist_routing.services import install

	frappe.db.set_single_value("System Settings", "dormant_days", 30)
	install.after_migrate()
	assert frappe.db.get_single_value("System Settings", "dormant_days") == 30  # the firm's choice stays
	settings = frappe.get_single("Routing Settings")
	settings.keep_scheduler_awake = 0
	settings.save()
	settings.keep_scheduler_awake = 1
	settings.save()
	assert frappe.db.get_single_value("System Settings", "dormant_days") == 3650
