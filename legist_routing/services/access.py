"""Who is on which case, as SQL, and the Case Task Access rows kept from it.

A person is on a case as its lead attorney, primary paralegal, secondary owner or intake specialist, as an
active member of its routing team, or as the assignee of one of its tasks (``PEOPLE``). Two readers use that
one definition: ``services/permissions`` asks it per user (the cases a user sees) and this module per case,
to keep one *Case Task Access* row per person and task of the cases they are on, with the task's
``modified`` copied. A staff member's Case Task list is then read through the index (``user``,
``task_modified``) in the list's own order, 20 rows for a page instead of every task of their cases
(``permissions.query_conditions``).

The rows are derived data, written only here, in the writer's transaction:

- ``sync_cases`` re-derives every row of some cases from the truth: after a task is inserted, deleted,
  moved to another case or given to someone else, after a case's people or team change, after a team's
  members change. Everything that changes who is on a case ends here, by a document hook or, for the
  writer's own SQL updates, by a call from ``services/apply``.
- ``touch`` copies a task's new ``modified`` (every save and ``db_set`` of a task, through ``on_change``).
- ``rebuild`` re-derives all of it: on migrate and daily, so that a write outside the app's paths (custom
  SQL) is mended within a day.

A missed update errs on the closed side for ``modified`` (a stale copy hides the task from the list until the
next sync) and on the open side for people (a row left for someone no longer on the case): the single
document checks (``permissions.has_permission``) read ``PEOPLE`` itself, never these rows.

Bottom layer: imports nothing of the app's.
"""

from __future__ import annotations

import frappe

DOCTYPE = "Case Task Access"
TABLE = f"`tab{DOCTYPE}`"

# The Case's own fields that put a person on it, and the one that puts a team's members on it.
CASE_PEOPLE = ("lead_attorney", "primary_paralegal", "secondary_owner", "intake_specialist")
CASE_TEAM = "team"

# (the case, the person, FROM ... [WHERE ...]): the ways a person is on a case.
PEOPLE = (
	*(("name", field, "`tabCase`", "") for field in CASE_PEOPLE),
	("`case`", "assigned_to", "`tabCase Task`", "`case` is not null"),
	(
		"c.name",
		"m.user",
		"`tabRouting Team Member` m join `tabCase` c on c.team = m.parent",
		"m.active = 1 and m.parenttype = 'Routing Team'",
	),
)


def _where(own: str, extra: str) -> str:
	return f"where {own}" + (f" and {extra}" if extra else "")


def cases_of_user_sql() -> str:
	"""The cases ``%(u)s`` is on: one UNION of index seeks."""
	return "\nunion ".join(
		f"select {case} from {source} {_where(f'{person} = %(u)s', extra)}"
		for case, person, source, extra in PEOPLE
	)


def _pairs_sql(case_filter: str) -> str:
	"""(case, user) for every person on the cases ``case_filter`` (a condition on the case column) admits."""
	return "\nunion ".join(
		f"select {case} as `case`, {person} as `user` from {source} "
		+ _where(f"{case_filter.format(case=case)} and ifnull({person}, '') != ''", extra)
		for case, person, source, extra in PEOPLE
	)


def _rows_of(case_filter: str, values: dict) -> dict:
	"""{(user, task): (case, task modified)} for the people on the cases ``case_filter`` admits."""
	rows = frappe.db.sql(
		f"""select p.`user`, t.name, t.`case`, t.modified
		from ({_pairs_sql(case_filter)}) p
		join `tabCase Task` t on t.`case` = p.`case`""",
		values,
	)
	return {(u, t): (c, m) for u, t, c, m in rows}


def _write(want: dict, have: dict) -> None:
	"""Make the stored rows ``have`` ({(user, task): (name, case, task modified)}) what ``want`` says: stale ones
	deleted and changed ones replaced by their names, missing ones inserted (``insert ignore``: a concurrent sync
	of the same case may have just added one). Locks only the rows written, no index gaps, so that two
	transactions syncing neighbouring cases do not deadlock."""
	gone = [row[0] for key, row in have.items() if key not in want or want[key] != row[1:]]
	for chunk in _chunks(gone):
		frappe.db.sql(f"delete from {TABLE} where name in %(names)s", {"names": tuple(chunk)})
	new = [(key, value) for key, value in want.items() if key not in have or have[key][1:] != value]
	now = frappe.utils.now()
	for chunk in _chunks(new):
		frappe.db.sql(
			f"""insert ignore into {TABLE}
			(name, `user`, task, `case`, task_modified, creation, modified, modified_by, owner) values """
			+ ", ".join(
				["(md5(concat(%s, '\\0', %s)), %s, %s, %s, %s, %s, %s, 'Administrator', 'Administrator')"]
				* len(chunk)
			),
			[v for (u, t), (c, m) in chunk for v in (u, t, u, t, c, m, now, now)],
		)


def _chunks(items: list, size: int = 2000):
	for i in range(0, len(items), size):
		yield items[i : i + size]


def sync_cases(cases) -> None:
	"""Re-derive the rows of ``cases`` (names; falsy ones ignored) from who is on them now."""
	cases = tuple(sorted({c for c in cases or () if c}))
	if not cases:
		return
	want = _rows_of("{case} in %(cases)s", {"cases": cases})
	# the rows filed under these cases, and any of their tasks' rows still filed under another
	have = {
		(u, t): (name, c, m)
		for name, u, t, c, m in frappe.db.sql(
			f"""select name, `user`, task, `case`, task_modified from {TABLE} where `case` in %(cases)s
			union select a.name, a.`user`, a.task, a.`case`, a.task_modified from {TABLE} a
			join `tabCase Task` t on t.name = a.task where t.`case` in %(cases)s""",
			{"cases": cases},
		)
	}
	_write(want, have)


def sync_team_cases(teams) -> None:
	"""A team's members changed: re-derive the rows of the cases it routes."""
	teams = [t for t in teams or () if t]
	if teams:
		sync_cases(frappe.get_all("Case", filters={"team": ["in", teams]}, pluck="name"))


def touch(task_name: str) -> None:
	"""The task's ``modified`` as stored now, onto its rows (found first, then written by name: no gap locks)."""
	names = frappe.db.sql_list(f"select name from {TABLE} where task = %s", task_name)
	if names:
		frappe.db.sql(
			f"""update {TABLE} set task_modified = (select modified from `tabCase Task` where name = %(task)s)
			where name in %(names)s""",
			{"task": task_name, "names": tuple(names)},
		)


REBUILD_BATCH = 2000  # cases re-derived per step of a rebuild


def rebuild(commit: bool = False) -> None:
	"""Every row checked against the documents and mended where it differs, ``REBUILD_BATCH`` cases at a time
	(``sync_cases``: reads, then writes by row name, so routing and saves go on meanwhile), then the rows
	filed under no existing case. On a site where nothing has drifted it writes nothing. ``commit``: after each
	step (the daily job), so that no step holds its rows for long."""
	last = ""
	while True:
		batch = frappe.db.sql_list(
			"select name from `tabCase` where name > %s order by name limit %s", (last, REBUILD_BATCH)
		)
		if not batch:
			break
		sync_cases(batch)
		if commit:
			frappe.db.commit()  # nosemgrep: a scheduled job owns its transactions, one per step
		last = batch[-1]
	orphans = frappe.db.sql_list(
		f"""select a.name from {TABLE} a left join `tabCase` c on c.name = a.`case`
		where c.name is null"""
	)
	for chunk in _chunks(orphans):
		frappe.db.sql(f"delete from {TABLE} where name in %(names)s", {"names": tuple(chunk)})


def rebuild_daily() -> None:
	"""The scheduler's daily mend, committed step by step."""
	rebuild(commit=True)


# ------------------------------------------------------------------------------ document hooks
def task_changed(task, method=None):
	"""Case Task on_change (after every insert, save and ``db_set``): a new task, a task given to someone
	else or moved to another case re-derives its cases; any other change copies the new ``modified``."""
	if task.flags.in_routing and task.flags.in_insert:
		return  # services/apply.create_task syncs its case once it has chosen the assignee
	before = task.get_doc_before_save()
	if before is None or before.assigned_to != task.assigned_to or before.get("case") != task.get("case"):
		sync_cases([task.get("case"), before.get("case") if before else None])
	else:
		touch(task.name)


def task_deleted(task, method=None):
	"""Case Task after_delete: its rows go, and its assignee's rows for the case if that was their only tie."""
	sync_cases([task.get("case")])


def case_changed(case, method=None):
	"""Case on_update / after_delete: its people or team may have changed (a case being inserted has no tasks
	yet: each of them brings its rows)."""
	if case.flags.in_insert or (method == "on_update" and not people_changed(case)):
		return
	sync_cases([case.name])


def people_changed(case) -> bool:
	"""Whether a save changes who is on the case (a case not saved before: yes)."""
	before = case.get_doc_before_save()
	return before is None or any(before.get(f) != case.get(f) for f in (*CASE_PEOPLE, CASE_TEAM))


def team_changed(team, method=None):
	"""Routing Team on_update / after_delete: its members (or their active flags) may have changed."""
	before = team.get_doc_before_save()
	if method == "on_update" and before is not None:
		now = [(m.user, m.active) for m in team.get("members", [])]
		then = [(m.user, m.active) for m in before.get("members", [])]
		if sorted(now) == sorted(then):
			return
	sync_team_cases([team.name])
