"""USCIS notices: receipt numbers and the case's nearest deadline."""

from __future__ import annotations

import re

import frappe
from frappe.utils import getdate

from legist_routing.engine.problems import Problem
from legist_routing.services import messages

RECEIPT = re.compile(r"^[A-Z]{3}\d{10}$")
# What a notice's deadline is computed from.
DEADLINE_INPUTS = ("deadline_kind", "notice_type", "form_type", "notice_date", "mailed", "response_due_date")


def clean_receipt(value: str | None) -> str | None:
	"""Upper-case and strip spaces and dashes, as people type them from the paper notice."""
	if not value:
		return value
	return re.sub(r"[\s-]", "", value).upper()


def receipt_problems(values, field: str) -> list[Problem]:
	return [Problem(field, "bad_receipt_number", {"value": v}) for v in values if v and not RECEIPT.match(v)]


def validate_notice(notice):
	notice.receipt_number = clean_receipt(notice.receipt_number)
	_throw(receipt_problems([notice.receipt_number], "receipt_number"))
	set_deadlines(notice)


def set_deadlines(notice):
	"""The printed date when given; otherwise computed from the notice's deadline kind, or the enabled kind for
	its notice type and form (Notice Deadline Kind). The legal limit rolls forward (8 CFR 1.2)."""
	from legist_routing.engine import deadlines
	from legist_routing.services import calendars, deadline_kinds

	name = notice.get("deadline_kind")
	chosen = deadline_kinds.chosen(name)
	if name and chosen is None:
		# The kind was disabled after this notice named it: its computed dates stay as they were, but
		# nothing they depend on may change until the notice names an enabled kind (or none).
		if notice.is_new() or any(notice.has_value_changed(f) for f in DEADLINE_INPUTS):
			deadline_kinds.refuse_disabled(name)
		if notice.deadline_computed:
			return
	printed_changed = notice.has_value_changed("response_due_date") and not notice.is_new()
	if notice.deadline_computed and not printed_changed:
		notice.response_due_date = None  # recompute from the (possibly edited) notice date
	printed = getdate(notice.response_due_date) if notice.response_due_date else None
	notice_date = getdate(notice.notice_date) if notice.notice_date else None
	years = range((notice_date or getdate()).year - 1, (notice_date or getdate()).year + 3)
	found = deadlines.response_deadline(
		notice.notice_type,
		notice_date,
		form_type=notice.form_type,
		mailed=bool(notice.mailed),
		printed=printed,
		holidays=calendars.federal_holidays(years),
		kinds=deadline_kinds.enabled(),
		kind=chosen,
	)
	if found is None:
		notice.legal_deadline = None
		notice.deadline_basis = None
		notice.deadline_computed = 0
		return
	notice.deadline_computed = 0 if printed else 1
	notice.response_due_date = found.working
	notice.legal_deadline = found.legal
	notice.deadline_basis = messages.deadline_basis(found)


def validate_case(case):
	if not case.receipt_numbers:
		return
	numbers = [
		clean_receipt(line) for line in case.receipt_numbers.replace(",", "\n").splitlines() if line.strip()
	]
	_throw(receipt_problems(numbers, "receipt_numbers"))
	case.receipt_numbers = "\n".join(dict.fromkeys(numbers))


def _throw(problems):
	if problems:
		frappe.throw(
			"<br>".join(frappe.utils.escape_html(messages.problem_text(p)) for p in problems),
			title=frappe._("Invalid receipt number"),
		)


def refresh_case_deadline(notice, method=None):
	"""Case.next_uscis_deadline: the nearest response date among the case's notices from today on."""
	nearest = frappe.db.sql(
		"""select min(response_due_date) from `tabCase Notice`
		where `case` = %s and response_due_date >= curdate()""",
		notice.case,
	)[0][0]
	frappe.db.set_value("Case", notice.case, "next_uscis_deadline", nearest, update_modified=False)
