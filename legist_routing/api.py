"""Whitelisted API. Each endpoint checks permissions, then calls one service."""

from __future__ import annotations

import frappe
from frappe import _

from legist_routing.services import backtest as backtests
from legist_routing.services import portal, rules, ruleset_checks, settings, tasks, workspace
from legist_routing.services import simulate as simulation
from legist_routing.services import versions as config_versions


def _staff():
	"""The firm's desk API: refused to website users (the portal's clients use portal_upload only)."""
	if not settings.is_desk_user():
		frappe.throw(_("Only the firm's staff can do this."), frappe.PermissionError)


@frappe.whitelist()
def constants() -> dict:
	"""Closed statuses, manager roles, reassignment reasons and the audit trail's kinds, so the desk's
	scripts never spell them again."""
	_staff()
	return workspace.desk_constants()


@frappe.whitelist(methods=["POST"])
def import_rules(rules_json: str | list | dict | None = None, overwrite: int | str = 1) -> list[str]:
	"""Import one routing rule or a list, in the practice guide's JSON shape. All or nothing: a refusal
	names each bad rule, its field and the fix."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	names = rules.import_rules(rules_json, overwrite=frappe.utils.cint(overwrite) == 1)
	ruleset_checks.warn(names)  # what the checks find about the imported rules: shown, never blocking
	return names


@frappe.whitelist()
def export_rules(names: str | list | None = None) -> list[dict]:
	"""Routing rules in the guide's JSON shape (all, or the named ones)."""
	_staff()
	frappe.has_permission("Routing Rule", "read", throw=True)
	if isinstance(names, str):
		names = frappe.parse_json(names)
	return rules.export_rules(names or None)


@frappe.whitelist()
def check_rule_set() -> dict:
	"""The rule-set checks over every Routing Rule (managers): rules that can never fire, conditions on
	values no case can have, rules shadowed by a higher-priority rule that stops processing, two rules
	giving the same work to different people on one event, and templates, teams, policies, roles or
	users that do not exist. Each finding names its rule and the fix; nothing is changed."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return ruleset_checks.report()


@frappe.whitelist(methods=["POST"])
def simulate(
	trigger: str,
	case: str | None = None,
	case_values: str | dict | None = None,
	notice_values: str | dict | None = None,
	task_values: str | dict | None = None,
	rules_json: str | dict | list | None = None,
	include_enabled: int | str = 1,
	now: str | None = None,
) -> dict:
	"""What routing would do for an event, with nothing written: the rules that would fire with each
	condition's result, who would get each task and why, the due times and the escalation schedule.

	``case_values`` / ``notice_values`` / ``task_values``: JSON objects describing the case, notice or task
	(or naming one: ``{"name": "NOTICE-…"}``); ``rules_json``: draft rules (one or a list, in the guide's
	shape or a Routing Rule form's fields), simulated even when disabled or unsaved. Managers only."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return simulation.simulate(
		trigger,
		case=case or None,
		case_values=case_values,
		notice_values=notice_values,
		task_values=task_values,
		rules_json=rules_json,
		include_enabled=frappe.utils.cint(include_enabled) == 1,
		now=now or None,
	)


@frappe.whitelist(methods=["POST"])
def start_backtest(
	from_date: str,
	to_date: str,
	rules_json: str | dict | list | None = None,
	without: str | list | None = None,
	include_enabled: int | str = 1,
	background: int | str | None = None,
) -> dict:
	"""Replay the routed events of a past period (both dates included) through a draft rule set, with
	nothing written: the enabled rules with ``rules_json``'s drafts in place of the saved rules of their
	names (drafts only with ``include_enabled=0``), less the rules named in ``without`` (a list or
	comma-separated names). Returns ``job_id`` for ``backtest_result``; a period of more than a few dozen
	events (or ``background=1``) runs as a background job that reports its progress. Managers only."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return backtests.start(
		from_date,
		to_date,
		rules_json=rules_json or None,
		without=without or None,
		include_enabled=frappe.utils.cint(include_enabled) == 1,
		background=None if background in (None, "") else frappe.utils.cint(background) == 1,
	)


@frappe.whitelist()
def backtest_result(job_id: str) -> dict:
	"""A backtest's status (queued, running, done or failed), its progress and, once done, its report: the
	assignments that would change, the workload per person and the acknowledgement and deadline risk, side
	by side with what happened. For the manager who started it."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return backtests.result(job_id)


@frappe.whitelist(methods=["POST"])
def acknowledge_task(name: str) -> dict:
	"""The assignee acknowledges a Case Task."""
	_staff()
	return tasks.acknowledge(name)


@frappe.whitelist(methods=["POST"])
def acknowledge_tasks(names: str | list) -> list[dict]:
	"""Acknowledge several tasks at once (the list view's action)."""
	_staff()
	if isinstance(names, str):
		names = frappe.parse_json(names)
	return [tasks.acknowledge(name) for name in names]


@frappe.whitelist(methods=["POST"])
def reassign_task(name: str, user: str, reason: str, note: str | None = None) -> dict:
	"""A manager moves a task to another person, with a reason (audited, counted in the reassignment rate)."""
	_staff()
	task = tasks.manual_reassign(name, user, reason, note or "")
	return {"name": task.name, "assigned_to": task.assigned_to}


@frappe.whitelist(methods=["POST"])
def decide_task(name: str, decision: str, comments: str | None = None) -> dict:
	"""The reviewer approves a review task, or sends the work back with comments (Rejected)."""
	_staff()
	return tasks.decide(name, decision, comments or "")


# ------------------------------------------------------------------------------------- the portal
@frappe.whitelist(methods=["POST"])
def portal_upload(request: str) -> dict:
	"""A client uploads a document against a requested item (multipart form: ``request`` and ``file``)."""
	upload = frappe.request.files.get("file") if frappe.request else None
	if upload is None:
		frappe.throw(_("File: choose a file to upload."), title=_("File refused"))
	return portal.upload(request, upload.filename, upload.stream.read())


@frappe.whitelist(methods=["POST"])
def request_documents(case: str, items: str | list, task: str | None = None) -> list[str]:
	"""Staff ask the client for documents: ``items`` is a list of names or of {item, instructions, due_date}."""
	_staff()
	if isinstance(items, str):
		items = frappe.parse_json(items)
	return portal.request_documents(case, items, task)


@frappe.whitelist(methods=["POST"])
def review_upload(request: str, decision: str, note: str | None = None) -> dict:
	"""Staff accept a client's upload, or return it with what is missing."""
	_staff()
	return portal.review_upload(request, decision, note or "")


@frappe.whitelist(methods=["POST"])
def message_client(case: str, subject: str, message: str) -> str:
	"""Staff tell the client about their case: shown in the portal and e-mailed in the client's language."""
	_staff()
	return portal.message_client(case, subject, message)


# ---------------------------------------------------------------------------------- the workspace
@frappe.whitelist()
def kpi_card(filters: str | dict | None = None) -> dict | str:
	"""A KPI for a workspace number card (managers): ``filters.kpi`` over the last 30 days or the given
	period, for the given case type, team, person or priority; "n/a" when nothing was measured."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	return workspace.kpi_card(frappe.parse_json(filters) or {})


@frappe.whitelist()
def kpi_trend(
	chart_name: str | None = None,
	filters: str | dict | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	heatmap_year: str | None = None,
	refresh: str | int | None = None,
) -> dict:
	"""A KPI's trend for a workspace chart (managers): the Dashboard Chart Source "Routing KPI Trend"."""
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	chart = frappe.get_cached_doc("Dashboard Chart", chart_name) if chart_name else None
	values = frappe.parse_json(filters) or (frappe.parse_json(chart.filters_json) if chart else None) or {}
	return workspace.kpi_trend(
		values,
		timespan or (chart.timespan if chart else None),
		time_interval or (chart.time_interval if chart else None),
		from_date,
		to_date,
	)


# ------------------------------------------------------------------ versions of rules and policies
def _versions_reader():
	_staff()
	frappe.only_for(settings.MANAGER_ROLES)
	frappe.has_permission(config_versions.DOCTYPE, "read", throw=True)


@frappe.whitelist()
def list_versions(doctype: str, name: str) -> list[dict]:
	"""The versions of a Routing Rule or an Escalation Policy, newest first (managers)."""
	_versions_reader()
	return config_versions.listing(doctype, name)


@frappe.whitelist()
def compare_versions(doctype: str, name: str, from_version: int | str, to_version: int | str) -> dict:
	"""Two versions of a rule or a policy, field by field, with the paths inside each field that changed
	(conditions and actions as JSON). Managers only."""
	_versions_reader()
	return config_versions.compare(doctype, name, from_version, to_version)


@frappe.whitelist(methods=["POST"])
def restore_version(doctype: str, name: str, version: int | str, note: str | None = None) -> dict:
	"""Save the rule or policy with a version's content, which keeps a new version (managers who may
	change it). Restoring the content it already has changes nothing."""
	_versions_reader()
	return config_versions.restore(doctype, name, version, note)
