"""Security over real HTTP, the way an attacker works: a served site, one session per actor, guessed names.

Every cell of the matrix is one real HTTP call (``requests``, one ``Session`` per actor, logged in through
``POST /api/method/login``) against the test site served by ``scripts/serve-test-site.sh``:

- an allowed read returns the data: the secret value (or the name) is in the body;
- a refused read of one document is HTTP 403 or 404, never a 200 with an empty body, and carries no secret
  (the one 200: Frappe's getdoc answers a name that does not exist at all with no document);
- a list, count or search road for an actor who may see nothing of case A answers 200 without case A's
  names or data, or 403 when the role has no permission on the DocType at all (clients: every desk
  DocType); an allowed list road includes case A;
- the next and previous names of case A's naming series, and an invented one, are refused too;
- the portal shows a client their own cases only; staff never see a client's portal data;
- writes an actor may not make are refused, and nothing changed.

The people and documents are committed once for the module (the served site must see them), with a random
suffix in every e-mail address, title and secret; the suite's site is re-created on every run. For the
module, the site's host_name points at the served port (wkhtmltopdf loads the print view's styles from it)
and Case is in global search (indexed by client name), so that those roads are tried for real.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote

import frappe
import pytest
import requests
from frappe.utils import nowdate
from helpers import Served, case_type, free_port

SFX = secrets.token_hex(3)
PWD = f"Sec!{SFX}-Tq7vRz#92"
REPORT = "Case Audit Trail"

# Who is who. anon has no session; the clients are website users with the Legist Client role only.
ROLES = {
	"clientA": ["Legist Client"],
	"clientB": ["Legist Client"],
	"P1": ["Legist Paralegal"],  # team T1, primary paralegal of case A
	"P2": ["Legist Paralegal"],  # team T2, primary paralegal of case B
	"D": ["Legist Attorney"],  # on no case
	"M": ["Legist Manager"],
}
DENIED = (401, 403, 404)
CSRF = re.compile(r'(?:frappe\.csrf_token|legist_csrf)\s*=\s*"([0-9a-f]{16,})"')


def email(actor: str) -> str:
	return f"{actor.lower()}.{SFX}@sec.test"


# ------------------------------------------------------------------------------------------ the world
@dataclass
class Obj:
	"""One thing an attacker wants: how to name it, filter for it, and recognise it in a response."""

	doctype: str
	name: str
	secret: str = ""  # a value that only a reader of the document may see
	fieldname: str = "name"  # the field holding it
	title: str = ""  # what link search and link titles show
	by: dict = field(default_factory=dict)  # the filter an attacker would use: {"case": A}
	parent: str | None = None  # child rows: the parent DocType list roads need
	url: str = ""  # private files
	content: bytes = b""
	assignee: str = ""  # who the document is assigned to (ToDo)
	token: str = ""  # a word global search finds it by
	docinfo: str = ""  # what its docinfo (timeline) shows
	exists: bool = True

	def secrets(self) -> list[str]:
		return [s for s in dict.fromkeys((self.secret, self.title, self.token, self.docinfo)) if s]


class Actor:
	"""One browser: a requests.Session, with the CSRF token Frappe gave it."""

	def __init__(self, name: str, base: str):
		self.name, self.base, self.http = name, base, requests.Session()
		self.own_case = ""  # a case this actor is on (or case B), for documents they make up

	def request(self, method: str, path: str, **kw) -> requests.Response:
		kw.setdefault("allow_redirects", False)
		kw.setdefault("timeout", 120)
		r = self.http.request(method, self.base + path, **kw)
		if "text/html" in r.headers.get("Content-Type", ""):
			if m := CSRF.search(r.text):  # a page may mint the session's token: POSTs must carry it
				self.http.headers["X-Frappe-CSRF-Token"] = m.group(1)
		return r

	def get(self, path: str, **params) -> requests.Response:
		return self.request("GET", path, params=_encode(params))

	def call(self, method: str, http: str = "GET", files=None, **args) -> requests.Response:
		path = f"/api/method/{method}"
		if http == "GET":
			return self.request("GET", path, params=_encode(args))
		return self.request(http, path, data=_encode(args), files=files)

	def login(self):
		r = self.request("POST", "/api/method/login", data={"usr": email(self.name), "pwd": PWD})
		assert r.status_code == 200, f"{self.name} could not log in: {r.status_code} {r.text[:300]}"


def _encode(args: dict) -> dict:
	return {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in args.items()}


@dataclass
class World:
	base: str
	actors: dict[str, Actor]
	o: dict[str, Obj]  # case A's documents
	b: dict[str, Obj]  # case B's
	guess: dict[str, Obj]
	scratch: dict[str, str]  # cases and tasks the write tests may change
	rule: str

	def __getitem__(self, actor: str) -> Actor:
		return self.actors[actor]


def _user(actor: str):
	roles = ROLES[actor]
	values = {
		"doctype": "User",
		"email": email(actor),
		"first_name": f"{actor} {SFX}",
		"send_welcome_email": 0,
		"new_password": PWD,
		"user_type": "Website User" if roles == ["Legist Client"] else "System User",
		"roles": [{"role": r} for r in roles],
	}
	if actor == "D":  # D has ticked "notify me of documents I follow" in My Settings, as anyone may
		values.update(document_follow_notify=1, document_follow_frequency="Hourly")
	frappe.get_doc(values).insert(ignore_permissions=True)


def _team(label: str, member: str) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "Routing Team",
				"team_name": f"Sec {label} {SFX}",
				"members": [{"user": member, "team_role": "Paralegal", "active": 1}],
			}
		)
		.insert()
		.name
	)


def _case(title: str, client_name: str, **kw):
	values = {
		"doctype": "Case",
		"case_title": title,
		"case_type": case_type("Adjustment of Status"),
		"priority": "Standard",
		"client_name": client_name,
	}
	return frappe.get_doc({**values, **kw}).insert()


def _receipt() -> str:
	return f"IOE{secrets.randbelow(10**10):010d}"


def _side(x: str, client: str, paralegal: str, team: str) -> tuple[dict[str, Obj], dict[str, str]]:
	"""A case and everything that belongs to it, each carrying a secret of its own."""
	from frappe.desk.form import assign_to
	from frappe.utils.global_search import sync_value

	from legist_routing.services import apply, journal, portal

	low = x.lower()
	client_name = f"Amara Vantrell{SFX}{low}"
	title = f"Secret case {x} {SFX}"
	case = _case(
		title, client_name, client_user=client, client_email=client, primary_paralegal=paralegal, team=team
	)
	assign_to.add({"doctype": "Case", "name": case.name, "assign_to": [paralegal]})

	task = frappe.get_doc(
		{
			"doctype": "Case Task",
			"title": f"Secret task {x} Zorblat{SFX}{low}",
			"case": case.name,
			"checklist": [{"item": f"Secret checklist {x} {SFX}"}],
		}
	).insert()
	apply.assign(task, paralegal)  # routing's own way: a ToDo whose description is the task's title

	notice = frappe.get_doc(
		{
			"doctype": "Case Notice",
			"case": case.name,
			"notice_type": "Receipt",
			"receipt_number": _receipt(),
			"notice_date": nowdate(),
		}
	).insert()
	comment = case.add_comment("Comment", f"secret note {x} {SFX}")
	case.reload()
	case.receipt_numbers = _receipt()  # a change: the Version carries the number
	case.save()

	pdf = f"%PDF-1.4 secret file {x} {SFX}".encode()
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"secret-{low}-{SFX}.pdf",
			"content": pdf,
			"is_private": 1,
			"attached_to_doctype": "Case",
			"attached_to_name": case.name,
		}
	).insert()

	item = f"Secret passport {x} {SFX}"
	request, upload_request, http_request = portal.request_documents(
		case.name, [{"item": item}, {"item": f"Birth record {x} {SFX}"}, {"item": f"Tax return {x} {SFX}"}]
	)
	message = frappe.get_doc(
		{
			"doctype": "Client Message",
			"case": case.name,
			"subject": f"Secret message {x} {SFX}",
			"message": "We filed your application.",
		}
	).insert()
	log = journal.write_plain(
		"security.seed", f"security:{SFX}:{x}", case.name, "Case", case.name, f"secret log {x} {SFX}", {}
	)

	# The client's own upload, as the portal stores it (owned by the client, attached to the request).
	uploaded = f"%PDF-1.4 upload {x} {SFX}".encode()
	frappe.set_user(client)
	try:
		portal.upload(upload_request, f"upload-{low}-{SFX}.pdf", uploaded)
	finally:
		frappe.set_user("Administrator")
	upload_url = frappe.db.get_value(
		"File", {"attached_to_doctype": "Client Request", "attached_to_name": upload_request}, "file_url"
	)

	# Case is not in global search out of the box; a site that indexes its client name (Customize Form)
	# must still not leak it. Index A and B as Frappe would.
	sync_value(
		{
			"doctype": "Case",
			"name": case.name,
			"content": f"Client Name : {client_name}",
			"published": 0,
			"title": title,
			"route": "",
		}
	)
	version = frappe.db.get_value("Version", {"ref_doctype": "Case", "docname": case.name}, "name")
	row = task.checklist[0]
	return {
		"case": Obj(
			"Case",
			case.name,
			secret=title,
			fieldname="case_title",
			title=title,
			by={"name": case.name},
			assignee=paralegal,
			token=f"Vantrell{SFX}{low}",
			docinfo=comment.content,
		),
		"task": Obj(
			"Case Task",
			task.name,
			secret=task.title,
			fieldname="title",
			title=task.title,
			by={"case": case.name},
			assignee=paralegal,
			token=f"Zorblat{SFX}{low}",
		),
		"notice": Obj(
			"Case Notice",
			notice.name,
			secret=notice.receipt_number,
			fieldname="receipt_number",
			by={"case": case.name},
		),
		"request": Obj("Client Request", request, secret=item, fieldname="item", by={"case": case.name}),
		"message": Obj(
			"Client Message",
			message.name,
			secret=message.subject,
			fieldname="subject",
			by={"case": case.name},
		),
		"comment": Obj(
			"Comment",
			comment.name,
			secret=comment.content,
			fieldname="content",
			by={"reference_doctype": "Case", "reference_name": case.name},
		),
		"file": Obj(
			"File",
			file.name,
			secret=file.file_name,
			fieldname="file_name",
			by={"attached_to_doctype": "Case", "attached_to_name": case.name},
			url=file.file_url,
			content=pdf,
		),
		"upload": Obj("File", upload_url, url=upload_url, content=uploaded, secret=f"upload-{low}-{SFX}.pdf"),
		"log": Obj(
			"Routing Log", log, secret=f"secret log {x} {SFX}", fieldname="summary", by={"case": case.name}
		),
		"version": Obj(
			"Version",
			version,
			secret=case.receipt_numbers,
			fieldname="data",
			by={"ref_doctype": "Case", "docname": case.name},
		),
		"checklist": Obj(
			"Case Task Checklist Item",
			row.name,
			secret=row.item,
			fieldname="item",
			by={"parent": task.name},
			parent="Case Task",
		),
	}, {"uploaded_request": upload_request, "http_request": http_request}


def _neighbour(name: str, step: int) -> str:
	prefix, number = name.rsplit("-", 1)
	return f"{prefix}-{int(number) + step:0{len(number)}d}"


def _seed() -> dict:
	from legist_routing.services import apply

	for actor in ROLES:  # Frappe's new-user throttle is lifted for the suite (conftest)
		_user(actor)
	t1, t2 = _team("T1", email("P1")), _team("T2", email("P2"))
	# Case A between two cases nobody of ours is on, so that A's neighbours in the series exist.
	_case(f"Filler before {SFX}", f"Filler {SFX}")
	a, requests_a = _side("A", email("clientA"), email("P1"), t1)
	_case(f"Filler after {SFX}", f"Filler {SFX}")
	b, _requests_b = _side("B", email("clientB"), email("P2"), t2)

	guess = {}
	for label, name in (
		("prev", _neighbour(a["case"].name, -1)),
		("next", _neighbour(a["case"].name, 1)),
		("invented", _neighbour(a["case"].name, 87_654)),
	):
		title = frappe.db.get_value("Case", name, "case_title")
		guess[label] = Obj("Case", name, secret=title or "", exists=bool(title))
	assert guess["prev"].exists and guess["next"].exists and not guess["invented"].exists, guess

	# Cases only the write tests touch, one per test that could open them to D if it got through.
	scratch = {}
	for key in ("assign_case", "put_task", "post_task"):
		case = _case(f"Scratch {key} {SFX}", f"Scratch {SFX}", primary_paralegal=email("P1"), team=t1)
		scratch[key] = case.name
	task = frappe.get_doc(
		{"doctype": "Case Task", "title": f"Scratch task {SFX}", "case": scratch["put_task"]}
	)
	task.insert()
	apply.assign(task, email("P1"), notify_user=False)
	scratch["put_task_task"] = task.name

	settings = frappe.get_single("Global Search Settings")
	if "Case" not in [d.document_type for d in settings.allowed_in_global_search]:
		settings.append("allowed_in_global_search", {"document_type": "Case"})
		settings.save()
	from frappe.utils.global_search import sync_global_search

	sync_global_search()  # what the scheduler does every few minutes: the ToDos' index rows
	rule = frappe.db.get_value("Routing Rule", {"trigger": "portal.upload"}, "name")
	scratch.update(requests_a)
	return {"a": a, "b": b, "guess": guess, "scratch": scratch, "rule": rule}


@pytest.fixture(scope="module")
def world(site):
	from frappe.installer import update_site_config

	port = free_port("LEGIST_SECURITY_PORT", 8011)
	base = f"http://127.0.0.1:{port}"
	# The print view's PDF is rendered by wkhtmltopdf, which loads the page's styles from host_name: point it
	# at this server for the module (new-site.sh sets http://SITE:8000, which nothing here resolves).
	host_name = frappe.get_site_config().get("host_name")
	update_site_config("host_name", base)
	server = Served(port)
	try:
		frappe.set_user("Administrator")
		try:
			seeded = _seed()
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			raise
		finally:
			frappe.set_user("Administrator")
		server.ready()
		actors = {"anon": Actor("anon", base)}
		for name in ROLES:
			actors[name] = Actor(name, base)
			actors[name].login()
		a, b = seeded["a"], seeded["b"]
		for name, actor in actors.items():
			actor.own_case = (a if name == "P1" else b)["case"].name
		# Let every session mint its CSRF token now, as a browser would (desk, or the client's own case page).
		for name, actor in actors.items():
			if name == "anon":
				continue
			own = {"clientA": a, "clientB": b}.get(name)
			page = actor.get("/client/case", name=own["case"].name) if own else actor.get("/app")
			assert page.status_code == 200, f"{name}: {page.status_code} {page.text[:300]}"
			assert "X-Frappe-CSRF-Token" in actor.http.headers, f"{name}: no CSRF token in {page.url}"
		yield World(base, actors, a, b, seeded["guess"], seeded["scratch"], seeded["rule"])
	finally:
		server.stop()
		update_site_config("host_name", host_name or "None")


# ---------------------------------------------------------------------------------------------- roads
def message(r: requests.Response):
	try:
		body = r.json()
	except ValueError:
		return None
	if isinstance(body, dict):
		for key in ("message", "data", "docs"):
			if key in body:
				return body[key]
	return body


def dump(value) -> str:
	return json.dumps(value, default=str)


def _q(text: str) -> str:
	return quote(text, safe="")


def _rows(o: Obj) -> list:
	return [[o.doctype, k, "=", v] for k, v in o.by.items()]


def _parent(o: Obj) -> dict:
	return {"parent": o.parent} if o.parent else {}


@dataclass(frozen=True)
class Road:
	kind: str  # "one": one document; "many": a list, count or search
	call: object
	shows: object  # does the response show the object?
	deny: tuple = DENIED


def _has_secret(r, o):
	return r.status_code == 200 and bool(o.secret) and o.secret in r.text


def _has_title(r, o):
	return r.status_code == 200 and o.title in r.text


def _listed(r, o):
	return r.status_code == 200 and o.name in dump(message(r))


def _counted(r, o):
	n = message(r)
	return r.status_code == 200 and isinstance(n, int) and n > 0


ROADS = {
	"resource_get": Road(
		"one", lambda a, o: a.get(f"/api/resource/{_q(o.doctype)}/{_q(o.name)}"), _has_secret
	),
	"client_get": Road(
		"one", lambda a, o: a.call("frappe.client.get", doctype=o.doctype, name=o.name), _has_secret
	),
	"getdoc": Road(
		"one",
		lambda a, o: a.call("frappe.desk.form.load.getdoc", doctype=o.doctype, name=o.name),
		_has_secret,
	),
	"get_docinfo": Road(
		"one",
		lambda a, o: a.call("frappe.desk.form.load.get_docinfo", doctype=o.doctype, name=o.name),
		lambda r, o: r.status_code == 200 and o.docinfo in r.text,
	),
	"validate_link": Road(
		"one",
		lambda a, o: a.call(
			"frappe.client.validate_link", doctype=o.doctype, docname=o.name, fields=[o.fieldname]
		),
		_has_secret,
	),
	"get_link_title": Road(
		"one",
		lambda a, o: a.call("frappe.desk.search.get_link_title", doctype=o.doctype, docname=o.name),
		_has_title,
	),
	"printview": Road(
		"one",
		lambda a, o: a.get("/printview", doctype=o.doctype, name=o.name, format="Standard"),
		_has_secret,
	),
	"download_pdf": Road(
		"one",
		lambda a, o: a.call(
			"frappe.utils.print_format.download_pdf", doctype=o.doctype, name=o.name, format="Standard"
		),
		lambda r, o: r.status_code == 200 and r.content.startswith(b"%PDF-"),
	),
	"private_url": Road(
		"one", lambda a, o: a.get(o.url), lambda r, o: r.status_code == 200 and r.content == o.content
	),
	"query_report": Road(
		"one",
		lambda a, o: a.call("frappe.desk.query_report.run", report_name=REPORT, filters={"case": o.name}),
		lambda r, o: r.status_code == 200 and o.name in dump((message(r) or {}).get("result")),
		deny=(403,),
	),
	"resource_list": Road(
		"many",
		lambda a, o: a.get(
			f"/api/resource/{_q(o.doctype)}", fields=["name"], limit_page_length=0, **_parent(o)
		),
		_listed,
	),
	"resource_list_filter": Road(
		"many",
		lambda a, o: a.get(
			f"/api/resource/{_q(o.doctype)}",
			fields=["name", o.fieldname],
			filters=o.by,
			limit_page_length=0,
			**_parent(o),
		),
		_listed,
	),
	"client_get_list": Road(
		"many",
		lambda a, o: a.call(
			"frappe.client.get_list",
			doctype=o.doctype,
			fields=["name", o.fieldname],
			filters=o.by,
			limit_page_length=0,
			**_parent(o),
		),
		_listed,
	),
	"client_get_count": Road(
		"many", lambda a, o: a.call("frappe.client.get_count", doctype=o.doctype, filters=o.by), _counted
	),
	"client_get_value": Road(
		"many",
		lambda a, o: a.call(
			"frappe.client.get_value", doctype=o.doctype, fieldname=["name", o.fieldname], filters=o.name
		),
		lambda r, o: r.status_code == 200 and o.secret in dump(message(r)),
	),
	"reportview_get": Road(
		"many",
		lambda a, o: a.call(
			"frappe.desk.reportview.get",
			doctype=o.doctype,
			fields=[f"`tab{o.doctype}`.`name`", f"`tab{o.doctype}`.`{o.fieldname}`"],
			filters=_rows(o),
		),
		_listed,
	),
	"reportview_get_count": Road(
		"many",
		lambda a, o: a.call("frappe.desk.reportview.get_count", doctype=o.doctype, filters=_rows(o)),
		_counted,
	),
	"export_query": Road(
		"many",
		lambda a, o: a.call(
			"frappe.desk.reportview.export_query",
			http="POST",
			doctype=o.doctype,
			file_format_type="CSV",
			fields=[f"`tab{o.doctype}`.`name`", f"`tab{o.doctype}`.`{o.fieldname}`"],
			filters=[],
		),
		lambda r, o: r.status_code == 200 and o.name in r.text,
	),
	"group_by_assigned": Road(
		"many",
		lambda a, o: a.call(
			"frappe.desk.listview.get_group_by_count",
			doctype=o.doctype,
			current_filters=_rows(o),
			field="assigned_to",
		),
		lambda r, o: r.status_code == 200 and o.assignee in dump(message(r)),
	),
	"group_by_status": Road(
		"many",
		lambda a, o: a.call(
			"frappe.desk.listview.get_group_by_count",
			doctype=o.doctype,
			current_filters=_rows(o),
			field="status",
		),
		lambda r, o: r.status_code == 200 and bool(message(r)),
	),
	"search_link": Road(
		"many", lambda a, o: a.call("frappe.desk.search.search_link", doctype=o.doctype, txt=o.title), _listed
	),
	"search_link_iup": Road(
		"many",
		lambda a, o: a.call(
			"frappe.desk.search.search_link", doctype=o.doctype, txt=o.title, ignore_user_permissions=1
		),
		_listed,
	),
	"search_widget": Road(
		"many",
		lambda a, o: a.call("frappe.desk.search.search_widget", doctype=o.doctype, txt=o.title, as_dict=1),
		_listed,
	),
	# A made-up document on the actor's own case, linking to the target: its print shows the link's title.
	"print_crafted": Road(
		"many",
		lambda a, o: a.call(
			"frappe.www.printview.get_html_and_style",
			http="POST",
			doc={
				"doctype": "Client Request",
				"name": f"crafted-{SFX}",
				"case": a.own_case,
				"task": o.name,
				"item": "made up",
				"status": "Requested",
			},
		),
		_has_title,
	),
	"global_search": Road(
		"many",
		lambda a, o: a.call("frappe.utils.global_search.search", text=o.token),
		lambda r, o: r.status_code == 200 and o.token in dump(message(r)),
	),
}

# What each object of case A is tried on.
OBJECT_ROADS = {
	"case": [
		"resource_get",
		"client_get",
		"getdoc",
		"get_docinfo",
		"validate_link",
		"get_link_title",
		"printview",
		"download_pdf",
		"query_report",
		"resource_list",
		"resource_list_filter",
		"client_get_list",
		"client_get_count",
		"client_get_value",
		"reportview_get",
		"reportview_get_count",
		"export_query",
		"group_by_assigned",
		"group_by_status",
		"search_link",
		"search_link_iup",
		"search_widget",
		"global_search",
	],
	"task": [
		"resource_get",
		"client_get",
		"getdoc",
		"get_link_title",
		"validate_link",
		"resource_list_filter",
		"client_get_list",
		"client_get_count",
		"reportview_get",
		"export_query",
		"group_by_assigned",
		"search_link_iup",
		"global_search",
		"print_crafted",
	],
	"notice": ["resource_get", "getdoc", "resource_list_filter", "client_get_list", "reportview_get_count"],
	"request": ["resource_get", "getdoc", "resource_list_filter", "client_get_count"],
	"message": ["resource_get", "resource_list_filter"],
	"comment": ["resource_get", "resource_list_filter"],
	"file": ["resource_get", "resource_list_filter", "private_url"],
	"upload": ["private_url"],
	"log": ["resource_get", "resource_list_filter", "client_get_count"],
	"version": ["resource_list_filter"],
	"checklist": ["resource_list_filter"],
}
# Who may read each of case A's objects through the desk (the model of services/permissions.py).
# Comments and Versions: their DocTypes are readable by the System Manager only; the others read them
# through the case's timeline (get_docinfo). Routing Logs: managers only, by role. Clients: the portal only,
# except their own upload.
READERS = {
	"case": {"P1", "M"},
	"task": {"P1", "M"},
	"notice": {"P1", "M"},
	"request": {"P1", "M"},
	"message": {"P1", "M"},
	"comment": set(),
	"file": {"P1", "M"},
	"upload": {"P1", "M", "clientA"},
	"log": {"M"},
	"version": set(),
	"checklist": {"P1", "M"},
}
# Roads a role grants on top of record access: exports need Export (managers), the audit trail is a
# managers' report; a made-up document (one the database does not hold) shows nothing to anyone but a
# manager, whatever case it claims.
ROAD_ROLES = {"export_query": {"M"}, "query_report": {"M"}, "print_crafted": {"M"}}
# Readers that differ on one road: global search finds a task through its ToDo's index row, which Frappe
# lets only the assignee (and whoever assigned it) read.
ROAD_READERS = {("task", "global_search"): {"P1"}}


def expected(actor: str, obj: str, road: str) -> str:
	readers = ROAD_READERS.get((obj, road), READERS[obj])
	ok = actor in readers and actor in ROAD_ROLES.get(road, {actor})
	return "allow" if ok else "deny"


FULL = ("clientA", "P1", "P2", "D", "M")
ANON = [
	("case", "resource_get"),
	("case", "getdoc"),
	("case", "printview"),
	("case", "resource_list"),
	("case", "client_get_count"),
	("case", "search_link"),
	("case", "global_search"),
	("task", "resource_get"),
	("task", "getdoc"),
	("request", "resource_get"),
	("file", "private_url"),
	("upload", "private_url"),
]
CLIENT_B = [
	("case", "resource_get"),
	("case", "getdoc"),
	("case", "client_get_list"),
	("task", "client_get"),
	("task", "global_search"),
	("request", "resource_get"),
	("file", "private_url"),
	("upload", "private_url"),
]
MATRIX = (
	[(actor, obj, road) for actor in FULL for obj, roads in OBJECT_ROADS.items() for road in roads]
	+ [("anon", obj, road) for obj, road in ANON]
	+ [("clientB", obj, road) for obj, road in CLIENT_B]
)


def _show(r: requests.Response) -> str:
	return f"HTTP {r.status_code} {r.headers.get('Content-Type', '')}: {r.text[:400]!r}"


def assert_allowed(road: Road, r: requests.Response, o: Obj, what: str):
	assert r.status_code == 200, f"{what}: an allowed read was refused. {_show(r)}"
	assert road.shows(r, o), f"{what}: an allowed read did not return the data. {_show(r)}"


def _excerpt(text: str, secret: str) -> str:
	at = text.find(secret)
	return text[max(0, at - 150) : at + len(secret) + 150] if at >= 0 else ""


def assert_denied(road: Road, r: requests.Response, o: Obj, what: str):
	found = [s for s in o.secrets() if s in r.text]
	if found or road.shows(r, o):
		where = _excerpt(r.text, found[0]) if found else r.text[:400]
		pytest.fail(
			f"{what}: LEAK of {found or o.name}, HTTP {r.status_code}: ...{where!r}...", pytrace=False
		)
	if road.kind == "one":
		# Frappe's getdoc answers a name that does not exist with 200 and no document (it cannot refuse
		# what is not there); a document that exists must be refused.
		missing = not o.exists and r.status_code == 200 and not message(r)
		assert r.status_code in road.deny or missing, f"{what}: expected {road.deny}. {_show(r)}"
	else:
		assert r.status_code in (200, *road.deny), f"{what}: expected 200 without data or 403. {_show(r)}"


@pytest.mark.parametrize(
	"actor,obj,road",
	[pytest.param(*cell, id=f"{cell[0]}|{cell[1]}|{cell[2]}|{expected(*cell)}") for cell in MATRIX],
)
def test_read(world, actor, obj, road):
	o, r_ = world.o[obj], ROADS[road]
	r = r_.call(world[actor], o)
	what = f"{actor} on {o.doctype} {o.name} via {road}"
	if expected(actor, obj, road) == "allow":
		if road == "download_pdf" and r.status_code != 200 and "wkhtmltopdf" in r.text:
			pytest.fail(f"{what}: the server has no wkhtmltopdf (apt-get install wkhtmltopdf). {_show(r)}")
		assert_allowed(r_, r, o, what)
	else:
		assert_denied(r_, r, o, what)


# ------------------------------------------------------------------------------------- guessed names
GUESSERS = ("anon", "clientA", "P2", "D", "M")


@pytest.mark.parametrize("road", ["resource_get", "getdoc"])
@pytest.mark.parametrize("guess", ["prev", "next", "invented"])
@pytest.mark.parametrize("actor", GUESSERS)
def test_guessed_name(world, actor, guess, road):
	"""A's neighbours in the naming series exist (the manager reads them), and are refused to the others;
	an invented name is refused to everyone."""
	o, r_ = world.guess[guess], ROADS[road]
	r = r_.call(world[actor], o)
	what = f"{actor} guessing {o.name} ({guess}) via {road}"
	if actor == "M" and o.exists:
		assert_allowed(r_, r, o, what)
	else:
		assert_denied(r_, r, o, what)


# ---------------------------------------------------------------------------------- the form's Links
LINKS = {"M": "allow", "P1": "allow", "P2": "refuse", "D": "refuse", "clientA": "refuse", "anon": "refuse"}


@pytest.mark.parametrize("actor", sorted(LINKS))
def test_form_links(world, actor):
	"""The form's Links dialog (``frappe.desk.form.linked_with.get``): those on case A see its task, notice and
	request; the paralegal, who may not read Routing Logs, gets the rest rather than a refusal of the whole
	dialog; everyone else is refused, never answered with an empty list."""
	o = world.o
	r = world[actor].call("frappe.desk.form.linked_with.get", doctype="Case", docname=o["case"].name)
	what = f"{actor}: the Links of case A"
	shown = {"task": "Case Task", "notice": "Case Notice", "request": "Client Request"}
	if LINKS[actor] == "refuse":
		assert_code(r, DENIED, what)
		for key in shown:
			assert o[key].name not in r.text, f"{what}: LEAK of {o[key].name}"
		return
	assert_code(r, 200, what)
	links = message(r)
	for key, doctype in shown.items():
		names = [d["name"] for d in links.get(doctype, [])]
		assert o[key].name in names, f"{what}: {doctype} {o[key].name} missing. {_show(r)}"
	assert ("Routing Log" in links) == (actor == "M"), f"{what}: Routing Logs are the managers'. {_show(r)}"


@pytest.mark.parametrize("case", ["B", "prev", "invented"])
def test_form_links_of_a_case_not_ones_own(world, case):
	"""The paralegal of case A asking for the Links of case B, of the case named before A, or of a
	name that does not exist: refused each time."""
	target = world.b["case"] if case == "B" else world.guess[case]
	r = world["P1"].call("frappe.desk.form.linked_with.get", doctype="Case", docname=target.name)
	assert_code(r, DENIED, f"P1: the Links of {target.name} ({case})")


# ------------------------------------------------------------------------------------------- portal
PORTAL = [
	("anon", "index", "login"),
	("anon", "A", "login"),
	("clientA", "index", "own"),
	("clientA", "A", "own"),
	("clientA", "B", "refused"),
	("clientA", "prev", "refused"),
	("clientA", "next", "refused"),
	("clientA", "invented", "refused"),
	("clientB", "index", "own"),
	("clientB", "A", "refused"),
	("P1", "index", "empty"),
	("P1", "A", "refused"),
	("D", "B", "refused"),
	("M", "index", "empty"),
	("M", "A", "refused"),
]


def _portal_secrets(side: dict[str, Obj]) -> list[str]:
	return [side[k].secret for k in ("case", "request", "message")]


@pytest.mark.parametrize("actor,page,expect", PORTAL, ids=["|".join(p) for p in PORTAL])
def test_portal(world, actor, page, expect):
	a, b = world.o, world.b
	names = {"A": a["case"].name, "B": b["case"].name, **{k: g.name for k, g in world.guess.items()}}
	name = names.get(page)
	r = world[actor].get("/client/case", name=name) if name else world[actor].get("/client")
	guessed = [g.secret for g in world.guess.values() if g.secret]
	everything = _portal_secrets(a) + _portal_secrets(b) + guessed
	if expect == "own":
		own, other = (a, b) if actor == "clientA" else (b, a)
		must = _portal_secrets(own) if name else [own["case"].secret]
		assert r.status_code == 200, _show(r)
		missing = [s for s in must if s not in r.text]
		assert not missing, f"{actor} does not see {missing} on {page}: {_show(r)}"
		must_not = _portal_secrets(other) + guessed
	else:
		must_not = everything
		if expect == "empty":
			assert r.status_code == 200, _show(r)
		elif expect == "login":
			to_login = r.status_code in (301, 302, 303, 307) and "/login" in r.headers.get("Location", "")
			assert to_login or r.status_code in (401, 403), _show(r)
		else:
			assert r.status_code in (403, 404), f"{actor} on {page}: expected 404 (or 403). {_show(r)}"
	leaked = [s for s in must_not if s in r.text]
	assert not leaked, f"{actor} on {page}: LEAK {leaked}. {_show(r)}"


# -------------------------------------------------------------------------------------------- writes
WRITES = {}


def write(fn):
	WRITES[fn.__name__] = fn
	return fn


def assert_code(r: requests.Response, codes, what: str):
	codes = (codes,) if isinstance(codes, int) else codes
	assert r.status_code in codes, f"{what}: expected HTTP {codes}. {_show(r)}"


def fresh():
	frappe.db.rollback()  # a new snapshot: see what the server committed


def _pdf(label: str):
	return {"file": (f"{label}-{SFX}.pdf", f"%PDF-1.4 {label}".encode(), "application/pdf")}


def _case_unchanged(w):
	fresh()
	assert frappe.db.get_value("Case", w.o["case"].name, "case_title") == w.o["case"].secret


@write
def client_cannot_put_case(w):
	r = w["clientA"].request("PUT", f"/api/resource/Case/{w.o['case'].name}", json={"case_title": "pwned"})
	assert_code(r, 403, "client PUT Case")
	_case_unchanged(w)


@write
def client_cannot_post_case_task(w):
	title = f"pwned by client {SFX}"
	r = w["clientA"].request(
		"POST", "/api/resource/Case Task", json={"title": title, "case": w.o["case"].name}
	)
	assert_code(r, 403, "client POST Case Task")
	fresh()
	assert not frappe.db.exists("Case Task", {"title": title})


@write
def client_cannot_request_documents(w):
	r = w["clientA"].call(
		"legist_routing.api.request_documents", http="POST", case=w.o["case"].name, items=["pwned"]
	)
	assert_code(r, 403, "client request_documents")


@write
def client_cannot_acknowledge_task(w):
	r = w["clientA"].call("legist_routing.api.acknowledge_task", http="POST", name=w.o["task"].name)
	assert_code(r, 403, "client acknowledge_task")


@write
def client_cannot_export_rules(w):
	r = w["clientA"].call("legist_routing.api.export_rules")
	assert_code(r, 403, "client export_rules")


@write
def client_b_cannot_upload_to_a_request(w):
	request = w.o["request"].name
	r = w["clientB"].call(
		"legist_routing.api.portal_upload", http="POST", files=_pdf("b-into-a"), request=request
	)
	assert_code(r, (403, 404), "client B portal_upload to A's request")
	fresh()
	assert frappe.db.get_value("Client Request", request, "status") == "Requested"
	assert not frappe.db.exists("File", {"attached_to_name": request})


@write
def client_b_cannot_put_a_request(w):
	r = w["clientB"].request(
		"PUT", f"/api/resource/Client Request/{w.o['request'].name}", json={"status": "Accepted"}
	)
	assert_code(r, 403, "client B PUT Client Request")


@write
def anonymous_cannot_upload(w):
	r = w["anon"].call(
		"legist_routing.api.portal_upload", http="POST", files=_pdf("anon"), request=w.o["request"].name
	)
	assert_code(r, (401, 403), "anonymous portal_upload")


@write
def client_a_uploads_to_own_request(w):
	"""The control: the upload road works, so client B's refusal above is a refusal."""
	request = w.scratch["http_request"]
	r = w["clientA"].call("legist_routing.api.portal_upload", http="POST", files=_pdf("own"), request=request)
	assert_code(r, 200, "client A portal_upload to their own request")
	assert message(r)["status"] == "received", _show(r)


@write
def paralegal_cannot_reassign(w):
	task = w.o["task"].name
	r = w["P1"].call(
		"legist_routing.api.reassign_task", http="POST", name=task, user=email("P2"), reason="Overload"
	)
	assert_code(r, 403, "paralegal reassign_task")
	fresh()
	assert frappe.db.get_value("Case Task", task, "assigned_to") == email("P1")


@write
def paralegal_cannot_put_rule(w):
	r = w["P1"].request("PUT", f"/api/resource/Routing Rule/{w.rule}", json={"enabled": 0})
	assert_code(r, 403, "paralegal PUT Routing Rule")
	fresh()
	assert frappe.db.get_value("Routing Rule", w.rule, "enabled") == 1


@write
def paralegal_cannot_import_rules(w):
	rule = {
		"ruleName": f"Pwned_{SFX}",
		"trigger": "case.created",
		"conditions": {"case.priority": "standard"},
		"actions": [{"assign": email("P1")}],
	}
	r = w["P1"].call("legist_routing.api.import_rules", http="POST", rules_json=json.dumps(rule))
	assert_code(r, 403, "paralegal import_rules")
	fresh()
	assert not frappe.db.exists("Routing Rule", f"Pwned_{SFX}")


@write
def paralegal_cannot_assign_case_task(w):
	task = w.o["task"].name
	r = w["P1"].call(
		"frappe.desk.form.assign_to.add", http="POST", doctype="Case Task", name=task, assign_to=[email("P2")]
	)
	assert_code(r, 403, "paralegal assign_to.add on a Case Task")
	fresh()
	assert not frappe.db.exists("ToDo", {"reference_name": task, "allocated_to": email("P2")})


@write
def paralegal_cannot_share_case(w):
	case = w.o["case"].name
	r = w["P1"].call("frappe.share.add", http="POST", doctype="Case", name=case, user=email("D"), read=1)
	assert_code(r, 403, "paralegal frappe.share.add")
	fresh()
	assert not frappe.db.exists("DocShare", {"share_doctype": "Case", "share_name": case, "user": email("D")})


def _d_reads(w, case: str) -> requests.Response:
	return w["D"].get(f"/api/resource/Case/{case}")


@write
def paralegal_assigning_case_opens_it_to_nobody(w):
	case = w.scratch["assign_case"]
	r = w["P1"].call(
		"frappe.desk.form.assign_to.add", http="POST", doctype="Case", name=case, assign_to=[email("D")]
	)
	d = _d_reads(w, case)
	assert d.status_code in (403, 404), (
		f"P1 assigned case {case} to D ({_show(r)}); D now reads it: {_show(d)}"
	)


@write
def paralegal_cannot_set_task_assignee(w):
	"""Only managers (and routing) assign case tasks: Case Task.assigned_to is not a back door."""
	task, case = w.scratch["put_task_task"], w.scratch["put_task"]
	r = w["P1"].request("PUT", f"/api/resource/Case Task/{task}", json={"assigned_to": email("D")})
	fresh()
	now = frappe.db.get_value("Case Task", task, "assigned_to")
	d = _d_reads(w, case)
	assert now == email("P1") and d.status_code in (403, 404), (
		f"P1 PUT assigned_to={email('D')} on {task}: {_show(r)}; the task is now assigned to {now}; "
		f"D reading case {case}: {_show(d)}"
	)


@write
def paralegal_cannot_create_task_assigned_to_someone(w):
	case = w.scratch["post_task"]
	title = f"Task for D {SFX}"
	r = w["P1"].request(
		"POST", "/api/resource/Case Task", json={"title": title, "case": case, "assigned_to": email("D")}
	)
	fresh()
	now = frappe.db.get_value("Case Task", {"title": title}, "assigned_to")
	d = _d_reads(w, case)
	assert now != email("D") and d.status_code in (403, 404), (
		f"P1 POST a Case Task with assigned_to={email('D')}: {_show(r)}; its assignee is {now}; "
		f"D reading case {case}: {_show(d)}"
	)


@write
def paralegal_edits_own_case(w):
	"""The control: P1 may edit case A, so the refusals to P2 and D below are about the record."""
	r = w["P1"].request("PUT", f"/api/resource/Case/{w.o['case'].name}", json={"filing_date": nowdate()})
	assert_code(r, 200, "paralegal PUT own case")


@write
def attorney_cannot_comment(w):
	r = w["D"].call(
		"frappe.desk.form.utils.add_comment",
		http="POST",
		reference_doctype="Case",
		reference_name=w.o["case"].name,
		content="pwned comment",
		comment_email=email("D"),
		comment_by="D",
	)
	assert_code(r, 403, "attorney add_comment on case A")
	fresh()
	assert not frappe.db.exists("Comment", {"reference_name": w.o["case"].name, "owner": email("D")})


@write
def attorney_cannot_put_case(w):
	r = w["D"].request("PUT", f"/api/resource/Case/{w.o['case'].name}", json={"case_title": "pwned"})
	assert_code(r, 403, "attorney PUT case A")
	_case_unchanged(w)


@write
def attorney_cannot_set_value(w):
	r = w["D"].call(
		"frappe.client.set_value",
		http="POST",
		doctype="Case",
		name=w.o["case"].name,
		fieldname="case_title",
		value="pwned",
	)
	assert_code(r, 403, "attorney frappe.client.set_value")
	_case_unchanged(w)


@write
def attorney_cannot_delete_case(w):
	r = w["D"].request("DELETE", f"/api/resource/Case/{w.o['case'].name}")
	assert_code(r, 403, "attorney DELETE case A")
	fresh()
	assert frappe.db.exists("Case", w.o["case"].name)


@write
def attorney_cannot_upload_file_to_case(w):
	case = w.o["case"].name
	r = w["D"].call(
		"upload_file", http="POST", files=_pdf("d-upload"), doctype="Case", docname=case, is_private=1
	)
	assert_code(r, 403, "attorney upload_file onto case A")
	fresh()
	assert not frappe.db.exists("File", {"attached_to_name": case, "owner": email("D")})


@write
def attorney_cannot_post_file_to_case(w):
	case = w.o["case"].name
	r = w["D"].request(
		"POST",
		"/api/resource/File",
		json={
			"file_name": f"d-{SFX}.pdf",
			"content": "%PDF-1.4 d",
			"is_private": 1,
			"attached_to_doctype": "Case",
			"attached_to_name": case,
		},
	)
	assert_code(r, 403, "attorney POST File onto case A")
	fresh()
	assert not frappe.db.exists("File", {"attached_to_name": case, "owner": email("D")})


@write
def attorney_cannot_post_notice(w):
	r = w["D"].request(
		"POST",
		"/api/resource/Case Notice",
		json={"case": w.o["case"].name, "notice_type": "Other", "notice_date": nowdate()},
	)
	assert_code(r, 403, "attorney POST Case Notice on case A")


@write
def attorney_cannot_request_documents(w):
	r = w["D"].call("legist_routing.api.request_documents", http="POST", case=w.o["case"].name, items=["x"])
	assert_code(r, 403, "attorney request_documents on case A")


@write
def attorney_cannot_message_client(w):
	r = w["D"].call(
		"legist_routing.api.message_client", http="POST", case=w.o["case"].name, subject="pwned", message="x"
	)
	assert_code(r, 403, "attorney message_client on case A")


@write
def attorney_following_case_learns_nothing(w):
	"""Following a document mails its changes and comments every hour: not for a case one cannot read."""
	from frappe.desk.form.document_follow import get_message_for_user

	case = w.o["case"].name
	r = w["D"].call(
		"frappe.desk.form.document_follow.follow_document",
		http="POST",
		doctype="Case",
		doc_name=case,
		user=email("D"),
	)
	fresh()
	digest = dump(get_message_for_user("Hourly", email("D")))
	follows = frappe.db.exists(
		"Document Follow", {"ref_doctype": "Case", "ref_docname": case, "user": email("D")}
	)
	leaked = [s for s in (w.o["case"].docinfo, w.o["version"].secret, case) if s in digest]
	assert not leaked, (
		f"D followed case {case} (HTTP {r.status_code}, Document Follow {follows}); the hourly digest "
		f"(frappe.desk.form.document_follow.send_hourly_updates) would mail D {leaked}: {digest[:400]}"
	)


@write
def other_paralegal_cannot_put_case(w):
	r = w["P2"].request("PUT", f"/api/resource/Case/{w.o['case'].name}", json={"case_title": "pwned"})
	assert_code(r, 403, "P2 PUT case A")
	_case_unchanged(w)


@write
def other_paralegal_cannot_savedocs(w):
	doc = {
		"doctype": "Case",
		"name": w.o["case"].name,
		"case_title": "pwned",
		"client_name": "x",
		"case_type": "x",
	}
	r = w["P2"].call("frappe.desk.form.save.savedocs", http="POST", doc=doc, action="Save")
	assert_code(r, 403, "P2 savedocs case A")
	_case_unchanged(w)


@write
def other_paralegal_cannot_post_comment(w):
	r = w["P2"].request(
		"POST",
		"/api/resource/Comment",
		json={
			"comment_type": "Comment",
			"reference_doctype": "Case",
			"reference_name": w.o["case"].name,
			"content": "pwned",
		},
	)
	assert_code(r, 403, "P2 POST Comment on case A")


@write
def other_paralegal_cannot_acknowledge(w):
	task = w.o["task"].name
	r = w["P2"].call("legist_routing.api.acknowledge_task", http="POST", name=task)
	assert_code(r, 403, "P2 acknowledge_task on case A's task")
	fresh()
	assert not frappe.db.get_value("Case Task", task, "acknowledged_at")


@write
def other_paralegal_cannot_put_task(w):
	task = w.o["task"].name
	r = w["P2"].request("PUT", f"/api/resource/Case Task/{task}", json={"status": "Completed"})
	assert_code(r, 403, "P2 PUT case A's task")


@write
def other_paralegal_cannot_add_task_to_case(w):
	title = f"pwned by P2 {SFX}"
	r = w["P2"].request("POST", "/api/resource/Case Task", json={"title": title, "case": w.o["case"].name})
	assert_code(r, 403, "P2 POST Case Task on case A")
	fresh()
	assert not frappe.db.exists("Case Task", {"title": title})


@write
def other_paralegal_cannot_review_upload(w):
	request = w.scratch["uploaded_request"]
	r = w["P2"].call("legist_routing.api.review_upload", http="POST", request=request, decision="Accept")
	assert_code(r, 403, "P2 review_upload on case A's upload")
	fresh()
	assert frappe.db.get_value("Client Request", request, "status") == "Received"


@write
def other_paralegal_cannot_post_request(w):
	r = w["P2"].request(
		"POST", "/api/resource/Client Request", json={"case": w.o["case"].name, "item": f"pwned {SFX}"}
	)
	assert_code(r, 403, "P2 POST Client Request on case A")


@pytest.mark.parametrize("name", list(WRITES))
def test_write(world, name):
	WRITES[name](world)


# ------------------------------------------------------------------ the app's API: methods, guests, roles
# Every whitelisted method of legist_routing.api: which HTTP method it takes, and who may call it. A
# refused call is a refusal (401/403/404/417 with nothing done), never a 200.
API = {
	# method: (HTTP method it accepts, its arguments, the actors allowed)
	"constants": ("GET", {}, {"P1", "P2", "D", "M"}),
	"export_rules": ("GET", {}, {"P1", "P2", "D", "M"}),
	"import_rules": ("POST", {"rules_json": "[]"}, {"M"}),
	"simulate": ("POST", {"trigger": "case.created", "case": "CASE-NONE-00000"}, {"M"}),
	"check_rule_set": ("GET", {}, {"M"}),
	"acknowledge_task": ("POST", {"name": "TASK-NONE-00000"}, set()),
	"acknowledge_tasks": ("POST", {"names": "[]"}, {"P1", "P2", "D", "M"}),
	"reassign_task": ("POST", {"name": "TASK-NONE-00000", "user": "x@y.z", "reason": "Other"}, set()),
	"portal_upload": ("POST", {"request": "CREQ-NONE-00000"}, set()),
	"request_documents": ("POST", {"case": "CASE-NONE-00000", "items": "[]"}, set()),
	"review_upload": ("POST", {"request": "CREQ-NONE-00000", "decision": "Accept"}, set()),
	"message_client": ("POST", {"case": "CASE-NONE-00000", "subject": "s", "message": "m"}, set()),
	# the workspace's KPI card and chart (GET, as the desk's widgets call them with POST too)
	"kpi_card": ("GET", {"filters": {"kpi": "missed_deadlines"}}, {"M"}),
	"kpi_trend": ("GET", {"chart_name": "Legist Missed Deadlines"}, {"M"}),
	# a shipped rule's version 1 (compared with itself; restoring it changes nothing)
	"list_versions": ("GET", {"doctype": "Routing Rule", "name": "Portal_Upload_Review"}, {"M"}),
	"compare_versions": (
		"GET",
		{"doctype": "Routing Rule", "name": "Portal_Upload_Review", "from_version": 1, "to_version": 1},
		{"M"},
	),
	"restore_version": (
		"POST",
		{"doctype": "Routing Rule", "name": "Portal_Upload_Review", "version": 1},
		{"M"},
	),
}
REFUSED = (401, 403, 404, 417)


@pytest.mark.parametrize("method", sorted(API))
def test_api_guest_is_refused(world, method):
	http, args, _allowed = API[method]
	r = world["anon"].call(f"legist_routing.api.{method}", http=http, **args)
	assert_code(r, (401, 403), f"Guest calling {method}")


@pytest.mark.parametrize("method", sorted(m for m, (http, _a, _w) in API.items() if http == "POST"))
def test_api_post_only_methods_refuse_get(world, method):
	_http, args, _allowed = API[method]
	r = world["M"].call(f"legist_routing.api.{method}", http="GET", **args)
	assert_code(r, (403, 405), f"GET on POST-only {method}")


@pytest.mark.parametrize(
	("method", "actor"), [(m, a) for m in sorted(API) for a in ("clientA", "P1", "D", "M")]
)
def test_api_roles(world, method, actor):
	"""On made-up names, the allowed get a 200 or a clean "not found"; the others are refused."""
	http, args, allowed = API[method]
	r = world[actor].call(f"legist_routing.api.{method}", http=http, **args)
	if actor in allowed:
		assert_code(r, 200, f"{actor} calling {method}")
	else:
		assert_code(r, REFUSED, f"{actor} calling {method}")
		assert r.status_code != 200
