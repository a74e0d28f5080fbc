"""Who may see what: record-level access to a firm's cases, in one module wired from hooks.py.

- Managers (Legist Manager, System Manager) see everything.
- Staff see the cases they are on — lead attorney, primary paralegal, secondary owner, intake
  specialist, a member of the case's routing team, or the assignee of one of its tasks — and what
  belongs to those cases: tasks (and their checklists), notices, client requests and messages, routing
  logs, escalation events, and the comments, files and versions attached to any of them.
- Clients (Legist Client, website users) have no desk permission on any of these: they see their own
  cases through the portal only (``services/portal.py``), which checks ``Case.client_user``.

Frappe applies ``permission_query_conditions`` to lists, counts, reports and exports, and the
``has_permission`` hook to single documents (forms, ``/api/resource/<doctype>/<name>``, print views,
private file downloads through the attached document). Both read who is on a case from one definition,
``access.PEOPLE``: the single checks and most lists through ``visible_cases`` (the user's cases), the Case
Task lists through the Case Task Access rows derived from it in the writer's transaction (``_task_rows``).
The few whitelisted core methods that read without either (a count, the sidebar's assignee counts, link
search with ``ignore_user_permissions``, link titles, link validation, global search) are wrapped below and
registered in ``override_whitelisted_methods``.

Planning layer: this module reads and decides; it writes nothing.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils.caching import request_cache

from legist_routing.services import access, settings

# Documents that belong to a case, and the field that names it.
CASE_FIELD = {
	"Case Task": "case",
	"Case Notice": "case",
	"Client Request": "case",
	"Client Message": "case",
	"Routing Log": "case",
	"Escalation Event": "case",
}
# Children of those whose rows Frappe can list on their own.
CHILD_OF = {"Case Task Checklist Item": "Case Task"}
GUARDED = ("Case", *CASE_FIELD, *CHILD_OF)
# Where comments, files and versions attach to case documents: (reference doctype, reference name).
ATTACHMENT_COLUMNS = {
	"Comment": ("reference_doctype", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Version": ("ref_doctype", "docname"),
}
# The case documents that carry comments, files and versions.
ATTACHABLE = ("Case", "Case Task", "Case Notice", "Client Request")
CLIENT_ROLE = "Legist Client"


def sees_everything(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or settings.is_manager(user)


# Who is on which case, kept in Redis per user for a few minutes and dropped (now and again after the
# commit) by every write that changes it: a case's slots or team, a task's assignee, a team's members.
VISIBLE_KEY = "legist_routing:visible_cases:"
VISIBLE_TTL = 300  # seconds: the longest a missed invalidation could last


@request_cache
def _visible(user: str) -> tuple[frozenset[str], str]:
	"""The user's cases and the same as an SQL list; from Redis, else one statement of index seeks."""
	cached = frappe.cache.get_value(VISIBLE_KEY + user)
	if cached is None:
		rows = frappe.db.sql(access.cases_of_user_sql(), {"u": user})
		names = sorted(r[0] for r in rows)
		cached = (names, ", ".join(frappe.db.escape(n) for n in names))
		frappe.cache.set_value(VISIBLE_KEY + user, cached, expires_in_sec=VISIBLE_TTL)
	return frozenset(cached[0]), cached[1]


def visible_cases(user: str) -> frozenset[str]:
	"""The cases ``user`` is on."""
	return _visible(user)[0]


def forget(users=None):
	"""A write changed who is on a case: drop the affected users' sets (``None``: everyone's), now and
	again when the transaction ends (a request reading meanwhile could store a set that is about to be
	committed or undone)."""
	people = None if users is None else {u for u in users if u}
	if people is not None and not people:
		return

	def drop():
		if people is None:
			frappe.cache.delete_keys(VISIBLE_KEY)
		else:
			frappe.cache.delete_value([VISIBLE_KEY + u for u in people])

	drop()
	frappe.db.after_commit.add(drop)
	frappe.db.after_rollback.add(drop)  # a set read meanwhile may hold what is being undone
	cache = getattr(frappe.local, "request_cache", None)
	if cache is not None:
		cache.pop(_visible.__wrapped__, None)


def case_people_changed(case, method=None):
	"""Case on_update / on_trash: the people in its slots before and after, and its teams' members."""
	if method != "on_trash" and not access.people_changed(case):
		return
	before = case.get_doc_before_save()
	slots = access.CASE_PEOPLE
	people = {case.get(f) for f in slots} | ({before.get(f) for f in slots} if before else set())
	team = access.CASE_TEAM
	teams = [t for t in {case.get(team), before.get(team) if before else None} if t]
	if teams:
		people |= set(
			frappe.get_all(
				"Routing Team Member",
				filters={"parent": ["in", teams], "parenttype": "Routing Team"},
				pluck="user",
			)
		)
	forget(people)


def team_changed(team, method=None):
	"""Routing Team on_update / on_trash: its members see its cases (or no longer do)."""
	before = team.get_doc_before_save()
	people = {m.user for m in team.get("members", [])}
	if before is not None:
		people |= {m.user for m in before.get("members", [])}
	forget(people)


def refresh_statistics():
	"""Daily (and after a migrate): MariaDB's engine-independent statistics for the columns the record-level
	lists filter on. With them the optimizer knows how many tasks a case has and walks the list's sort index
	for a paralegal's page instead of reading and sorting every task of their cases."""
	if frappe.db.db_type != "mariadb":
		return
	for table, columns in (
		("Case Task", ("case",)),
		("Case Notice", ("case",)),
		("Client Request", ("case",)),
	):
		cols = ", ".join(f"`{c}`" for c in columns)
		frappe.db.sql(f"analyze table `tab{table}` persistent for columns ({cols}) indexes ({cols})")


def can_see_case(case: str | None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if sees_everything(user):
		return True
	return bool(case) and case in visible_cases(user)


def case_of(doctype: str, name: str | None) -> str | None:
	"""The case a case document belongs to (a Case is its own)."""
	if not name:
		return None
	if doctype == "Case":
		return name
	if doctype in CHILD_OF:
		parent = frappe.db.get_value(doctype, name, "parent")
		return case_of(CHILD_OF[doctype], parent)
	if doctype in CASE_FIELD:
		return frappe.db.get_value(doctype, name, CASE_FIELD[doctype])
	return None


# ------------------------------------------------------------------------------ list conditions
def _in_list(column: str, listed: str) -> str:
	"""``listed``: the names, already escaped and joined (``_visible``)."""
	if not listed:
		return "1 = 0"
	return f"{column} in ({listed})"


def _attached(dt_column: str, name_column: str, names: str) -> str:
	"""Rows attached to case documents must be attached to visible ones; other rows are not ours to judge.

	``names``: the visible cases, escaped and joined."""
	ours = ", ".join(frappe.db.escape(d) for d in ATTACHABLE)
	if not names:
		return f"(ifnull({dt_column}, '') not in ({ours}))"
	return (
		f"(ifnull({dt_column}, '') not in ({ours})"
		f" or ({dt_column} = 'Case' and {name_column} in ({names}))"
		+ "".join(
			f" or ({dt_column} = {frappe.db.escape(dt)} and {name_column} in"
			f" (select name from `tab{dt}` where `case` in ({names})))"
			for dt in ATTACHABLE
			if dt != "Case"
		)
		+ ")"
	)


def _task_rows(user: str) -> str:
	"""The user's Case Tasks, through their Case Task Access rows (``services/access``). The equality on
	``modified`` lets MariaDB read a list sorted by ``modified`` from the index (``user``, ``task_modified``)
	in order, 20 entries for a page, where an IN list of the user's cases walks the table's ``modified``
	index and reads every task on the way to test its case."""
	return (
		f"`tabCase Task`.`name` in (select a.`task` from {access.TABLE} a where a.`user` = "
		f"{frappe.db.escape(user)} and a.`task_modified` = `tabCase Task`.`modified`)"
	)


def query_conditions(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` for every guarded DocType (and Comment, File, Version)."""
	user = user or frappe.session.user
	if sees_everything(user):
		return ""
	if doctype == "Case Task":
		return _task_rows(user)
	_cases, listed = _visible(user)
	if doctype == "Case":
		return _in_list("`tabCase`.`name`", listed)
	if doctype in CASE_FIELD:
		return _in_list(f"`tab{doctype}`.`{CASE_FIELD[doctype]}`", listed)
	if doctype in CHILD_OF:
		parent = CHILD_OF[doctype]
		inner = _in_list("`case`", listed)
		return f"`tab{doctype}`.`parent` in (select name from `tab{parent}` where {inner})"
	if doctype in ATTACHMENT_COLUMNS:
		dt_col, name_col = ATTACHMENT_COLUMNS[doctype]
		return _attached(f"`tab{doctype}`.`{dt_col}`", f"`tab{doctype}`.`{name_col}`", listed)
	return ""


# ------------------------------------------------------------------------------ single documents
def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""The ``has_permission`` hook: False refuses; None leaves the decision to the role permissions.

	Never True: in Frappe a True from a hook stops the other hooks (File's own among them)."""
	user = user or frappe.session.user
	if sees_everything(user):
		return None
	doctype = doc.doctype
	if doctype in ATTACHMENT_COLUMNS:
		dt_col, name_col = ATTACHMENT_COLUMNS[doctype]
		ref_dt, ref_name = doc.get(dt_col), doc.get(name_col)
		if ref_dt not in ATTACHABLE:
			return None
		if doctype == "File" and doc.get("owner") == user and ptype in (None, "read", "select"):
			return None  # the uploader keeps sight of their own upload (Frappe's File rule)
		return None if can_see_case(case_of(ref_dt, ref_name), user) else False
	if doctype == "Case":
		if doc.is_new():
			return None  # creating is the role's business; the creator is put on the case (stamp_creator)
		return None if doc.name in visible_cases(user) else False
	if doctype in CASE_FIELD:
		stored = None if doc.is_new() else frappe.db.get_value(doctype, doc.name, CASE_FIELD[doctype])
		if stored is None and (not doc.is_new() or ptype != "create"):
			# A document the database does not hold (a hand-made one sent to the print view, say) shows
			# nothing: there is nothing of it to read.
			return False
		case = stored if stored is not None else doc.get(CASE_FIELD[doctype])
		return None if case in visible_cases(user) else False
	return None


# Who is on a case: changed after it is opened by managers only (a paralegal cannot put someone on a case).
CASE_SLOTS = (
	"lead_attorney",
	"primary_paralegal",
	"secondary_owner",
	"intake_specialist",
	"team",
	"client_user",
)


def guard_case_slots(case):
	if case.is_new() or sees_everything():
		return
	before = case.get_doc_before_save()
	changed = [f for f in CASE_SLOTS if before is not None and before.get(f) != case.get(f)]
	if changed:
		frappe.throw(
			_("{0}: only a Legist Manager can change who is on a case; ask one to change it.").format(
				", ".join(_(case.meta.get_label(f)) for f in changed)
			),
			frappe.PermissionError,
		)


def guard_task_assignee(task):
	"""A task's assignee is set by routing or a manager (through its ToDo), never typed into the form."""
	if task.flags.in_routing or frappe.flags.legist_assigning or sees_everything():
		return
	if (task.is_new() and task.assigned_to) or (not task.is_new() and task.has_value_changed("assigned_to")):
		frappe.throw(
			_("Assigned To: only a Legist Manager can assign a case task; ask one to assign it."),
			frappe.PermissionError,
		)


def stamp_creator(case):
	"""A staff member who opens a case stays on it: as its intake specialist when that slot is empty."""
	user = frappe.session.user
	if case.is_new() and not case.intake_specialist and not sees_everything(user):
		if not {case.lead_attorney, case.primary_paralegal, case.secondary_owner} & {user}:
			case.intake_specialist = user


# ---------------------------------------------------------------------- what stays as it was written
def guard_audit_record(doc, method=None):
	"""Comments and files on case documents are part of the audit trail: nobody but the System Manager
	edits or deletes them (Frappe otherwise lets an author edit their own comment)."""
	dt_col, _name_col = ATTACHMENT_COLUMNS[doc.doctype]
	if doc.get(dt_col) not in ATTACHABLE or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	if method == "validate" and doc.is_new():
		if doc.doctype == "File" and not doc.is_private and not doc.is_folder:
			frappe.throw(
				_("Is Private: files on a case are private; tick Is Private and upload again."),
				frappe.ValidationError,
			)
		return
	if frappe.session.user == "Administrator" or "System Manager" in frappe.get_roles():
		return
	frappe.throw(
		_("{0} on {1} {2} is part of its audit trail: only a System Manager can change or delete it.").format(
			_(doc.doctype), _(doc.get(dt_col)), doc.get(ATTACHMENT_COLUMNS[doc.doctype][1])
		),
		frappe.PermissionError,
	)


def guard_task_assignment(todo, method=None):
	"""Only managers (and routing itself) assign or unassign case tasks; an assignee may close their own."""
	if todo.reference_type != "Case Task" or frappe.flags.legist_assigning:
		return
	if sees_everything():
		return
	before = None if todo.is_new() else todo.get_doc_before_save()
	if before is not None and before.status == todo.status:
		return
	if before is not None and todo.status == "Closed" and todo.allocated_to == frappe.session.user:
		return
	frappe.throw(
		_("Assigned To: only a Legist Manager can assign or reassign a case task; ask one to move it."),
		frappe.PermissionError,
	)


# ------------------------------------------------------- core read methods that skip the hooks
def _visible_filter(doctype: str):
	"""A filter row that limits ``doctype`` to the user's cases, or None for those who see everything."""
	if sees_everything() or doctype not in GUARDED:
		return None
	cases = sorted(visible_cases(frappe.session.user)) or [""]
	if doctype == "Case":
		return ["name", "in", cases]
	if doctype in CASE_FIELD:
		return [CASE_FIELD[doctype], "in", cases]
	return None


@frappe.whitelist()
def get_count(doctype: str, filters=None, debug=False, cache=False) -> int:
	"""``frappe.client.get_count`` with the caller's permissions (Frappe 15's own applies none)."""
	from frappe.client import get_safe_filters

	rows = frappe.get_list(
		doctype, filters=get_safe_filters(filters), fields=["count(*) as total"], as_list=True
	)
	return int(rows[0][0]) if rows else 0


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str):
	"""The list sidebar's counts; its "assigned to" branch reads without permissions in Frappe 15."""
	from frappe.desk import listview

	frappe.has_permission(doctype, "read", throw=True)
	extra = _visible_filter(doctype) if field == "assigned_to" else None
	if extra is not None:
		filters = frappe.parse_json(current_filters) or []
		if isinstance(filters, dict):
			filters = [[doctype, k, *(v if isinstance(v, list) else ["=", v])] for k, v in filters.items()]
		current_filters = frappe.as_json([*filters, [doctype, *extra]])
	return listview.get_group_by_count(doctype, current_filters, field)


def _no_bypass(doctype: str, query: str | None, ignore_user_permissions) -> tuple[str | None, bool]:
	"""For case documents: no ``ignore_user_permissions`` (it drops the record-level conditions too) and no
	caller-chosen query method (it could read without them)."""
	if doctype in GUARDED:
		return None, False
	return query, bool(frappe.utils.cint(ignore_user_permissions))


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters=None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	from frappe.desk import search

	query, ignore = _no_bypass(doctype, query, ignore_user_permissions)
	return search.search_link(
		doctype, txt, query, filters, page_length, searchfield, reference_doctype, ignore
	)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters=None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	from frappe.desk import search

	query, ignore = _no_bypass(doctype, query, ignore_user_permissions)
	return search.search_widget(
		doctype,
		txt,
		query,
		searchfield,
		start,
		page_length,
		filters,
		filter_fields,
		as_dict,
		reference_doctype,
		ignore,
	)


@frappe.whitelist()
def follow_document(doctype: str, doc_name: str, user: str):
	"""Following a document mails its changes: only who may read it may follow it."""
	from frappe.desk.form import document_follow

	frappe.has_permission(doctype, "read", doc=doc_name, user=user, throw=True)
	if user != frappe.session.user:
		frappe.has_permission(doctype, "read", doc=doc_name, throw=True)
	return document_follow.follow_document(doctype, doc_name, user)


@frappe.whitelist()
def linked_documents(doctype: str, docname: str):
	"""The form's Links (``frappe.desk.form.linked_with.get``). Frappe 15 asks for the document's permission
	without refusing, and refuses the whole answer when the reader may not read one of the DocTypes that
	link here (a paralegal and the Routing Log, a manager and Comment). Here the document must be readable,
	and only the linking DocTypes the reader may read are listed, each through ``get_list`` with its
	record-level conditions."""
	from frappe.desk.form import linked_with

	frappe.has_permission(doctype, "read", doc=docname, throw=True)
	readable = {
		dt: how
		for dt, how in linked_with.get_linked_doctypes(doctype).items()
		if frappe.has_permission(dt, "read")
	}
	return linked_with.get_linked_docs(doctype=doctype, name=docname, linkinfo=readable)


@frappe.whitelist()
def get_link_title(doctype: str, docname: str):
	from frappe.desk import search

	if doctype in GUARDED and frappe.db.exists(doctype, docname):
		frappe.has_permission(doctype, "read", doc=docname, throw=True)
	return search.get_link_title(doctype, docname)


@frappe.whitelist()
def validate_link(doctype: str, docname: str, fields=None):
	from frappe import client

	if doctype in GUARDED and frappe.db.exists(doctype, docname):
		frappe.has_permission(doctype, "read", doc=docname, throw=True)
	return client.validate_link(doctype, docname, fields)


@frappe.whitelist()
def global_search(text: str, start: int = 0, limit: int = 20, doctype: str = ""):
	"""Frappe's global search reads its index without record permissions: every row is checked against the
	reader's permission on that record (a ToDo's description names the task it is for, too)."""
	from frappe.utils import global_search as gs

	results = gs.search(text, start, limit, doctype)
	return [r for r in results if frappe.has_permission(r["doctype"], "read", doc=r["name"])]
