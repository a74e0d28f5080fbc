"""Who gets the work: teams, availability and load from the database, choices from the pure engine.

The engine's ``strategies.choose`` filters the people who may take the work, then chooses among them,
and says why. This module feeds it members (with their open load, leave and skills), keeps the
round-robin cursor in the database under a row lock, reassigns, and alerts the operations manager
when nobody fits — it never picks someone arbitrarily.
"""

from __future__ import annotations

import datetime as dt

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime, nowdate

from legist_routing.engine import strategies as S

CLOSED = ("Completed", "Cancelled")
REASONS = ("Overload", "Leave", "Conflict", "Expertise", "Escalation", "Other")


def _split(value: str | None) -> frozenset[str]:
	return frozenset(p.strip() for p in (value or "").replace("\n", ",").split(",") if p.strip())


def validate_team(doc):
	seen = set()
	for row in doc.members:
		if row.user in seen:
			frappe.throw(_("Members row {0}: {1} is listed twice.").format(row.idx, row.user))
		seen.add(row.user)
		if (row.capacity_tasks or 0) < 0 or (row.capacity_hours or 0) < 0:
			frappe.throw(_("Members row {0}: capacities must be zero (no limit) or more.").format(row.idx))
	_chain, unknown = S.parse_chain(doc.default_strategy or "")
	if unknown:
		frappe.throw(
			_("Default Strategy: unknown strategy {0}; use {1}.").format(
				", ".join(unknown), ", ".join(S.STRATEGIES)
			)
		)


# ------------------------------------------------------------------------------------------ state
def load_and_enabled(users) -> dict[str, tuple[bool, int, float]]:
	"""Per user: enabled, open tasks, open estimated hours — one grouped query (indexed on assigned_to)."""
	users = list(users)
	if not users:
		return {}
	rows = frappe.db.sql(
		"""select u.name, u.enabled, count(t.name), coalesce(sum(t.estimated_hours), 0)
		from `tabUser` u
		left join `tabCase Task` t on t.assigned_to = u.name and t.status not in %(closed)s
		where u.name in %(users)s
		group by u.name, u.enabled""",
		{"users": users, "closed": CLOSED},
	)
	return {r[0]: (bool(r[1]), int(r[2]), float(r[3])) for r in rows}


def absences(users, today: dt.date) -> dict[str, tuple]:
	users = list(users)
	if not users:
		return {}
	out: dict[str, list] = {}
	for r in frappe.get_all(
		"Routing Absence",
		filters={"user": ["in", users], "to_date": [">=", today]},
		fields=["user", "from_date", "to_date"],
		order_by="from_date asc",
	):
		out.setdefault(r.user, []).append((getdate(r.from_date), getdate(r.to_date)))
	return {u: tuple(v) for u, v in out.items()}


def members(team: str | None = None, users=None, today: dt.date | None = None) -> list[S.Member]:
	"""Engine members for a team's active rows (or for loose users, with no team), with load and leave."""
	today = today or getdate(nowdate())
	rows = []
	lead = None
	if team:
		doc = frappe.get_cached_doc("Routing Team", team)
		lead = doc.team_lead
		rows = [r for r in doc.members if r.active]
	known = {r.user for r in rows}
	loose = [u for u in (users or []) if u and u not in known]
	everyone = [*known, *loose]
	state = load_and_enabled(everyone)
	away = absences(everyone, today)
	enabled = {u for u, (on, _n, _h) in state.items() if on}
	load = {u: (n, h) for u, (_on, n, h) in state.items()}
	out = [
		S.Member(
			user=r.user,
			team=team,
			role=r.team_role,
			enabled=r.user in enabled,
			is_lead=r.user == lead,
			capacity_tasks=r.capacity_tasks or 0,
			capacity_hours=r.capacity_hours or 0,
			open_tasks=load.get(r.user, (0, 0))[0],
			open_hours=load.get(r.user, (0, 0))[1],
			case_types=_split(r.case_types),
			practice_groups=_split(r.practice_groups),
			languages=_split(r.languages),
			away=away.get(r.user, ()),
		)
		for r in rows
	]
	out += [
		S.Member(
			user=u,
			team="",
			role="",
			enabled=u in enabled,
			open_tasks=load.get(u, (0, 0))[0],
			open_hours=load.get(u, (0, 0))[1],
			away=away.get(u, ()),
		)
		for u in loose
	]
	return out


def team_of(user: str | None) -> str | None:
	if not user:
		return None
	return frappe.db.get_value(
		"Routing Team Member", {"user": user, "parenttype": "Routing Team", "active": 1}, "parent"
	)


def team_lead_of(user: str | None) -> str | None:
	team = team_of(user)
	return frappe.db.get_value("Routing Team", team, "team_lead") if team else None


# ---------------------------------------------------------------------------------------- choosing
def choose(need: S.Need, chain, team: str | None, today: dt.date | None = None) -> S.Choice:
	"""Choose with the engine; a round robin reads and moves the team's cursor under a row lock."""
	today = today or getdate(nowdate())
	chain = S.parse_chain(chain)[0] or ("role_slot", "least_loaded")
	preferred_users = [u for _slot, u in need.preferred if u]
	cursor = None
	if team and "round_robin" in chain:
		# The lock serialises concurrent picks: no double pick, no skip.
		frappe.db.sql("select name from `tabRouting Team` where name = %s for update", team)
		cursor = frappe.db.get_value("Routing Team", team, "round_robin_cursor")
	pool = members(team, preferred_users, today)
	choice = S.choose(pool, need, chain, today, cursor)
	if team and choice.strategy == "round_robin" and choice.cursor != cursor:
		# A plain UPDATE: set_value would also drop the team from the document cache, and every pick would
		# then reload fifty member rows. The cursor itself is always read from the row, under the lock.
		frappe.db.sql(
			"update `tabRouting Team` set round_robin_cursor = %s where name = %s", (choice.cursor, team)
		)
	return choice


def choose_for(intent) -> S.Choice:
	"""Who takes a task the engine asked for: the preferred chain, then the team lead, then the pool."""
	preferred = [(slot, user) for slot, user in intent.preferred if user]
	team = intent.team or team_of(preferred[0][1] if preferred else None)
	lead = frappe.db.get_value("Routing Team", team, "team_lead") if team else None
	if lead:
		preferred.append(("team.lead", lead))
	need = S.Need(
		estimated_hours=float(intent.estimated_hours or 0),
		case_type=intent.case_type,
		practice_group=intent.practice_group,
		language=intent.language,
		priority=intent.priority or "Standard",
		exclude=frozenset(intent.exclude),
		preferred=tuple(preferred),
	)
	return choose(need, intent.strategy, team)


def first_available(candidates: list[str], task=None, today: dt.date | None = None) -> tuple[str | None, str]:
	"""The first of ``candidates`` who is enabled, present and under capacity; else why nobody was."""
	if not candidates:
		return None, _("no candidate was named")
	need = S.Need(
		estimated_hours=float(task.estimated_hours or 0) if task else 0,
		exclude=frozenset([task.prepared_by]) if task and task.prepared_by else frozenset(),
		preferred=tuple(("candidate", u) for u in candidates),
	)
	choice = S.choose(members(None, candidates, today), need, ("role_slot",), today or getdate(nowdate()))
	return choice.user, choice.reason


def alert_unroutable(task, reason: str):
	from legist_routing.services.routing import settings

	ops = settings().operations_manager
	frappe.db.set_value("Case Task", task.name, "unroutable", 1, update_modified=False)
	if not ops:
		return
	from legist_routing.services import notify

	notify.in_app([ops], "Case Task", task.name, _("Nobody could take {0}: {1}").format(task.title, reason))


# -------------------------------------------------------------------------------------- reassigning
def reassign(task, user: str, reason: str, note: str = "", now=None, by: str | None = None):
	"""Move a task to ``user``: the old ToDo is cancelled, the acknowledgement clock restarts."""
	from frappe.desk.form import assign_to

	from legist_routing.services import apply

	now = now or now_datetime()
	previous = task.assigned_to
	# The new owner gets the same acknowledgement window the first one had, counted from now.
	window = None
	if task.ack_due and task.assigned_at:
		window = get_datetime(task.ack_due) - get_datetime(task.assigned_at)
	for todo in frappe.get_all(
		"ToDo",
		filters={"reference_type": "Case Task", "reference_name": task.name, "status": "Open"},
		pluck="allocated_to",
	):
		assign_to.remove("Case Task", task.name, todo, ignore_permissions=True)
	task.reload()
	apply.assign(task, user)
	frappe.db.set_value(
		"Case Task",
		task.name,
		{
			"assigned_to": user,
			"assigned_at": now,
			"acknowledged_at": None,
			"acknowledged_by": None,
			"ack_due": now + window if window else task.ack_due,
			"status": "Open" if task.status == "Acknowledged" else task.status,
			"reassignment_count": (task.reassignment_count or 0) + 1,
			"unroutable": 0,
		},
		update_modified=False,
	)
	task.reload()
	from legist_routing.services import escalations, routing

	escalations.rearm(task)
	text = _("Reassigned from {0} to {1} by {2}: {3}").format(
		previous or "-", user, by or frappe.session.user, _(reason) + (f" ({note})" if note else "")
	)
	if reason != "Escalation":
		task.add_comment("Info", text)
	routing.write_plain_log(
		event="task.reassigned",
		key=f"task.reassigned:{task.name}:{frappe.generate_hash(length=8)}",
		case=task.case,
		reference_doctype="Case Task",
		reference_name=task.name,
		summary=text,
		trace={"from": previous, "to": user, "reason": reason, "note": note, "by": by or frappe.session.user},
	)
	return task


def manual_reassign(name: str, user: str, reason: str, note: str = ""):
	"""A manager moves a task, with a reason from the list (Other needs a note)."""
	if not {"System Manager", "Legist Manager"}.intersection(frappe.get_roles()):
		frappe.throw(_("Only a Legist Manager can reassign tasks."), frappe.PermissionError)
	if reason not in REASONS:
		frappe.throw(_("Reason: choose one of {0}.").format(", ".join(REASONS)))
	if reason == "Other" and not (note or "").strip():
		frappe.throw(_("Note: say why when the reason is Other."))
	if not frappe.db.exists("User", {"name": user, "enabled": 1}):
		frappe.throw(_("User: {0} is not an active user.").format(user))
	task = frappe.get_doc("Case Task", name)
	if task.assigned_to == user:
		frappe.throw(_("Task {0} is already assigned to {1}.").format(name, user))
	if task.prepared_by and task.prepared_by == user:
		frappe.throw(
			_("{0} prepared the work this task reviews; choose someone else (four eyes).").format(user)
		)
	return reassign(task, user, reason, note)
