"""Versions over real HTTP: a served site, one session per actor. Only managers read a version or restore one.

The rule and the people are committed for the module (the served site must see them), with a random suffix
in every name and a secret in the rule's first version; the rule is disabled (it routes nothing) and deleted
with its versions at the end. The port: LEGIST_VERSIONS_PORT (8025), or a free one.
"""

from __future__ import annotations

import json
import re
import secrets

import frappe
import pytest
import requests
from helpers import Served, free_port

SFX = secrets.token_hex(3)
PWD = f"Ver!{SFX}-Kp4wQz#71"
VERSION = "Routing Config Version"
RULE = f"Versions_HTTP_{SFX}"
SECRET = f"first version secret {SFX}"
ROLES = {"P": ["Legist Paralegal"], "D": ["Legist Attorney"], "M": ["Legist Manager"]}
DENIED = (401, 403, 404)
CSRF = re.compile(r'(?:frappe\.csrf_token|legist_csrf)\s*=\s*"([0-9a-f]{16,})"')


def email(actor: str) -> str:
	return f"{actor.lower()}.{SFX}@versions.test"


class Actor:
	def __init__(self, name: str, base: str):
		self.name, self.base, self.http = name, base, requests.Session()

	def request(self, method: str, path: str, **kw) -> requests.Response:
		kw.setdefault("allow_redirects", False)
		kw.setdefault("timeout", 120)
		r = self.http.request(method, self.base + path, **kw)
		if "text/html" in r.headers.get("Content-Type", "") and (m := CSRF.search(r.text)):
			self.http.headers["X-Frappe-CSRF-Token"] = m.group(1)
		return r

	def call(self, method: str, http: str = "GET", **args) -> requests.Response:
		args = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in args.items()}
		if http == "GET":
			return self.request("GET", f"/api/method/{method}", params=args)
		return self.request(http, f"/api/method/{method}", data=args)

	def login(self):
		r = self.request("POST", "/api/method/login", data={"usr": email(self.name), "pwd": PWD})
		assert r.status_code == 200, f"{self.name} could not log in: {r.status_code} {r.text[:300]}"
		page = self.request("GET", "/app")  # the desk mints the session's CSRF token, as in a browser
		assert page.status_code == 200 and "X-Frappe-CSRF-Token" in self.http.headers, page.status_code


def _seed() -> dict:
	for actor, roles in ROLES.items():  # Frappe's new-user throttle is lifted for the suite (conftest)
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email(actor),
				"first_name": f"{actor} {SFX}",
				"send_welcome_email": 0,
				"new_password": PWD,
				"roles": [{"role": r} for r in roles],
			}
		).insert(ignore_permissions=True)
	rule = frappe.get_doc(
		{
			"doctype": "Routing Rule",
			"rule_name": RULE,
			"enabled": 0,
			"trigger": "document.received",
			"description": SECRET,
			"conditions": json.dumps({"document.type": "RFE"}),
			"actions": json.dumps([{"assign": "case.primaryParalegal", "dueInDays": 3}]),
		}
	).insert()
	rule = frappe.get_doc("Routing Rule", RULE)  # as the form loads it
	rule.conditions = json.dumps({"document.type": "NOID"})
	rule.description = f"second version {SFX}"
	rule.save()
	assert rule.version == 2
	names = dict(
		frappe.get_all(VERSION, filters={"reference_name": RULE}, fields=["version", "name"], as_list=True)
	)
	return {"v1": names[1], "v2": names[2]}


def _cleanup():
	frappe.db.rollback()
	frappe.set_user("Administrator")
	frappe.db.delete(VERSION, {"reference_doctype": "Routing Rule", "reference_name": RULE})
	frappe.db.delete("Routing Rule", {"name": RULE})
	for actor in ROLES:
		if frappe.db.exists("User", email(actor)):
			frappe.delete_doc("User", email(actor), force=True, ignore_permissions=True)
	frappe.db.commit()


@pytest.fixture(scope="module")
def world(site):
	server = Served(free_port("LEGIST_VERSIONS_PORT", 8025))
	base = server.base
	try:
		frappe.set_user("Administrator")
		try:
			seeded = _seed()
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			raise
		server.ready()
		actors = {"anon": Actor("anon", base)}
		for name in ROLES:
			actors[name] = Actor(name, base)
			actors[name].login()
		yield {"actors": actors, **seeded}
	finally:
		server.stop()
		_cleanup()


def _show(r: requests.Response) -> str:
	return f"HTTP {r.status_code}: {r.text[:400]}"


def _version_of_rule() -> int:
	frappe.db.rollback()  # a new snapshot: what the server committed
	return frappe.db.get_value("Routing Rule", RULE, "version")


# The roads to a version: (label, how to call it as an actor)
READS = {
	"resource_get": lambda a, w: a.request("GET", f"/api/resource/{VERSION}/{w['v1']}"),
	"resource_list": lambda a, w: a.request(
		"GET",
		f"/api/resource/{VERSION}",
		params={"filters": json.dumps({"reference_name": RULE}), "fields": json.dumps(["name", "content"])},
	),
	"getdoc": lambda a, w: a.call("frappe.desk.form.load.getdoc", doctype=VERSION, name=w["v1"]),
	"client_get": lambda a, w: a.call("frappe.client.get", doctype=VERSION, name=w["v1"]),
	"reportview": lambda a, w: a.call(
		"frappe.desk.reportview.get",
		doctype=VERSION,
		fields=["name", "content"],
		filters={"reference_name": RULE},
	),
	"get_count": lambda a, w: a.call(
		"frappe.client.get_count", doctype=VERSION, filters={"reference_name": RULE}
	),
	"list_versions": lambda a, w: a.call(
		"legist_routing.api.list_versions", doctype="Routing Rule", name=RULE
	),
	"compare_versions": lambda a, w: a.call(
		"legist_routing.api.compare_versions", doctype="Routing Rule", name=RULE, from_version=1, to_version=2
	),
}


@pytest.mark.parametrize("road", sorted(READS))
@pytest.mark.parametrize("actor", ["anon", "P", "D"])
def test_only_managers_read_versions(world, actor, road):
	r = READS[road](world["actors"][actor], world)
	assert r.status_code in DENIED, f"{actor} {road}: expected a refusal. {_show(r)}"
	# (the name asked for may be echoed in the refusal; the content never is)
	assert SECRET not in r.text and f"second version {SFX}" not in r.text, f"{actor} {road}: LEAK. {_show(r)}"


@pytest.mark.parametrize("road", sorted(READS))
def test_a_manager_reads_versions(world, road):
	r = READS[road](world["actors"]["M"], world)
	assert r.status_code == 200, f"M {road}: {_show(r)}"
	if road == "get_count":
		assert r.json()["message"] == 2
	elif road == "compare_versions":
		diff = r.json()["message"]
		assert diff["changed"] == ["description", "conditions"], diff["changed"]
		assert SECRET in r.text
	elif road != "list_versions":
		assert world["v1"] in r.text and SECRET in r.text, _show(r)
	else:
		assert [v["version"] for v in r.json()["message"]] == [2, 1]


@pytest.mark.parametrize("actor", ["anon", "P", "D"])
def test_only_managers_restore(world, actor):
	before = _version_of_rule()
	r = world["actors"][actor].call(
		"legist_routing.api.restore_version", http="POST", doctype="Routing Rule", name=RULE, version=1
	)
	assert r.status_code in DENIED, f"{actor} restore: expected a refusal. {_show(r)}"
	assert _version_of_rule() == before


@pytest.mark.parametrize("actor", ["P", "M"])
def test_nobody_edits_or_deletes_a_version_over_http(world, actor):
	a = world["actors"][actor]
	path = f"/api/resource/{VERSION}/{world['v1']}"
	for r in (
		a.request("PUT", path, json={"note": "rewritten"}),
		a.request("DELETE", path),
		a.request(
			"POST",
			f"/api/resource/{VERSION}",
			json={"reference_doctype": "Routing Rule", "reference_name": RULE, "version": 9},
		),
	):
		assert r.status_code in DENIED, f"{actor} {r.request.method}: {_show(r)}"
	frappe.db.rollback()
	assert frappe.db.get_value(VERSION, world["v1"], "note") in (None, "")
	assert frappe.db.count(VERSION, {"reference_name": RULE}) >= 2


def test_restore_is_post_only_and_a_manager_restores(world):
	m = world["actors"]["M"]
	args = {"doctype": "Routing Rule", "name": RULE, "version": 1, "note": f"back {SFX}"}
	r = m.call("legist_routing.api.restore_version", http="GET", **args)
	assert r.status_code in (403, 405), _show(r)
	assert _version_of_rule() == 2

	r = m.call("legist_routing.api.restore_version", http="POST", **args)
	assert r.status_code == 200, _show(r)
	assert r.json()["message"]["version"] == 3
	assert _version_of_rule() == 3
	restored = frappe.get_doc("Routing Rule", RULE)
	assert restored.description == SECRET and json.loads(restored.conditions) == {"document.type": "RFE"}
	row = frappe.db.get_value(
		VERSION, {"reference_name": RULE, "version": 3}, ["source", "note", "owner"], as_dict=True
	)
	assert (row.source, row.note, row.owner) == ("Restored", f"back {SFX}", email("M"))
