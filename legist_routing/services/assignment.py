"""Who gets the work: teams, availability and load from the database, choices from the pure engine.

The engine's ``strategies.choose`` filters the people who may take the work, then chooses among them,
and says why. This module feeds it members (with their open load, leave and skills) and plans the
choice; it writes nothing. ``apply.choose`` moves the round-robin cursor under the team's row lock,
and ``apply`` alerts the operations manager when nobody fits — never an arbitrary pick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Mapping

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from legist_routing.engine import strategies as S
from legist_routing.services import messages
from legist_routing.services.settings import CLOSED


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
	for user, from_date, to_date in frappe.db.sql(
		"""select user, from_date, to_date from `tabRouting Absence`
		where user in %(users)s and to_date >= %(today)s order by from_date asc""",
		{"users": tuple(users), "today": today},
	):
		out.setdefault(user, []).append((getdate(from_date), getdate(to_date)))
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
	return pool(team, rows, lead, loose, enabled, load, away)


def pool(
	team: str | None,
	rows,
	lead: str | None,
	loose,
	enabled: Container[str],
	load: Mapping[str, tuple[int, float]],
	away: Mapping[str, tuple],
) -> list[S.Member]:
	"""The engine's members: a team's active member rows, then loose users (no team), each with whether
	they are enabled, their open load (tasks, hours) and their absences — the site's now (``members``), or
	a replay's (the backtest)."""
	out = [
		S.Member(
			user=r.user,
			team=team or "",
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
	found = frappe.db.sql_list(
		"""select parent from `tabRouting Team Member`
		where user = %s and parenttype = 'Routing Team' and active = 1 order by modified desc limit 1""",
		user,
	)
	return found[0] if found else None


def team_lead_of(user: str | None) -> str | None:
	team = team_of(user)
	return frappe.db.get_value("Routing Team", team, "team_lead") if team else None


# ---------------------------------------------------------------------------------------- choosing
def lock_cursor(team: str) -> str | None:
	"""The team's round-robin cursor, read under its row lock: concurrent picks serialise (no double
	pick, no skip). The lock is held until the caller's transaction ends."""
	return frappe.db.get_value("Routing Team", team, "round_robin_cursor", for_update=True)


def read_cursor(team: str) -> str | None:
	"""The team's round-robin cursor, read plainly (no lock): for a simulation, which moves nothing."""
	return frappe.db.get_value("Routing Team", team, "round_robin_cursor")


# A task's chain when the rule names no strategy the engine knows.
DEFAULT_CHAIN = ("role_slot", "least_loaded")


def plan(
	need: S.Need, chain, team: str | None, today: dt.date | None = None, lock: bool = True
) -> tuple[S.Choice, str | None]:
	"""The engine's choice and the cursor it started from (``apply.choose`` writes the moved cursor).

	``lock=False`` reads the cursor without the row lock: the simulator's way, which writes nothing."""
	today = today or getdate(nowdate())
	chain = S.parse_chain(chain)[0] or DEFAULT_CHAIN
	preferred_users = [u for _slot, u in need.preferred if u]
	cursor = None
	if team and "round_robin" in chain:
		cursor = lock_cursor(team) if lock else read_cursor(team)
	people = members(team, preferred_users, today)
	return S.choose(people, need, chain, today, cursor), cursor


def need_for(
	intent,
	team_of_user: Callable[[str | None], str | None] | None = None,
	lead_of: Callable[[str], str | None] | None = None,
) -> tuple[S.Need, tuple, str | None]:
	"""What a task the engine asked for needs: the preferred chain, then the team lead, then the pool.

	``team_of_user`` / ``lead_of``: who is in which team and who leads it, when not read from the site (the
	backtest's teams, read once for its whole replay)."""
	preferred = [(slot, user) for slot, user in intent.preferred if user]
	team = intent.team or (team_of_user or team_of)(preferred[0][1] if preferred else None)
	lead = None
	if team:
		lead = lead_of(team) if lead_of else frappe.db.get_value("Routing Team", team, "team_lead")
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
	return need, intent.strategy, team


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
	return choice.user, messages.choice_reason(choice)
