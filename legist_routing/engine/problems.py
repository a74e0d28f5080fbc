"""Problems found in user input (rules, notices), as data.

The engine never formats user-facing text itself beyond a plain English fallback: each problem
carries a code and its parameters, and ``services/messages.py`` turns the code into translated text.
"""

from __future__ import annotations

import difflib
import re
import reprlib
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
	# values, windows and names (every bad rule refused clearly)
	"value_required": "operator '{op}' needs a value to compare with",
	"no_value": "operator '{op}' compares with nothing; leave the value out",
	"not_a_scalar": "'{value}' must be a single {type}, not a list or an object",
	"one_value": "operator '{op}' takes one value; to match any of several use 'in'",
	"empty_list": "operator '{op}' needs at least one value in its list",
	"operator_needs_text": "operator '{op}' searches text, but '{path}' is {type}; use 'equals' or 'in'",
	"too_deep": "conditions nest deeper than {max} groups; flatten them",
	"too_many_days": "must be at most {max} days (a year), got {value}",
	"too_many_hours": "must be at most {max} hours (a year), got {value}",
	"out_of_range": "must be between {min} and {max}, got {value}",
	"too_long": "must be at most {max} characters, it has {length}; shorten it",
	"markup": "must not contain markup ('<' or '>'); remove it",
	"bad_characters": "contains characters that cannot be stored (control characters or broken Unicode); remove them",
	"not_a_boolean": "must be true or false, got '{value}'",
	"no_recipients": "names nobody; give at least one recipient",
	# found by the services' import
	"rule_exists": "a Routing Rule named '{value}' already exists; rename this rule or import with overwrite",
	"refused_on_save": "was refused when saved: {detail}",
}

# What a problem shows of a value the input held: long text cut short, deep structures elided, broken
# Unicode escaped, so that no input can make the message itself fail or flood the screen.
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxtuple = 3, 6, 6, 6
_SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlong = 60, 80, 40
SHOWN_LENGTH = 80
# Control characters (Unicode category Cc) and lone surrogates; a text may keep tabs and line breaks.
_UNSTORABLE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSTORABLE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The parameters that hold what the input said (the others are the engine's own words: hints, lists).
INPUT_PARAMS = ("value", "key", "op", "field", "path")


def shown(value: object) -> str:
	"""``value`` as a message shows it (text as it is, anything else as Python writes it), bounded."""
	text = value if isinstance(value, str) else _SHOWN.repr(value)
	if len(text) > SHOWN_LENGTH:
		text = text[: SHOWN_LENGTH - 1] + "…"
	return text.encode("utf-8", "backslashreplace").decode("utf-8")


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
			return template.format(
				**{k: shown(v) if k in INPUT_PARAMS else v for k, v in self.params.items()}
			)
		except (KeyError, IndexError):
			return template

	def __str__(self) -> str:
		return f"{self.path}: {self.message}" if self.path else self.message

	def as_dict(self) -> dict[str, Any]:
		return {"path": self.path, "code": self.code, "params": self.params, "message": str(self)}


def unstorable(text: str, newlines: bool = False) -> bool:
	"""Whether ``text`` holds what a rule must not: control characters (line breaks and tabs only where
	``newlines``) or broken Unicode (a lone surrogate, which no database column can store)."""
	return (_UNSTORABLE_TEXT if newlines else _UNSTORABLE_NAME).search(text) is not None


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
	"""The closest candidate to ``word``, or ``""``."""
	lowered = {c.lower(): c for c in candidates}
	match = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=cutoff)
	return lowered[match[0]] if match else ""


def hint(word: str, candidates: Iterable[str], choices: Iterable[str] | None = None) -> str:
	"""``"; did you mean 'x'?"`` when a close candidate exists; else ``"; use one of: a, b"`` when
	``choices`` are given (the fix, spelt out), else ``""``."""
	candidates = list(candidates)
	best = did_you_mean(word, candidates)
	if best:
		return f"; did you mean '{best}'?"
	listed = ", ".join(choices) if choices is not None else ""
	return f"; use one of: {listed}" if listed else ""


class RuleError(ValueError):
	"""Raised with every problem of an input at once."""

	def __init__(self, problems: list[Problem]) -> None:
		self.problems = list(problems)
		super().__init__("; ".join(str(p) for p in self.problems))
