"""Problems found in user input (rules, notices), as data.

The engine never formats user-facing text itself beyond a plain English fallback: each problem
carries a code and its parameters, and ``services/messages.py`` turns the code into translated text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# code -> English template, used by the engine's own tests and as a fallback outside Frappe.
TEMPLATES: dict[str, str] = {
	"not_an_object": "must be a JSON object",
	"not_a_list": "must be a list",
	"required": "is required",
	"unknown_key": "unknown key '{key}'{hint}",
	"unknown_field": "unknown field '{field}'{hint}",
	"unknown_fact_root": "unknown fact '{path}'; facts start with {roots}",
	"fact_not_available": "'{path}' is not available for trigger '{trigger}' (available: {roots})",
	"unknown_trigger": "unknown trigger '{value}'{hint}",
	"unknown_operator": "unknown operator '{op}'{hint}",
	"operator_needs_list": "operator '{op}' needs a list of values",
	"operator_needs_order": "operator '{op}' compares numbers or dates, but '{path}' is {type}",
	"bad_value": "'{value}' is not a valid {type}",
	"changed_needs_from_or_to": "'changed' needs 'from', 'to' or both",
	"empty_group": "'{group}' needs at least one condition",
	"action_kind": "each action needs exactly one of {kinds}; found {found}",
	"unknown_action": "unknown action '{key}'{hint}",
	"not_a_number": "must be a number, got '{value}'",
	"not_positive": "must be zero or more, got {value}",
	"not_text": "must be text",
	"unknown_recipient": "unknown recipient '{value}'{hint}",
	"unknown_method": "unknown method '{value}'{hint}",
	"unknown_strategy": "unknown strategy '{value}'{hint}",
	"unknown_template": "no Task Template with id or name '{value}'",
	"bad_json": "is not valid JSON: {detail}",
	"duplicate_rule": "rule name '{value}' appears more than once in this import",
	"bad_receipt_number": "'{value}' is not a USCIS receipt number: it must be three letters and ten digits, for example IOE0912345678",
}


@dataclass(frozen=True)
class Problem:
	"""One thing wrong with an input, located by a dotted path such as ``conditions.case.prority``."""

	path: str
	code: str
	# the template's fields, values as the input had them
	params: dict[str, Any] = field(default_factory=dict)

	@property
	def message(self) -> str:
		template = TEMPLATES.get(self.code, self.code)
		try:
			return template.format(**self.params)
		except (KeyError, IndexError):
			return template

	def __str__(self) -> str:
		return f"{self.path}: {self.message}" if self.path else self.message

	def as_dict(self) -> dict[str, Any]:
		return {"path": self.path, "code": self.code, "params": self.params, "message": str(self)}


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
	"""The closest candidate to ``word``, or ``""``."""
	lowered = {c.lower(): c for c in candidates}
	match = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
	return lowered[match[0]] if match else ""


def hint(word: str, candidates: Iterable[str]) -> str:
	"""``"; did you mean 'x'?"`` when a close candidate exists, else ``""``."""
	best = did_you_mean(word, candidates)
	return f"; did you mean '{best}'?" if best else ""


class RuleError(ValueError):
	"""Raised with every problem of an input at once."""

	def __init__(self, problems: list[Problem]) -> None:
		self.problems = list(problems)
		super().__init__("; ".join(str(p) for p in self.problems))
