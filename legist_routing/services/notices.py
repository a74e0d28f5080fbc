"""USCIS notices: receipt numbers and the case's nearest deadline."""

from __future__ import annotations

import re

import frappe

from legist_routing.engine.problems import Problem
from legist_routing.services import messages

RECEIPT = re.compile(r"^[A-Z]{3}\d{10}$")


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


def validate_case(case):
	if not case.receipt_numbers:
		return
	numbers = [clean_receipt(line) for line in case.receipt_numbers.replace(",", "\n").splitlines() if line.strip()]
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
