"""The fact vocabulary: which dotted paths a rule may read, their types, and the guide's own names.

Facts reach the engine as a flat mapping ``{"case.case_type": "Adjustment of Status", ...}``; the
services build it from documents. Rules may name facts the way the practice guide does
(``case.type``, ``document.type``, ``case.primaryParalegal``): :func:`canonical` maps every accepted
spelling onto one canonical path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from legist_routing.engine.problems import Problem, hint

TEXT, NUMBER, DATE, DATETIME, USER, BOOL = "text", "number", "date", "datetime", "user", "check"
ORDERED = {NUMBER, DATE, DATETIME}
# A task in one of these statuses is done: its clocks stop and nothing escalates it.
CLOSED_TASK_STATUSES = ("Completed", "Cancelled")
# A task in one of these statuses waits on someone outside the firm: its acknowledgement and completion
# clocks stop (counted in business time), its legal deadline does not.
PAUSED_TASK_STATUSES = ("Waiting on Client", "Waiting on Third Party")
# A case in one of these statuses is over: its open tasks are closed and stop escalating.
CLOSED_CASE_STATUSES = ("Approved", "Denied", "Withdrawn", "Closed")

# What the engine reads: canonical fact path -> value as the services found it (text, number, date...).
Facts: TypeAlias = Mapping[str, Any]

FACTS: dict[str, str] = {
	# the case
	"case.name": TEXT,
	"case.case_title": TEXT,
	"case.case_type": TEXT,
	"case.practice_group": TEXT,
	"case.priority": TEXT,
	"case.status": TEXT,
	"case.client_name": TEXT,
	"case.preferred_language": TEXT,
	"case.lead_attorney": USER,
	"case.primary_paralegal": USER,
	"case.secondary_owner": USER,
	"case.intake_specialist": USER,
	"case.client_user": USER,
	"case.receipt_numbers": TEXT,
	"case.filing_date": DATE,
	"case.priority_date": DATE,
	"case.hard_deadline": DATETIME,
	"case.next_uscis_deadline": DATE,
	"case.open_tasks": NUMBER,
	# the notice (or uploaded document) that arrived
	"document.name": TEXT,
	"document.notice_type": TEXT,
	"document.receipt_number": TEXT,
	"document.form_type": TEXT,
	"document.notice_date": DATE,
	"document.received_date": DATE,
	"document.response_due_date": DATE,
	"document.appointment_at": DATETIME,
	"document.days_to_deadline": NUMBER,
	# a client's upload through the portal (portal.upload)
	"document.item": TEXT,
	"document.file_type": TEXT,
	"document.request": TEXT,
	# the task whose status changed
	"task.name": TEXT,
	"task.title": TEXT,
	"task.status": TEXT,
	"task.kind": TEXT,
	"task.template": TEXT,
	"task.template_id": TEXT,
	"task.assigned_to": USER,
	"task.secondary_owner": USER,
	"task.priority": TEXT,
	"task.escalation_level": NUMBER,
	"task.decision": TEXT,
	"task.review_round": NUMBER,
	"task.paused_hours": NUMBER,
	# an approaching deadline
	"deadline.days_left": NUMBER,
	"deadline.kind": TEXT,
	"deadline.threshold": NUMBER,
	# an appointment (biometrics, interview) coming near or just past
	"appointment.hours_left": NUMBER,
	"appointment.confirmed": BOOL,
	"appointment.threshold": NUMBER,
	# the firm
	"operations.manager": USER,
}

# Which fact roots each trigger provides. "case" and "operations" are always there.
TRIGGERS: dict[str, tuple[str, ...]] = {
	"case.created": ("case", "operations"),
	"case.status_changed": ("case", "operations"),
	"document.received": ("case", "document", "operations"),
	"portal.upload": ("case", "document", "operations"),
	"task.status_changed": ("case", "task", "operations"),
	"deadline.approaching": ("case", "document", "deadline", "operations"),
	"appointment.approaching": ("case", "document", "appointment", "operations"),
	"appointment.passed": ("case", "document", "appointment", "operations"),
}

# The guide's names (and a few natural variants) for canonical paths.
ALIASES: dict[str, str] = {
	"case.type": "case.case_type",
	"case.id": "case.name",
	"case.title": "case.case_title",
	"case.language": "case.preferred_language",
	"case.client": "case.client_name",
	"case.deadline": "case.hard_deadline",
	"document.type": "document.notice_type",
	"document.id": "document.name",
	"document.receipt": "document.receipt_number",
	"document.due_date": "document.response_due_date",
	"document.deadline": "document.response_due_date",
	"task.type": "task.kind",
	"task.assignee": "task.assigned_to",
	"operations.operations_manager": "operations.manager",
}

# Facts that name a person: the slots an action may assign to or notify.
RECIPIENT_FACTS = tuple(path for path, kind in FACTS.items() if kind == USER)

_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _snake(segment: str) -> str:
	return _CAMEL.sub(r"_\1", segment).lower()


def camel(path: str) -> str:
	"""``case.lead_attorney`` as the guide spells it: ``case.leadAttorney``."""
	return ".".join(
		part.split("_")[0] + "".join(w.title() for w in part.split("_")[1:]) for part in path.split(".")
	)


def canonical(path: str) -> str | None:
	"""The canonical spelling of a fact path, or ``None`` when it names no known fact."""
	if not isinstance(path, str):
		return None
	if path in FACTS:
		return path
	if path in ALIASES:
		return ALIASES[path]
	parts = path.split(".")
	snake = ".".join(_snake(p) for p in parts)
	if snake in FACTS:
		return snake
	return ALIASES.get(snake)


@dataclass(frozen=True)
class FactRef:
	path: str  # canonical
	written: str  # as the rule wrote it
	type: str


def check_fact(path: object, where: str, trigger: str | None) -> tuple[FactRef | None, list[Problem]]:
	"""Resolve ``path`` or explain why it cannot be read (unknown, misspelt, not available for the trigger)."""
	if not isinstance(path, str) or not path:
		return None, [Problem(where, "not_text")]
	found = canonical(path)
	if found is None:
		root, _, rest = path.partition(".")
		roots = sorted({p.split(".")[0] for p in FACTS})
		if root not in roots or not rest:
			return None, [
				Problem(
					where, "unknown_fact_root", {"path": path, "roots": ", ".join(r + "." for r in roots)}
				)
			]
		fields = [p.split(".", 1)[1] for p in FACTS if p.startswith(root + ".")]
		fields += [a.split(".", 1)[1] for a in ALIASES if a.startswith(root + ".")]
		return None, [Problem(where, "unknown_field", {"field": rest, "hint": hint(rest, fields)})]
	if trigger in TRIGGERS and found.split(".")[0] not in TRIGGERS[trigger]:
		available = ", ".join(r + "." for r in TRIGGERS[trigger])
		return None, [
			Problem(where, "fact_not_available", {"path": path, "trigger": trigger, "roots": available})
		]
	return FactRef(found, path, FACTS[found]), []


# A Task Template's "Default Assignee" names one of these slots.
ROLE_SLOTS: dict[str, str] = {
	"Primary Paralegal": "case.primary_paralegal",
	"Lead Attorney": "case.lead_attorney",
	"Secondary Owner": "case.secondary_owner",
	"Intake Specialist": "case.intake_specialist",
	"Operations Manager": "operations.manager",
}
