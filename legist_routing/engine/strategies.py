"""Who gets the work: the practice guide's routing strategies as pure functions.

The guide compares four strategies (role-based, round-robin, case-type, priority-based) and recommends,
for small and mid-sized teams, "a hybrid approach [that] combines role-based routing with case-type
filters and priority overrides": the case paralegal first, a specialised attorney for complex RFEs.
Here each strategy is a named *step*, and a rule's ``strategy`` is an ordered chain of steps:

- ``case_type`` (filter, hard): only people whose ``case_types`` include the case's type; an empty
  skill list means "any type".
- ``practice_group`` (filter, hard): the same with ``practice_groups``.
- ``language`` (filter, soft): only speakers of the client's language, *when at least one eligible
  speaker exists*; otherwise the pool is left as it was and the reason says that no speaker was
  available (urgent immigration work is not blocked for want of a translator). ``"en"`` and no
  language need nothing; codes match by primary subtag (an ``es`` speaker serves ``es-MX``).
- ``priority_override`` (filter, soft): Urgent/High work goes only to a Senior or Managing Attorney
  when at least one is eligible; otherwise the pool is left as it was, with a note.
- ``role_slot`` (chooser): the case's people in order (``need.preferred``: primary paralegal,
  secondary owner, team lead); the first eligible one wins, each one skipped is named with why.
- ``round_robin`` (chooser): the first eligible member after the cursor, by user id, wrapping.
- ``least_loaded`` (chooser): the eligible member with the lowest :func:`utilisation`, ties by user id.

How a chain runs, whatever order it is written in: the hard filters first, then the soft filters in
the order written (so ``["priority_override", "language"]`` prefers a senior attorney over a speaker
and ``["language", "priority_override"]`` the reverse), then the choosers in the order written. The
first chooser that finds someone wins; one that finds nobody hands over to the next. When no chooser
finds anyone the choice is *unroutable*: nobody is picked (never an arbitrary person) and the caller
alerts the operations manager.

The pool (``members``) holds everyone who may be chosen: the team the rule names plus the people the
case's slots point at. A slot user with no :class:`Member` record cannot be checked for leave or load
and is skipped as ``not_in_team``. A user listed twice counts once (the first record).

Every candidate gets a :class:`Verdict` (a machine code, its detail as a :data:`Text` and in English)
and the :class:`Choice` carries its reason as Texts and as one English sentence. A Text is a code and its
parameters (:data:`ENGLISH` words each code): services/messages.py words the same codes in the reader's
language for the Routing Log, the task's timeline and the simulator. Nothing here imports Frappe; time
comes in as ``today``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

ROLES = (
	"Paralegal",
	"Associate",
	"Senior Attorney",
	"Managing Attorney",
	"Intake Specialist",
	"Operations Manager",
)
SENIOR_ROLES = ("Senior Attorney", "Managing Attorney")
OVERRIDE_PRIORITIES = ("Urgent", "High")

STRATEGIES = (
	"role_slot",
	"case_type",
	"practice_group",
	"language",
	"priority_override",
	"round_robin",
	"least_loaded",
)
HARD_FILTERS = ("case_type", "practice_group")
SOFT_FILTERS = ("language", "priority_override")
FILTERS = HARD_FILTERS + SOFT_FILTERS
CHOOSERS = ("role_slot", "round_robin", "least_loaded")

# The guide's recommendation: role-based routing with case-type filters and priority overrides.
HYBRID = ("case_type", "priority_override", "role_slot", "least_loaded")

REASONS = (
	"ok",
	"disabled",
	"four_eyes",
	"wrong_role",
	"case_type",
	"practice_group",
	"language",
	"away",
	"over_capacity_tasks",
	"over_capacity_hours",
	"not_in_team",
)

# Other spellings accepted by parse_chain (after lower-casing, snake-casing and dropping a trailing
# "_routing" / "_assignment"): the guide's table names and natural variants.
ALIASES: dict[str, str] = {
	"role": "role_slot",
	"role_based": "role_slot",
	"slot": "role_slot",
	"case_slot": "role_slot",
	"roundrobin": "round_robin",
	"rr": "round_robin",
	"case": "case_type",
	"case_type_filter": "case_type",
	"practice": "practice_group",
	"language_preference": "language",
	"preferred_language": "language",
	"priority": "priority_override",
	"priority_based": "priority_override",
	"least_load": "least_loaded",
	"load": "least_loaded",
	"load_based": "least_loaded",
	"workload": "least_loaded",
}

LIST_CAP = 5  # how many names a reason lists before "and N more"

# ------------------------------------------------------------------------------------------- texts
# A piece of a reason as a code and its parameters. A parameter that is itself a Text is worded in
# place; a list parameter holds Texts, joined by "; " and capped at LIST_CAP ("; and N more"); the
# "either" code joins its ``names`` with "or". Everything else is shown as it is.
Text: TypeAlias = tuple[str, dict[str, Any]]

ENGLISH: dict[str, str] = {
	# why a candidate may not take the work (Verdict.text)
	"disabled": "user is disabled",
	"four_eyes": "prepared the work under review",
	"wrong_role": "is {role}; needs {roles}",
	"no_role": "without a role",
	"case_type": "handles {types}; case is {case_type}",
	"practice_group": "works in {groups}; case is {group}",
	"language": "{spoken}; client needs {language}",
	"speaks": "speaks {languages}",
	"no_languages": "no languages recorded",
	"away": "on leave until {last}, back {back}",
	"over_capacity_tasks": "{open}/{capacity} open tasks",
	"over_capacity_hours": "{open}h open + {need}h for this task > {capacity}h capacity",
	"not_in_team": "not a member of {teams}",
	"the_pool": "the pool",
	"priority_wrong_role": "priority override: {priority} work goes to a {roles}; is {role}",
	# a candidate's load (an eligible Verdict's text) and what least_loaded compares
	"load": "{tasks}, {hours}",
	"tasks_of": "{open}/{capacity} open tasks",
	"tasks_open": "{open} open tasks",
	"hours_of": "{open}h open + {need}h for this task of {capacity}h",
	"hours_open": "{open}h open",
	"use_hours": "{share} of {capacity}h ({open}h open + {need}h for this task)",
	"use_tasks": "{share} ({open}/{capacity} open tasks)",
	"use_raw": "{open}h open ({tasks} tasks), no capacity set",
	# the steps of a choice (Choice.texts)
	"unknown_steps": "ignored unknown step {steps}",
	"case_type_set_aside": "case type {value}: {count} set aside without it",
	"practice_group_set_aside": "practice group {value}: {count} set aside without it",
	"language_none": "language: no eligible {language} speaker, so the preference was not applied",
	"language_only": "language: only {language} speakers ({count} eligible)",
	"priority_none": "priority override: no eligible {roles}, so {priority} work stays with the pool",
	"priority_only": "priority override: {priority} work only for a {roles} ({count} eligible)",
	"slot_empty": "{slot} (empty)",
	"slot_skipped": "{slot} {user} ({detail})",
	"role_slot_chose": "role slot: chose {user} ({slot})",
	"role_slot_chose_after": "role slot: chose {user} ({slot}) after skipping {skipped}",
	"role_slot_none_named": "role slot: the case names nobody",
	"role_slot_nobody": "role slot: nobody eligible, skipped {skipped}",
	"user_skipped": "{user} ({detail})",
	"round_robin_chose_next": "round robin: chose {user}, next after {cursor}",
	"round_robin_chose_first": "round robin: chose {user}, first in order",
	"round_robin_chose_next_skipped": "round robin: chose {user}, next after {cursor}; skipped {skipped}",
	"round_robin_chose_first_skipped": "round robin: chose {user}, first in order; skipped {skipped}",
	"round_robin_nobody": "round robin: nobody eligible",
	"least_loaded_nobody": "least loaded: nobody eligible",
	"least_loaded_chose": "least loaded: chose {user} at {use}",
	"least_loaded_chose_next": "least loaded: chose {user} at {use}; next {runner} at {runner_use}",
	"no_chooser": "no step that chooses ({choosers}) in the chain",
	"unroutable": "unroutable: nobody assigned, the operations manager must decide",
	"unroutable_refused": "unroutable: nobody assigned, the operations manager must decide; not eligible: {refused}",
	"unroutable_empty_pool": "unroutable: nobody assigned, the operations manager must decide; the pool is empty",
	"and_more": "and {count} more",
}


def english(text: Text) -> str:
	"""A :data:`Text` in English."""
	code, params = text
	if code == "either":
		names = [str(n) for n in params["names"]]
		return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
	return ENGLISH[code].format(**{k: _english_value(v) for k, v in params.items()})


def _english_value(value: object) -> str:
	if isinstance(value, list):
		shown = "; ".join(english(t) for t in value[:LIST_CAP])
		more = len(value) - LIST_CAP
		return shown + (f"; {english(('and_more', {'count': more}))}" if more > 0 else "")
	if is_text(value):
		return english(value)  # type: ignore[arg-type]
	return str(value)


def is_text(value: object) -> bool:
	"""Whether ``value`` is a :data:`Text` (a code and its parameters)."""
	return (
		isinstance(value, tuple)
		and len(value) == 2
		and isinstance(value[0], str)
		and isinstance(value[1], dict)
	)


def _either(values: Sequence[str]) -> Text:
	return ("either", {"names": tuple(values)})


# ------------------------------------------------------------------------------------------ inputs
@dataclass(frozen=True)
class Member:
	"""One person of a routing pool, with the load and availability the services read for today."""

	user: str
	team: str
	role: str  # one of ROLES
	full_name: str = ""
	enabled: bool = True  # disabled users are never chosen
	is_lead: bool = False
	capacity_tasks: int = 0  # 0 = no limit
	capacity_hours: float = 0  # 0 = no limit
	open_tasks: int = 0
	open_hours: float = 0
	case_types: frozenset[str] = frozenset()  # empty = any
	practice_groups: frozenset[str] = frozenset()  # empty = any
	languages: frozenset[str] = frozenset()  # language codes, e.g. {"en", "es"}; empty = none recorded
	away: tuple[tuple[dt.date, dt.date], ...] = ()  # out-of-office periods, both ends inclusive


@dataclass(frozen=True)
class Need:
	"""What the piece of work asks of whoever gets it."""

	estimated_hours: float = 0
	case_type: str | None = None
	practice_group: str | None = None
	language: str | None = None  # the client's preferred language code; "en" needs nothing
	priority: str = "Standard"  # "Urgent"/"High" trigger the priority override when the chain asks for it
	roles: tuple[str, ...] = ()  # acceptable team roles (empty = any)
	exclude: frozenset[str] = frozenset()  # four eyes: who prepared the work under review never gets it
	preferred: tuple[tuple[str, str], ...] = ()  # ordered (slot, user): the fallback chain of role_slot


# ----------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Verdict:
	"""Why one candidate could or could not take the work."""

	user: str
	eligible: bool
	reason: str  # one of REASONS
	detail: str = ""  # English, e.g. "on leave until 2026-12-03, back 2026-12-04", "8/8 open tasks"
	# the detail as a Text, for the reader's language (not compared: the English detail says the same)
	text: Text = field(default=("", {}), compare=False, repr=False)


def _verdict(user: str, eligible: bool, reason: str, text: Text) -> Verdict:
	return Verdict(user, eligible, reason, english(text), text)


@dataclass(frozen=True)
class Choice:
	"""The outcome of :func:`choose`: who, by which step, why, and what became of everyone else."""

	user: str | None
	strategy: str | None  # the chooser step that picked
	reason: str  # one English sentence for the Routing Log
	verdicts: tuple[Verdict, ...]  # every candidate, why filtered out or passed
	cursor: str | None = None  # the new round-robin cursor when round_robin chose, else the old one
	unroutable: bool = False  # nobody eligible: the caller alerts the operations manager
	# the reason's sentences as Texts (joined by ". "), for the reader's language
	texts: tuple[Text, ...] = field(default=(), compare=False, repr=False)


# ----------------------------------------------------------------------------------------- helpers
def _fold(value: object) -> str:
	return str(value or "").strip().casefold()


def _language(code: object) -> str:
	"""The primary subtag of a language code: ``"es-MX"`` -> ``"es"``, ``"EN_us"`` -> ``"en"``."""
	return re.split(r"[-_]", _fold(code), maxsplit=1)[0]


def _day(value: dt.date) -> dt.date:
	return value.date() if isinstance(value, dt.datetime) else value


def _num(value: float) -> str:
	return f"{float(value):g}"


def _names(values: Iterable[str]) -> str:
	return ", ".join(sorted(str(v) for v in values))


def needs_language(need: Need) -> bool:
	"""Whether the client's language asks for a speaker (English and no language need nothing)."""
	return _language(need.language) not in ("", "en")


def speaks(member: Member, language: str | None) -> bool:
	"""Whether ``member`` speaks ``language`` (by primary subtag: an ``es`` speaker serves ``es-MX``)."""
	wanted = _language(language)
	return wanted in ("", "en") or wanted in {_language(c) for c in member.languages}


def away_until(member: Member, today: dt.date) -> dt.date | None:
	"""The last day of the leave ``member`` is on ``today`` (periods inclusive and chained), or ``None``."""
	periods = sorted((_day(start), _day(end)) for start, end in member.away if _day(start) <= _day(end))
	last = None
	for start, end in periods:
		if last is None:
			if start <= today <= end:
				last = end
		elif start <= last + dt.timedelta(days=1):
			last = max(last, end)  # a period that starts the day after (or overlaps) extends the leave
	return last


def _load(member: Member, need: Need) -> Text:
	if member.capacity_tasks > 0:
		tasks: Text = ("tasks_of", {"open": member.open_tasks, "capacity": member.capacity_tasks})
	else:
		tasks = ("tasks_open", {"open": member.open_tasks})
	if member.capacity_hours > 0:
		hours: Text = (
			"hours_of",
			{
				"open": _num(member.open_hours),
				"need": _num(need.estimated_hours),
				"capacity": _num(member.capacity_hours),
			},
		)
	else:
		hours = ("hours_open", {"open": _num(member.open_hours)})
	return ("load", {"tasks": tasks, "hours": hours})


def utilisation(member: Member, need: Need) -> tuple[float, str]:
	"""What ``least_loaded`` compares, and how to say it.

	``(open_hours + need.estimated_hours) / capacity_hours`` when the member has an hours capacity, else
	``open_tasks / capacity_tasks`` when a task capacity, else the raw ``open_hours``. A pool that mixes
	members with and without capacities compares ratios with hours: set capacities on all or on none.
	"""
	value, text = _utilisation(member, need)
	return value, english(text)


def _utilisation(member: Member, need: Need) -> tuple[float, Text]:
	if member.capacity_hours > 0:
		value = (member.open_hours + need.estimated_hours) / member.capacity_hours
		return value, (
			"use_hours",
			{
				"share": f"{value:.0%}",
				"capacity": _num(member.capacity_hours),
				"open": _num(member.open_hours),
				"need": _num(need.estimated_hours),
			},
		)
	if member.capacity_tasks > 0:
		value = member.open_tasks / member.capacity_tasks
		return value, (
			"use_tasks",
			{"share": f"{value:.0%}", "open": member.open_tasks, "capacity": member.capacity_tasks},
		)
	return float(member.open_hours), (
		"use_raw",
		{"open": _num(member.open_hours), "tasks": member.open_tasks},
	)


# ------------------------------------------------------------------------------------------- check
def check(
	member: Member,
	need: Need,
	today: dt.date,
	*,
	case_type: bool = False,
	practice_group: bool = False,
	language: bool = False,
) -> Verdict:
	"""Whether ``member`` may take the work today, and if not the first reason why.

	Always checked: enabled, four eyes, role, leave on ``today``, task and hours capacity. The skill
	filters only when their flag is set (``choose`` sets them when the chain names the step); the
	language only when ``language`` is set and the client needs a language other than English.
	Reasons that will still hold tomorrow (disabled, four eyes, role, skills) come before those that
	pass (leave, load), so the log names the lasting one.
	"""
	user = member.user
	if not member.enabled:
		return _verdict(user, False, "disabled", ("disabled", {}))
	if _fold(user) in {_fold(u) for u in need.exclude}:
		return _verdict(user, False, "four_eyes", ("four_eyes", {}))
	if need.roles and _fold(member.role) not in {_fold(r) for r in need.roles}:
		role: str | Text = member.role or ("no_role", {})
		return _verdict(
			user, False, "wrong_role", ("wrong_role", {"role": role, "roles": _either(need.roles)})
		)
	if case_type and need.case_type and member.case_types:
		if _fold(need.case_type) not in {_fold(c) for c in member.case_types}:
			text: Text = ("case_type", {"types": _names(member.case_types), "case_type": need.case_type})
			return _verdict(user, False, "case_type", text)
	if practice_group and need.practice_group and member.practice_groups:
		if _fold(need.practice_group) not in {_fold(g) for g in member.practice_groups}:
			text = (
				"practice_group",
				{"groups": _names(member.practice_groups), "group": need.practice_group},
			)
			return _verdict(user, False, "practice_group", text)
	if language and not speaks(member, need.language):
		spoken: Text = (
			("speaks", {"languages": _names(member.languages)}) if member.languages else ("no_languages", {})
		)
		return _verdict(user, False, "language", ("language", {"spoken": spoken, "language": need.language}))
	last = away_until(member, today)
	if last is not None:
		back = last + dt.timedelta(days=1)
		return _verdict(user, False, "away", ("away", {"last": last.isoformat(), "back": back.isoformat()}))
	if member.capacity_tasks > 0 and member.open_tasks >= member.capacity_tasks:
		text = ("over_capacity_tasks", {"open": member.open_tasks, "capacity": member.capacity_tasks})
		return _verdict(user, False, "over_capacity_tasks", text)
	if member.capacity_hours > 0 and member.open_hours + need.estimated_hours > member.capacity_hours:
		text = (
			"over_capacity_hours",
			{
				"open": _num(member.open_hours),
				"need": _num(need.estimated_hours),
				"capacity": _num(member.capacity_hours),
			},
		)
		return _verdict(user, False, "over_capacity_hours", text)
	return _verdict(user, True, "ok", _load(member, need))


# -------------------------------------------------------------------------------------- parse_chain
def _normalise(name: str) -> str:
	name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name.strip())
	name = re.sub(r"[\s\-_]+", "_", name.lower()).strip("_")
	return re.sub(r"_(routing|assignment|filter)$", "", name) if name not in STRATEGIES else name


def parse_chain(value: str | Sequence[str] | None) -> tuple[tuple[str, ...], list[str]]:
	"""A rule's ``strategy`` as a chain of known steps, and the names that are not steps.

	Accepts a list (``["language", "round_robin"]``), one name, a comma / ``>`` / ``+`` separated
	string (``"role_slot > least_loaded"``) or a JSON list in a string. Names are matched loosely
	(``"Round Robin"``, ``"roundRobin"``, ``"role-based routing"``); ``"hybrid"`` stands for
	:data:`HYBRID`. Repeats are dropped. Unknown names come back as written, in order, so a validator
	can name them (with ``problems.hint(name, STRATEGIES)``). ``None`` or ``""`` give an empty chain.
	"""
	if value is None:
		return (), []
	if isinstance(value, str):
		text = value.strip()
		items: list[object] | None = None  # a JSON list may hold anything: non-text items are unknown
		if text.startswith("["):
			try:
				loaded = json.loads(text)
			except ValueError:
				loaded = None
			if isinstance(loaded, list):
				items = loaded
		if items is None:
			items = [part for part in re.split(r"\s*(?:,|->|→|>|\+|\|)\s*", text) if part]
	else:
		try:
			items = list(value)
		except TypeError:  # one number or boolean: an unknown name for the validator, not a crash
			items = [value]
	chain: list[str] = []
	unknown: list[str] = []
	for item in items:
		if not isinstance(item, str) or not item.strip():
			unknown.append(str(item))
			continue
		name = _normalise(item)
		name = ALIASES.get(name, name)
		steps = HYBRID if name == "hybrid" else (name,) if name in STRATEGIES else ()
		if not steps:
			unknown.append(item)
		chain += [s for s in steps if s not in chain]
	return tuple(chain), unknown


# ------------------------------------------------------------------------------------------- choose
@dataclass
class _Run:
	"""The state of one :func:`choose` call."""

	pool: list[Member]
	need: Need
	verdicts: dict[str, Verdict]
	extra: list[Verdict]
	teams: str | Text


def _eligible(run: _Run) -> list[Member]:
	return [m for m in run.pool if run.verdicts[m.user].eligible]


def _apply_language(run: _Run, today: dt.date) -> Text | None:
	if not needs_language(run.need):
		return None
	eligible = _eligible(run)
	speakers = {m.user for m in eligible if speaks(m, run.need.language)}
	if not speakers:
		if not eligible:
			return None
		return ("language_none", {"language": run.need.language})
	for member in eligible:
		if member.user not in speakers:
			run.verdicts[member.user] = check(member, run.need, today, language=True)
	return ("language_only", {"language": run.need.language, "count": len(speakers)})


def _apply_priority(run: _Run) -> Text | None:
	if _fold(run.need.priority) not in {_fold(p) for p in OVERRIDE_PRIORITIES}:
		return None
	eligible = _eligible(run)
	seniors = {m.user for m in eligible if _fold(m.role) in {_fold(r) for r in SENIOR_ROLES}}
	roles = _either(SENIOR_ROLES)
	if not seniors:
		if not eligible:
			return None
		return ("priority_none", {"roles": roles, "priority": run.need.priority})
	for member in eligible:
		if member.user not in seniors:
			role: str | Text = member.role or ("no_role", {})
			text: Text = (
				"priority_wrong_role",
				{"priority": run.need.priority, "roles": roles, "role": role},
			)
			run.verdicts[member.user] = _verdict(member.user, False, "wrong_role", text)
	return ("priority_only", {"priority": run.need.priority, "roles": roles, "count": len(seniors)})


def _role_slot(run: _Run, cursor: str | None) -> tuple[str | None, Text]:
	skipped: list[Text] = []
	seen: set[str] = set()
	for slot, user in run.need.preferred:
		if not user:
			skipped.append(("slot_empty", {"slot": slot}))
			continue
		if user in seen:
			continue
		seen.add(user)
		verdict = run.verdicts.get(user)
		if verdict is None:
			verdict = _verdict(user, False, "not_in_team", ("not_in_team", {"teams": run.teams}))
			run.extra.append(verdict)
		if verdict.eligible:
			if skipped:
				return user, ("role_slot_chose_after", {"user": user, "slot": slot, "skipped": skipped})
			return user, ("role_slot_chose", {"user": user, "slot": slot})
		skipped.append(("slot_skipped", {"slot": slot, "user": user, "detail": verdict.text}))
	if not run.need.preferred:
		return None, ("role_slot_none_named", {})
	return None, ("role_slot_nobody", {"skipped": skipped})


def _round_robin(run: _Run, cursor: str | None) -> tuple[str | None, Text]:
	ring = sorted(m.user for m in run.pool)
	start = bisect.bisect_right(ring, cursor) if cursor else 0
	skipped: list[Text] = []
	for i in range(len(ring)):
		user = ring[(start + i) % len(ring)]
		verdict = run.verdicts[user]
		if verdict.eligible:
			code = "round_robin_chose_next" if cursor else "round_robin_chose_first"
			params: dict[str, Any] = {"user": user, "cursor": cursor}
			if skipped:
				return user, (code + "_skipped", {**params, "skipped": skipped})
			return user, (code, params)
		skipped.append(("user_skipped", {"user": user, "detail": verdict.text}))
	return None, ("round_robin_nobody", {})


def _least_loaded(run: _Run, cursor: str | None) -> tuple[str | None, Text]:
	# Ties (for example nobody has estimated hours) go to whoever holds fewer open tasks, then by id.
	ranked = sorted((utilisation(m, run.need)[0], m.open_tasks, m.user, m) for m in _eligible(run))
	if not ranked:
		return None, ("least_loaded_nobody", {})
	_, _tasks, user, member = ranked[0]
	use = _utilisation(member, run.need)[1]
	if len(ranked) > 1:
		runner = ranked[1][3]
		params = {
			"user": user,
			"use": use,
			"runner": runner.user,
			"runner_use": _utilisation(runner, run.need)[1],
		}
		return user, ("least_loaded_chose_next", params)
	return user, ("least_loaded_chose", {"user": user, "use": use})


_CHOOSE: dict[str, Callable[[_Run, str | None], tuple[str | None, Text]]] = {
	"role_slot": _role_slot,
	"round_robin": _round_robin,
	"least_loaded": _least_loaded,
}


def choose(
	members: Sequence[Member],
	need: Need,
	chain: Sequence[str],
	today: dt.date,
	cursor: str | None = None,
) -> Choice:
	"""Run ``chain`` over ``members`` for ``need`` on ``today`` (see the module's docstring).

	``chain`` goes through :func:`parse_chain`, so aliases work and unknown steps are ignored with a
	note in the reason (validate rules with ``parse_chain`` when they are saved). ``cursor`` is the user
	the previous round-robin choice went to; the returned ``Choice.cursor`` is the one to store.
	"""
	steps, unknown = parse_chain(chain)
	pool: list[Member] = []
	seen: set[str] = set()
	for member in members:
		if member.user and member.user not in seen:
			seen.add(member.user)
			pool.append(member)
	flags = {"case_type": "case_type" in steps, "practice_group": "practice_group" in steps}
	run = _Run(
		pool=pool,
		need=need,
		verdicts={m.user: check(m, need, today, **flags) for m in pool},
		extra=[],
		teams=_names({m.team for m in pool if m.team}) or ("the_pool", {}),
	)
	notes: list[Text] = []
	if unknown:
		notes.append(("unknown_steps", {"steps": ", ".join(repr(u) for u in unknown)}))
	for name, value in (("case_type", need.case_type), ("practice_group", need.practice_group)):
		set_aside = sum(1 for v in run.verdicts.values() if v.reason == name)
		if flags[name] and set_aside:
			notes.append((name + "_set_aside", {"value": value, "count": set_aside}))
	for step in steps:
		if step == "language":
			note = _apply_language(run, today)
		elif step == "priority_override":
			note = _apply_priority(run)
		else:
			continue
		if note:
			notes.append(note)
	tried: list[Text] = []
	for step in steps:
		if step not in CHOOSERS:
			continue
		user, clause = _CHOOSE[step](run, cursor)
		if user is not None:
			return _choice(
				user=user,
				strategy=step,
				texts=(*notes, *tried, clause),
				verdicts=_all_verdicts(run),
				cursor=user if step == "round_robin" else cursor,
			)
		tried.append(clause)
	if not any(step in CHOOSERS for step in steps):
		tried.append(("no_chooser", {"choosers": _either(CHOOSERS)}))
	refused: list[Text] = [
		("user_skipped", {"user": v.user, "detail": v.text}) for v in _all_verdicts(run) if not v.eligible
	]
	if refused:
		final: Text = ("unroutable_refused", {"refused": refused})
	elif not pool:
		final = ("unroutable_empty_pool", {})
	else:
		final = ("unroutable", {})
	return _choice(
		user=None,
		strategy=None,
		texts=(*notes, *tried, final),
		verdicts=_all_verdicts(run),
		cursor=cursor,
		unroutable=True,
	)


def _choice(texts: tuple[Text, ...], **kw: Any) -> Choice:
	return Choice(reason=". ".join(english(t) for t in texts), texts=texts, **kw)


def _all_verdicts(run: _Run) -> tuple[Verdict, ...]:
	return tuple(run.verdicts[m.user] for m in run.pool) + tuple(run.extra)


__all__ = [
	"CHOOSERS",
	"ENGLISH",
	"FILTERS",
	"HYBRID",
	"LIST_CAP",
	"REASONS",
	"ROLES",
	"SENIOR_ROLES",
	"STRATEGIES",
	"Choice",
	"Member",
	"Need",
	"Text",
	"Verdict",
	"away_until",
	"check",
	"choose",
	"english",
	"is_text",
	"needs_language",
	"parse_chain",
	"speaks",
	"utilisation",
]
