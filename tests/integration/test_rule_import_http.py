"""The rule import API over real HTTP, fuzzed: a served site, a manager's session, generated JSON.

Whatever ``rules_json`` holds (garbage text, cut-off JSON, deep nesting, rules with one part broken, valid
rules), ``POST /api/method/legist_routing.api.import_rules`` answers without a traceback and never with a
5xx; a refused import changes no Routing Rule (rows counted before and after); an import with one bad rule
among good ones imports none of them, and its refusal names that rule, the field and the fix; an import
of valid rules writes exactly those rules.

The manager is committed once for the module; each imported rule is deleted (and committed) right after
the example that made it. The examples are kept few (the machine is small): LEGIST_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import sys
from pathlib import Path

import frappe
import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from legist_routing.engine.rules import parse_rule

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from helpers import serving
from rule_strategies import JSON, TEXT, VALID_RULE, broken_rule  # shared with tests/unit

SFX = secrets.token_hex(3)
MANAGER = f"fuzz.manager.{SFX}@firm.test"
PWD = f"Fz!{SFX}-Rq8vTz#41"
METHOD = "/api/method/legist_routing.api.import_rules"
EXAMPLES = int(os.environ.get("LEGIST_FUZZ_EXAMPLES", "80"))
CSRF = re.compile(r'(?:frappe\.csrf_token|legist_csrf)\s*=\s*"([0-9a-f]{16,})"')


@pytest.fixture(scope="module")
def http(site):
	"""A manager's logged-in session against the site served on its own port."""
	if not frappe.db.exists("User", MANAGER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": MANAGER,
				"first_name": f"Fuzz {SFX}",
				"send_welcome_email": 0,
				"new_password": PWD,
				"roles": [{"role": "Legist Manager"}],
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()
	with serving("LEGIST_FUZZ_PORT", 8021) as served:
		session = requests.Session()
		base = served.base
		r = session.post(base + "/api/method/login", data={"usr": MANAGER, "pwd": PWD}, timeout=60)
		assert r.status_code == 200, r.text[:300]
		page = session.get(base + "/app", timeout=120)
		session.headers["X-Frappe-CSRF-Token"] = CSRF.search(page.text).group(1)
		session.base = base
		yield session


def _count() -> int:
	frappe.db.rollback()  # a new snapshot: what the server committed
	return frappe.db.count("Routing Rule")


def _post(http, rules_json, as_json: bool = False, **extra) -> requests.Response:
	if as_json:  # a JSON body: rules_json arrives decoded (NaN and Infinity as Python writes them)
		body = json.dumps({"rules_json": rules_json, **extra})
		headers = {"Content-Type": "application/json"}
		return http.post(
			http.base + METHOD, data=body.encode("utf-8", "surrogatepass"), headers=headers, timeout=120
		)
	# a form, as the desk sends it; text a browser could not encode (a lone surrogate) goes as its bytes
	form = {k: v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v for k, v in extra.items()}
	form["rules_json"] = rules_json.encode("utf-8", "surrogatepass")
	return http.post(http.base + METHOD, data=form, timeout=120)


def _depth(value) -> int:
	if isinstance(value, list | dict):
		items = value.values() if isinstance(value, dict) else value
		return 1 + max((_depth(v) for v in items), default=0)
	return 0


def _decoded(text: str):
	"""``text`` decoded when it is JSON shallow enough for a JSON body (Frappe decodes a body before any
	app code runs, and a body nested near Python's recursion limit fails there, not in the import)."""
	try:
		value = json.loads(text)
		return value if _depth(value) <= 100 else None
	except (ValueError, RecursionError):
		return None


def _refusal(r: requests.Response) -> str:
	"""The text of a refusal, as the desk shows it."""
	body = r.json()
	messages = [json.loads(m).get("message", "") for m in json.loads(body.get("_server_messages") or "[]")]
	text = " ".join(messages) or body.get("exception", "")
	return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _answered(r: requests.Response) -> None:
	"""Never a 5xx, never a traceback; always a JSON answer."""
	assert r.status_code < 500, r.text[:2000]
	assert "Traceback (most recent call last)" not in r.text, r.text[:2000]
	assert isinstance(r.json(), dict)


def _delete(names) -> None:
	frappe.db.rollback()
	for name in names:
		frappe.delete_doc("Routing Rule", name, force=True, ignore_missing=True)
	frappe.db.commit()


def _named(rules: list[dict]) -> list[dict]:
	"""Valid rules with names no other rule has (and no two alike, as the database compares them)."""
	token = secrets.token_hex(4)
	return [dict(r, ruleName=f"Fuzz {token} {i} {r['ruleName'].strip()}") for i, r in enumerate(rules)]


# ----------------------------------------------------------------------------------------- inputs
@st.composite
def one_bad_among_good(draw):
	good = _named(draw(st.lists(VALID_RULE, min_size=1, max_size=3)))
	bad = draw(broken_rule())
	assume(parse_rule(bad)[0] is None)
	at = draw(st.integers(0, len(good)))
	return [*good[:at], bad, *good[at:]], at


GARBAGE = st.one_of(
	TEXT,
	st.builds(lambda v: json.dumps(v), JSON),
	st.builds(lambda r: json.dumps(r)[:-1], VALID_RULE),  # cut short
	st.builds(
		lambda n, o: o * n + "1" + {"[": "]", "{": "}"}[o] * n, st.integers(10, 3000), st.sampled_from("[")
	),
	st.builds(lambda n: '{"rules":' * n + "[]" + "}" * n, st.integers(1, 2000)),
	st.builds(
		lambda n: json.dumps(
			{"ruleName": "Deep", "trigger": "case.created", "conditions": {"not": None}}
		).replace("null", '{"not": ' * n + "null" + "}" * n),
		st.integers(1, 900),
	),
)


# ------------------------------------------------------------------------------------------ fuzz
@settings(
	max_examples=EXAMPLES,
	deadline=None,
	suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(GARBAGE, st.builds(json.dumps, st.lists(JSON, max_size=3))), st.booleans())
def test_property_garbage_is_refused_with_nothing_written(http, text, as_json):
	before = _count()
	decoded = _decoded(text) if as_json else None
	r = _post(http, text, False) if decoded is None else _post(http, decoded, True)
	_answered(r)
	imported = r.json().get("message") if r.status_code == 200 else []
	try:
		if r.status_code != 200:
			assert _refusal(r).strip(), r.text[:500]  # a refusal says why
		assert _count() == before + len(imported or [])
	finally:
		_delete(imported or [])


@settings(
	max_examples=EXAMPLES,
	deadline=None,
	suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(one_bad_among_good(), st.booleans())
def test_property_one_bad_rule_imports_nothing_and_is_named(http, case, as_json):
	rules, at = case
	before = _count()
	r = _post(http, rules if as_json else json.dumps(rules), as_json)
	_answered(r)
	try:
		assert r.status_code == 417, r.text[:1000]
		text = _refusal(r)
		# the rule (its place and, when it has one, its name), the field (its path) and the fix
		assert f"Rule {at + 1}" in text, text
		assert f"rules[{at}]" in text, text
		assert _count() == before
	finally:
		if r.status_code == 200:
			_delete(r.json()["message"])


@settings(
	max_examples=max(10, EXAMPLES // 4),
	deadline=None,
	suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(VALID_RULE, min_size=1, max_size=3), st.booleans())
def test_property_valid_rules_are_all_imported(http, rules, as_json):
	rules = _named(rules)
	before = _count()
	r = _post(http, rules if as_json else json.dumps(rules), as_json)
	_answered(r)
	names = r.json().get("message") or []
	try:
		assert r.status_code == 200, _refusal(r)
		assert sorted(names) == sorted(rule["ruleName"].strip() for rule in rules)
		assert _count() == before + len(rules)
	finally:
		_delete(names)


# ------------------------------------------------------------------------------------ named cases
GOOD = {"ruleName": "", "trigger": "case.created", "actions": [{"assign": "case.primaryParalegal"}]}


@pytest.mark.parametrize(
	("bad", "expected"),
	[
		(
			{"conditions": {"case.priority": {"in": ["High", ["Urgent"]]}}},
			"rules[1].conditions.case.priority[1]",
		),
		({"actions": [{"assign": "case.primaryParalegal", "dueInDays": 400}]}, "at most 365 days"),
		({"escalation": {"ifNotAcknowledgedHours": 9000}}, "at most 8760 hours"),
		({"ruleName": "R" * 141}, "rules[1].ruleName: must be at most 140 characters"),
		({"ruleName": "<img src=x onerror=alert(1)>"}, "rules[1].ruleName: must not contain markup"),
		(
			{"actions": [{"createTask": "<script>x</script>"}]},
			"rules[1].actions[0].createTask: must not contain",
		),
		({"ruleName": "Bad\ud800"}, "rules[1].ruleName: contains characters that cannot be stored"),
		({"conditions": {"case.open_tasks": {"gt": "NaN"}}}, "is not a valid number"),
		({"enabled": "no"}, "rules[1].enabled: must be true or false"),
	],
)
def test_a_bad_rule_is_refused_by_rule_field_and_fix(http, bad, expected):
	token = secrets.token_hex(3)
	good = dict(GOOD, ruleName=f"Good {token}")
	rule = dict(GOOD, ruleName=f"Bad {token}", **bad) if "ruleName" not in bad else dict(GOOD, **bad)
	before = _count()
	r = _post(http, json.dumps([good, rule]))
	_answered(r)
	assert r.status_code == 417
	text = _refusal(r)
	assert "Rule 2" in text and expected in text, text
	assert "Nothing was imported" in text
	assert _count() == before


def test_names_the_database_takes_for_one_are_refused_together(http):
	token = secrets.token_hex(3)
	rules = [dict(GOOD, ruleName=f"Règle {token}"), dict(GOOD, ruleName=f"regle {token} ")]
	before = _count()
	r = _post(http, json.dumps(rules))
	_answered(r)
	assert r.status_code == 417 and "appears more than once" in _refusal(r)
	assert _count() == before


def test_a_rule_the_database_refuses_mid_import_undoes_the_others(http):
	"""MariaDB's utf8mb4_unicode_ci weighs every emoji alike: the third name collides with the second only
	in the database, after two rules were written. They are undone, and the refusal names the third."""
	token = secrets.token_hex(3)
	rules = [
		dict(GOOD, ruleName=f"First {token}"),
		dict(GOOD, ruleName=f"Emoji {token} 😀"),
		dict(GOOD, ruleName=f"Emoji {token} 😃"),
	]
	before = _count()
	r = _post(http, json.dumps(rules))
	_answered(r)
	try:
		assert r.status_code == 417, r.text[:500]
		text = _refusal(r)
		assert f"Rule 3: Emoji {token} 😃" in text and "was refused when saved" in text, text
		assert _count() == before
		assert not frappe.db.exists("Routing Rule", f"First {token}")
	finally:
		if r.status_code == 200:
			_delete(r.json()["message"])


def test_an_existing_rule_is_not_overwritten_when_asked_not_to(http):
	name = f"Kept {secrets.token_hex(3)}"
	r = _post(http, json.dumps(dict(GOOD, ruleName=name)))
	try:
		assert r.status_code == 200
		before = _count()
		again = _post(
			http, json.dumps([dict(GOOD, ruleName=f"New {name}"), dict(GOOD, ruleName=name)]), overwrite=0
		)
		_answered(again)
		assert again.status_code == 417 and f"a Routing Rule named '{name}' already exists" in _refusal(again)
		assert _count() == before
		odd = _post(http, json.dumps(dict(GOOD, ruleName=name)), overwrite="sometimes")
		_answered(odd)
	finally:
		_delete([name, f"New {name}"])


@pytest.mark.parametrize("payload", [None, "", "null", "42", '"text"', "{}"])
def test_no_rules_are_refused(http, payload):
	before = _count()
	r = http.post(http.base + METHOD, data={} if payload is None else {"rules_json": payload}, timeout=60)
	_answered(r)
	assert r.status_code == 417 and _refusal(r).strip()
	assert _count() == before


@pytest.mark.parametrize("payload", ["[]", '{"rules": []}'])
def test_an_empty_list_imports_nothing(http, payload):
	before = _count()
	r = _post(http, payload)
	_answered(r)
	assert (r.status_code, r.json()["message"]) == (200, [])
	assert _count() == before


def test_the_rule_set_checks_answer_over_http(http):
	r = http.get(http.base + "/api/method/legist_routing.api.check_rule_set", timeout=120)
	_answered(r)
	assert r.status_code == 200 and "routing rules checked" in r.json()["message"]["html"]
