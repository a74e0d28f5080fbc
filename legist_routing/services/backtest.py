"""The backtest: the events of a past period replayed through a draft rule set, side by side with what
happened — the assignments that would change, the workload per person, and the acknowledgements and
deadlines the draft's assignments would put at risk.

Each routed event's Routing Log keeps the facts the rules read (``facts``); a log written before logs kept
them has its facts rebuilt from the documents as they are now, with the values its rules read then (its
trace) put back, and the report says how many were. Every event is decided by the engine's ``decide`` over
the rule set the simulator builds (the enabled rules, each draft in place of the saved rule of its name,
without the rules left out), at the moment the event happened. Who would get each task is chosen by the
engine's strategies from a replay of the period: the teams, leave and the round-robin cursors as the
site has them, and each person's open load as it was — the work they held when the period began and what
the replay gives them, each task closing when the real one did.

Read-only: nothing is inserted, updated or locked. A run of more than ``INLINE_EVENTS`` events goes to an
RQ job (``long`` queue) in a read-only transaction; its progress (``frappe.publish_progress``) and its
result live in Redis for a day, under the run's key, for the user who started it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import json
import re
import statistics
from collections.abc import Callable, Iterable
from typing import Any

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from legist_routing.engine import facts as F
from legist_routing.engine import strategies as S
from legist_routing.engine.decide import CreateTask, Event, Notify, RuleSet, Unresolved, decide
from legist_routing.engine.problems import Problem, hint
from legist_routing.services import assignment, facts, journal, messages, rules, simulate

INLINE_EVENTS = 50  # a run of more events than this goes to an RQ job
QUEUE = "long"
JOB_TIMEOUT = 3600
PAGE = 500  # Routing Logs read per query
MAX_DAYS = 366
PROGRESS_EVERY = 100  # events between two progress reports
ROW_LIMIT = 500  # event rows and tasks at risk the result lists (changed ones first)
HISTORY_DAYS = 90  # how far before the period a person's acknowledgement and completion times are read
KEEP_SECONDS = 24 * 3600
CACHE_PREFIX = "legist_routing:backtest:"
# The Routing Logs of events routed by rules (an errored event did nothing and is left out, and counted).
ROUTED = ("Applied", "Partly Applied", "No Match")
CANCELLED = "Cancelled"


# ------------------------------------------------------------------------------------------- entry
def start(
	from_date,
	to_date,
	rules_json: Any = None,
	without: Any = None,
	include_enabled: bool = True,
	background: bool | None = None,
) -> dict:
	"""Check the options, then run the backtest: in this request when the period holds at most
	``INLINE_EVENTS`` events (``background=None``), else as an RQ job. Returns the run's id (``job_id``, for
	``result``), whether it was queued and how many events it replays; or ``ok: false`` and the problems."""
	problems: list[Problem | dict] = []
	options = _options(from_date, to_date, rules_json, without, include_enabled, problems)
	if problems:
		return {"ok": False, "problems": [_problem(p) for p in problems]}
	key = frappe.generate_hash(length=16)
	events = _count(options)
	queued = events > INLINE_EVENTS if background is None else bool(background)
	_store(key, {"user": frappe.session.user, "status": "queued", "progress": [0, events], "result": None})
	if queued:
		frappe.enqueue(
			"legist_routing.services.backtest.run_job",
			queue=QUEUE,
			timeout=JOB_TIMEOUT,
			job_id=f"legist-backtest-{key}",
			# tests run it in-process, as Frappe's own tests do (frappe.flags.in_test)
			now=bool(frappe.flags.in_test),
			key=key,
			options=options,
		)
	else:
		run_job(key, options, publish=False)
	return {"ok": True, "job_id": key, "queued": queued, "events": events}


def run_job(key: str, options: dict, publish: bool = True):
	"""The backtest of ``options`` (as ``start`` checked them), its progress and result kept under ``key``,
	the progress also published to the desk (``publish``: a run in the request has nobody waiting on it).
	Never raises: a failure is kept as the run's result."""
	state = _load(key) or {"user": frappe.session.user, "progress": [0, 0]}
	state["status"] = "running"
	_store(key, state)
	worker = getattr(frappe.local, "job", None) is not None and not frappe.flags.in_test
	if worker:
		# A worker's own transaction, read-only: a write anywhere in the replay would fail, not happen.
		frappe.db.rollback()
		frappe.db.begin(read_only=True)

	def progress(done: int, total: int):
		state["progress"] = [done, total]
		_store(key, state)
		if not publish:
			return
		frappe.publish_progress(
			round(100 * done / total) if total else 100,
			title=_("Backtest"),
			description=_("{0} of {1} events replayed").format(done, total),
		)

	try:
		state["result"] = backtest(**options, progress=progress)
		state["status"] = "done" if state["result"].get("ok") else "failed"
	except Exception:
		state["status"] = "failed"
		state["error"] = frappe.get_traceback()
		if worker:
			frappe.db.rollback()
	_store(key, state)
	if publish:
		frappe.publish_realtime(
			"legist_backtest", {"job_id": key, "status": state["status"]}, user=state["user"]
		)


def result(job_id: str) -> dict:
	"""A run's status, progress (events done, of all) and, once done, its result: for the user who started
	it, or a System Manager."""
	key = str(job_id or "")
	state: dict = _load(key) or {}
	if not state:
		frappe.throw(
			_("No backtest {0}: a run is kept for a day; start it again.").format(key),
			frappe.DoesNotExistError,
		)
	if state["user"] != frappe.session.user and "System Manager" not in frappe.get_roles():
		frappe.throw(_("This backtest was started by someone else."), frappe.PermissionError)
	return {
		"job_id": key,
		"status": state["status"],
		"progress": state.get("progress"),
		"result": state.get("result"),
		"error": state.get("error"),
	}


def _store(key: str, state: dict):
	frappe.cache.set_value(CACHE_PREFIX + key, state, expires_in_sec=KEEP_SECONDS)


def _load(key: str) -> dict | None:
	# expires=True: read from Redis each time, never from this request's copy (a worker moves it on)
	return frappe.cache.get_value(CACHE_PREFIX + str(key), expires=True) if key else None


def _problem(p: Problem | dict) -> dict:
	if isinstance(p, dict):
		return p  # worded here: a problem of the backtest's own options
	return {"path": p.path, "code": p.code, "message": messages.problem_text(p)}


# ----------------------------------------------------------------------------------------- options
def _date(value, field: str, problems: list[Problem | dict]) -> dt.date | None:
	if value in (None, ""):
		problems.append(Problem(field, "required"))
		return None
	try:
		return getdate(value)
	except Exception:
		problems.append(Problem(field, "bad_value", {"value": value, "type": "date"}))
		return None


def _names(value: Any, problems: list[Problem | dict]) -> list[str]:
	if value in (None, "", []):
		return []
	if isinstance(value, str):
		try:
			value = json.loads(value) if value.strip().startswith("[") else value.split(",")
		except ValueError as e:
			problems.append(Problem("without", "bad_json", {"detail": str(e)}))
			return []
	if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
		problems.append(Problem("without", "not_a_list"))
		return []
	return [v.strip() for v in value if v.strip()]


def _options(
	from_date, to_date, rules_json, without, include_enabled, problems: list[Problem | dict]
) -> dict:
	start, end = _date(from_date, "from_date", problems), _date(to_date, "to_date", problems)
	if start and end and end < start:
		message = _("To Date: must be on or after the From Date, {0}").format(start)
		problems.append({"path": "to_date", "code": "before_start", "message": message})
	elif start and end and (end - start).days + 1 > MAX_DAYS:
		problems.append(
			Problem("to_date", "too_many_days", {"max": MAX_DAYS, "value": (end - start).days + 1})
		)
	names = _names(without, problems)
	found: list[Problem] = []
	ruleset, _templates, _sources = simulate.rule_set(rules_json, include_enabled, found)
	problems += found
	known = {r.name for r in ruleset.rules}
	for i, name in enumerate(names):
		if name not in known:
			close = hint(name, sorted(known))
			message = _("Leave Out: no rule of the set is named '{0}'").format(name)
			if close:
				message += _("; did you mean '{0}'?").format(close.split("'")[1])
			problems.append({"path": f"without[{i}]", "code": "not_found", "message": message})
	return {
		"from_date": str(start) if start else None,
		"to_date": str(end) if end else None,
		"rules_json": rules_json
		if isinstance(rules_json, str) or rules_json is None
		else json.dumps(rules_json),
		"without": names,
		"include_enabled": bool(include_enabled),
	}


def _bounds(from_date, to_date) -> tuple[dt.datetime, dt.datetime]:
	return get_datetime(getdate(from_date)), get_datetime(add_days(getdate(to_date), 1))


def _count(options: dict) -> int:
	start, end = _bounds(options["from_date"], options["to_date"])
	return frappe.db.sql(
		"""select count(*) from `tabRouting Log`
		where creation >= %(start)s and creation < %(end)s and event in %(triggers)s and status in %(routed)s""",
		{"start": start, "end": end, "triggers": tuple(F.TRIGGERS), "routed": ROUTED},
	)[0][0]


# ---------------------------------------------------------------------------------------- the run
def backtest(
	from_date,
	to_date,
	rules_json: Any = None,
	without: Iterable[str] = (),
	include_enabled: bool = True,
	now: dt.datetime | str | None = None,
	progress: Callable[[int, int], None] | None = None,
) -> dict:
	"""Replay the routed events of ``from_date``..``to_date`` (both included) through the rule set and
	compare with what happened; a JSON-able report. ``now``: the moment open work is judged at (default
	now). Writes nothing."""
	problems: list[Problem | dict] = []
	options = _options(from_date, to_date, rules_json, list(without), include_enabled, problems)
	if problems:
		return {"ok": False, "problems": [_problem(p) for p in problems]}
	moment = (get_datetime(now) if now else now_datetime()).replace(microsecond=0, tzinfo=None)
	start, end = _bounds(options["from_date"], options["to_date"])
	saved, templates, sources = simulate.rule_set(options["rules_json"], options["include_enabled"], [])
	left_out = set(options["without"])
	ruleset = RuleSet(r for r in saved.rules if r.name not in left_out)
	ctx = rules.context(templates, start)
	firm = facts.firm_facts()
	total = _count(options)
	past = history(start, end)
	replay = Replay(start, end, past)
	report = Report(moment, past)
	done = 0
	if progress:
		progress(0, total)
	for page in _pages(start, end):
		real = _real_tasks(page)
		fired = _fired(page)
		for log in page:
			done += 1
			if progress and done % PROGRESS_EVERY == 0:
				progress(min(done, total), total)
			known, previous, rebuilt = log.facts_read
			if known is None:
				report.not_routed += 1
				continue
			event = Event(
				log.event, log.event_key or "", log.case, log.reference_doctype, log.reference_name, previous
			)
			at = get_datetime(log.creation).replace(microsecond=0)
			# a log's own facts hold the firm's as they were; rebuilt ones take today's where the trace has none
			seen = {**firm, **known} if rebuilt else known
			decision = decide(event, seen, ruleset, dataclasses.replace(ctx, now=at))
			happened = _happened(log, real.get(log.name, {}))
			draft = _draft(decision, replay, at, happened)
			report.add(log, at, rebuilt, happened, draft, fired.get(log.name, []), list(decision.matched))
	if progress:
		progress(total, total)
	return report.result(options, sources, left_out, total, _errored(start, end), ruleset)


def _errored(start: dt.datetime, end: dt.datetime) -> int:
	return frappe.db.sql(
		"""select count(*) from `tabRouting Log`
		where creation >= %(start)s and creation < %(end)s and event in %(triggers)s and status = 'Error'""",
		{"start": start, "end": end, "triggers": tuple(F.TRIGGERS)},
	)[0][0]


# ------------------------------------------------------------------------------------- the events
def _pages(start: dt.datetime, end: dt.datetime):
	"""The period's routed Routing Logs, oldest first, ``PAGE`` at a time, each with the facts it saw
	(``log.facts_read``: facts, previous values, rebuilt; facts None for a log no rule routed)."""
	after: tuple = (start, "")
	while True:
		logs = frappe.db.sql(
			"""select name, creation, event, event_key, `case`, reference_doctype, reference_name, facts,
				results, facts is null as bare
			from `tabRouting Log`
			where creation >= %(start)s and creation < %(end)s and event in %(triggers)s
				and status in %(routed)s and (creation > %(after)s or (creation = %(after)s and name > %(name)s))
			order by creation asc, name asc
			limit %(page)s""",
			{
				"start": start,
				"end": end,
				"after": after[0],
				"name": after[1],
				"triggers": tuple(F.TRIGGERS),
				"routed": ROUTED,
				"page": PAGE,
			},
			as_dict=True,
		)
		if not logs:
			return
		_read_facts(logs)
		yield logs
		if len(logs) < PAGE:
			return
		after = (logs[-1].creation, logs[-1].name)


def _typed(known: dict) -> dict:
	"""Facts read back from JSON: dates and times as the engine is given them by the documents."""
	for path, value in known.items():
		kind = F.FACTS.get(path)
		if isinstance(value, str) and value and kind in (F.DATE, F.DATETIME):
			try:
				known[path] = getdate(value) if kind == F.DATE else get_datetime(value)
			except Exception:
				pass  # left as text: the engine reads ISO text too, and says when it cannot
	return known


def _read_facts(logs: list):
	"""Each log's facts: kept by the log, else rebuilt (one query per kind of document for the page)."""
	bare = [log for log in logs if log.bare]
	traces = {}
	if bare:
		traces = dict(
			frappe.db.sql(
				"select name, trace from `tabRouting Log` where name in %(names)s",
				{"names": tuple(log.name for log in bare)},
			)
		)
	documents = _documents(bare)
	for log in logs:
		if not log.bare:
			known, previous = journal_facts(log.facts)
			log.facts_read = (_typed(known), previous, False)
			continue
		trace = _loads(traces.get(log.name)) or {}
		if "rules" not in trace:
			log.facts_read = (None, {}, True)  # a plain log (a threshold passed while routing was off)
			continue
		known, previous = rebuild(log, documents, trace)
		log.facts_read = (_typed(known), previous, True)


def journal_facts(value) -> tuple[dict, dict]:
	stored = journal.stored_facts(value)
	return stored if stored is not None else ({}, {})


def _loads(value):
	if not value:
		return None
	try:
		return json.loads(value) if isinstance(value, str) else value
	except ValueError:
		return None


def _documents(logs: list) -> dict:
	"""The cases, notices, tasks and client requests the bare logs name, read once for the page."""
	wanted: dict[str, set] = {
		"Case": set(),
		"Case Notice": set(),
		"Case Task": set(),
		"Client Request": set(),
	}
	for log in logs:
		if log.case:
			wanted["Case"].add(log.case)
		if log.reference_doctype in wanted and log.reference_name:
			wanted[log.reference_doctype].add(log.reference_name)
	fields = {
		"Case": list(facts.CASE_FIELDS),
		"Case Notice": list(facts.NOTICE_FIELDS),
		"Case Task": list(facts.TASK_FIELDS),
		"Client Request": ["name", "item", "file_name"],
	}
	return {
		doctype: {
			row.name: row
			for row in (
				frappe.get_all(doctype, filters={"name": ["in", list(names)]}, fields=fields[doctype])
				if names
				else []
			)
		}
		for doctype, names in wanted.items()
	}


STATUS_KEY = re.compile(
	r"^(case|task)\.status_changed:.+?:(?P<before>[^:]*?)->(?P<after>.*):\d{4}-\d{2}-\d{2} "
)


def rebuild(log, documents: dict, trace: dict) -> tuple[dict, dict]:
	"""The facts of a log written before logs kept them: the documents as they are now, what the event's key
	says (the statuses of a change, the threshold crossed, the appointment), and over them the values the
	rules read then, from the log's trace."""
	known: dict = {}
	previous: dict = {}
	case = documents["Case"].get(log.case)
	if case is not None:
		known.update(facts.case_facts(case))
	ref = documents.get(log.reference_doctype, {}).get(log.reference_name)
	if ref is not None and log.reference_doctype == "Case Notice":
		known.update(facts.notice_facts(ref))
	elif ref is not None and log.reference_doctype == "Case Task":
		known.update(facts.task_facts(ref))
	elif log.event == "portal.upload":
		name = (ref.file_name if ref else "") or ""
		known.update(
			{
				"document.notice_type": facts.UPLOAD_NOTICE_TYPE,
				"document.item": ref.item if ref else None,
				"document.file_type": name.rsplit(".", 1)[-1].lower() if "." in name else "",
				"document.request": log.reference_name,
			}
		)
	key = log.event_key or ""
	at = get_datetime(log.creation)
	status = STATUS_KEY.match(key)
	if status:
		root = status.group(1)
		known[f"{root}.status"] = status.group("after")
		previous[f"{root}.status"] = status.group("before")
	elif log.event == "deadline.approaching":
		_k, _notice, deadline, threshold = ([*key.split(":"), "", "", ""])[:4]
		try:
			known["deadline.days_left"] = (getdate(deadline) - at.date()).days
			known["deadline.threshold"] = int(threshold)
		except (TypeError, ValueError):
			pass
		known["deadline.kind"] = "response"
	elif log.event in ("appointment.approaching", "appointment.passed") and ref is not None:
		appointment = ref.get("appointment_at")
		if appointment:
			known["appointment.hours_left"] = round(
				(get_datetime(appointment) - at).total_seconds() / 3600, 1
			)
		known["appointment.threshold"] = 48
	for entry in trace.get("rules", []):
		for leaf in _leaves(entry.get("conditions") or {}):
			path = F.canonical(str(leaf.get("fact") or "")) or leaf.get("fact")
			if not path:
				continue
			if "actual" in leaf:
				known[path] = leaf["actual"]
			if leaf.get("op") == "changed" and "before" in leaf:
				previous[path] = leaf["before"]
	return known, previous


def _leaves(node: dict) -> list[dict]:
	for kind in ("all", "any", "not"):
		if kind in node:
			return [leaf for child in node[kind] for leaf in _leaves(child)]
	return [node] if node else []


def _fired(page: list) -> dict[str, list[str]]:
	"""The rules that fired on each log of the page (its Rules That Fired table)."""
	out: dict[str, list[str]] = {}
	for parent, rule in frappe.db.sql(
		"""select parent, rule from `tabRouting Log Rule`
		where parenttype = 'Routing Log' and parent in %(names)s order by parent, idx""",
		{"names": tuple(log.name for log in page)},
	):
		out.setdefault(parent, []).append(rule)
	return out


TASK_COLUMNS = (
	"name",
	"routing_log",
	"routing_key",
	"title",
	"kind",
	"status",
	"assigned_to",
	"assigned_at",
	"ack_due",
	"acknowledged_at",
	"due",
	"hard_deadline",
	"completed_at",
	"estimated_hours",
	"modified",
)


def _real_tasks(page: list) -> dict[str, dict[str, dict]]:
	"""The Case Tasks each log of the page created, by routing key."""
	out: dict[str, dict[str, dict]] = {}
	for row in frappe.db.sql(
		f"select {', '.join(f'`{c}`' for c in TASK_COLUMNS)} from `tabCase Task` where routing_log in %(names)s",
		{"names": tuple(log.name for log in page)},
		as_dict=True,
	):
		out.setdefault(row.routing_log, {})[row.routing_key] = row
	return out


# ----------------------------------------------------------------------------------- both sides
def _happened(log, tasks: dict[str, Any]) -> list[dict]:
	"""The assignments routing made for the event: each task its results name, with whom routing gave it to
	(not who holds it now) and the real task, for its outcome."""
	out = []
	for r in _loads(log.results) or []:
		if r.get("status") in ("created", "unroutable"):
			keys = [(r["key"], r.get("assigned_to"))]
		elif r.get("status") == "notified" and r.get("task"):
			recipients = r.get("recipients") or []
			keys = [(r["key"] if i == 0 else f"{r['key']}|{u}", u) for i, u in enumerate(recipients)]
		else:
			continue
		for key, user in keys:
			task = tasks.get(key)
			out.append(
				{
					"key": key,
					"rule": r.get("rule"),
					"title": task.title if task else None,
					"kind": task.kind if task else None,
					"assignee": user,
					"task": task.name if task else r.get("task"),
					"hours": float(task.estimated_hours or 0) if task else 0.0,
					"real": task,
				}
			)
	return out


def _draft(decision, replay: Replay, at: dt.datetime, happened: list[dict]) -> list[dict]:
	"""The assignments the draft would make for the event: each task the engine asks for, given to whom the
	strategies choose from the replay's load; each response window to its recipient (as apply does). Each
	one is held by its assignee until the real task of the same action (or title) closed."""
	closes: dict = {}
	for item in happened:
		if item.get("real") is not None:
			closed = _closed_at(item["real"])
			closes[item["key"]] = closed
			closes.setdefault(("title", str(item.get("title") or "").casefold()), closed)

	def hold(item: dict):
		if item["assignee"]:
			key = item["key"] if item["key"] in closes else ("title", str(item["title"] or "").casefold())
			replay.hold(item["assignee"], item["hours"], at, closes.get(key, replay.UNKNOWN))

	out: list[dict] = []
	for intent in decision.intents:
		if isinstance(intent, Unresolved):
			out.append({"key": intent.key, "rule": intent.rule, "unresolved": intent.code})
		elif isinstance(intent, CreateTask):
			choice = replay.choose(intent, at)
			out.append(
				{
					"key": intent.key,
					"rule": intent.rule,
					"title": intent.title or messages.task_title(intent.title_code),
					"kind": intent.kind,
					"assignee": choice.user,
					"unroutable": choice.unroutable,
					"why": messages.choice_reason(choice),
					"hours": float(intent.estimated_hours or 0),
					"ack_due": intent.ack_due,
					"due": intent.due,
					"hard_deadline": intent.hard_deadline,
				}
			)
			hold(out[-1])
		elif isinstance(intent, Notify) and intent.respond_by is not None:
			_notification, reviews = simulate.plan_notify(intent)
			for i, review in enumerate(reviews):
				user = review["assignee"]
				out.append(
					{
						"key": intent.key if i == 0 else f"{intent.key}|{user}",
						"rule": intent.rule,
						"title": review["title"],
						"kind": "Notification",
						"assignee": user,
						"unroutable": False,
						"why": review["why"],
						"hours": 0.0,
						"ack_due": review["ack_due"],
						"due": review["due"],
						"hard_deadline": None,
					}
				)
				hold(out[-1])
	return out


# ---------------------------------------------------------------------------------------- replay
class Replay:
	"""The period as the strategies see it: teams, leave and round-robin cursors read once, and each
	person's open load replayed — the work they held that routing in the period did not give them (open
	when the period began, or given by hand), then what the draft gives them. A draft's task closes when
	its real counterpart did; one without a counterpart after its assignee's median completion time."""

	UNKNOWN = object()  # a draft task with no real counterpart: its close is projected

	def __init__(self, start: dt.datetime, end: dt.datetime, past: dict):
		self.past = past
		teams = frappe.get_all("Routing Team", fields=["name", "team_lead", "round_robin_cursor"])
		self.lead = {t.name: t.team_lead for t in teams}
		self.cursor = {t.name: t.round_robin_cursor for t in teams}
		self.rows: dict[str, list] = {t.name: [] for t in teams}
		for row in frappe.get_all(
			"Routing Team Member",
			filters={"parenttype": "Routing Team", "active": 1},
			fields=[
				"parent",
				"user",
				"team_role",
				"active",
				"capacity_tasks",
				"capacity_hours",
				"languages",
				"case_types",
				"practice_groups",
			],
			order_by="idx asc",
		):
			self.rows.setdefault(row.parent, []).append(row)
		# assignment.team_of: the team whose member row changed last
		self.team_of_user: dict[str, str] = {}
		for parent, user in frappe.db.sql(
			"""select parent, user from `tabRouting Team Member`
			where parenttype = 'Routing Team' and active = 1 order by modified desc"""
		):
			self.team_of_user.setdefault(user, parent)
		self.enabled = set(frappe.db.sql_list("select name from `tabUser` where enabled = 1"))
		self.away: dict[str, tuple] = {}
		for user, from_date, to_date in frappe.db.sql(
			"""select user, from_date, to_date from `tabRouting Absence`
			where to_date >= %(start)s and from_date < %(end)s order by from_date asc""",
			{"start": start.date(), "end": end.date()},
		):
			self.away[user] = (*self.away.get(user, ()), (getdate(from_date), getdate(to_date)))
		self.load: dict[str, tuple[int, float]] = {}
		self._closing: list[tuple[dt.datetime, int, str, float]] = []  # (when, seq, user, hours)
		self._seq = 0
		self._others = _other_work(start, end)  # (given, user, hours, closed), in the order given
		self._next_other = 0

	def team(self, user: str | None) -> str | None:
		return self.team_of_user.get(user) if user else None

	def _add(self, user: str, hours: float, sign: int):
		n, h = self.load.get(user, (0, 0.0))
		self.load[user] = (n + sign, h + sign * hours)

	def advance(self, at: dt.datetime):
		"""The load at ``at``: the other work given by then added, the work closed by then taken off."""
		while self._next_other < len(self._others) and self._others[self._next_other][0] <= at:
			given, user, hours, closed = self._others[self._next_other]
			self._next_other += 1
			self.hold(user, hours, given, closed)
		while self._closing and self._closing[0][0] <= at:
			_when, _seq, user, hours = heapq.heappop(self._closing)
			self._add(user, hours, -1)

	def hold(self, user: str, hours: float, at: dt.datetime, closed):
		"""``user`` holds a task from ``at`` until ``closed`` (None: still open; ``UNKNOWN``: projected)."""
		if closed is self.UNKNOWN:
			people, firm = self.past["done"]["people"], self.past["done"]["firm"]
			median = people.get(user, firm)
			closed = at + dt.timedelta(hours=median) if median is not None else None
		self._add(user, hours, +1)
		if closed is not None:
			self._seq += 1
			heapq.heappush(self._closing, (closed, self._seq, user, hours))

	def choose(self, intent: CreateTask, at: dt.datetime) -> S.Choice:
		"""Whom the strategies would choose at ``at``: ``assignment.plan``'s choice on the replay's state."""
		self.advance(at)
		need, chain, team = assignment.need_for(intent, self.team, self.lead.get)
		chain = S.parse_chain(chain)[0] or assignment.DEFAULT_CHAIN
		rows = self.rows.get(team, []) if team else []
		known = {r.user for r in rows}
		loose = [u for _slot, u in need.preferred if u and u not in known]
		lead = self.lead.get(team) if team else None
		pool = assignment.pool(team, rows, lead, loose, self.enabled, self.load, self.away)
		cursor = self.cursor.get(team) if team and "round_robin" in chain else None
		choice = S.choose(pool, need, chain, at.date(), cursor)
		if team and choice.strategy == "round_robin":
			self.cursor[team] = choice.cursor
		return choice


def _closed_at(task) -> dt.datetime | None:
	if task.status == "Completed":
		return get_datetime(task.completed_at or task.modified)
	if task.status == CANCELLED:
		return get_datetime(task.modified)
	return None


def _other_work(start: dt.datetime, end: dt.datetime) -> list[tuple]:
	"""The work people held in the period that the period's routed events did not give them: open when the
	period began, or given meanwhile by hand or by events left out — (given, user, hours, closed), in order."""
	rows = frappe.db.sql(
		"""select t.assigned_to, t.creation, t.status, t.completed_at, t.modified, t.estimated_hours
		from `tabCase Task` t
		left join `tabRouting Log` l on l.name = t.routing_log
		where t.assigned_to is not null and t.creation < %(end)s
			and (t.status not in ('Completed', %(cancelled)s) or ifnull(t.completed_at, t.modified) >= %(start)s)
			and not (l.name is not null and l.creation >= %(start)s and l.creation < %(end)s
				and l.event in %(triggers)s and l.status in %(routed)s)""",
		{"start": start, "end": end, "cancelled": CANCELLED, "triggers": tuple(F.TRIGGERS), "routed": ROUTED},
		as_dict=True,
	)
	out = [
		(get_datetime(r.creation), r.assigned_to, float(r.estimated_hours or 0), _closed_at(r)) for r in rows
	]
	out.sort(key=lambda x: x[0])
	return out


# ------------------------------------------------------------------------------------------ risk
def history(start: dt.datetime, end: dt.datetime) -> dict:
	"""How long each person took to acknowledge and to complete their work (medians, in hours) over the
	period and the ``HISTORY_DAYS`` before it, and the firm's, for the draft's projections."""
	rows = frappe.db.sql(
		"""select assigned_to,
			timestampdiff(second, assigned_at, acknowledged_at) / 3600,
			if(status = 'Completed', timestampdiff(second, assigned_at, completed_at) / 3600, null)
		from `tabCase Task`
		where assigned_to is not null and assigned_at >= %(since)s and assigned_at < %(end)s
			and ifnull(kind, '') != 'Notification'""",
		{"since": start - dt.timedelta(days=HISTORY_DAYS), "end": end},
	)
	ack: dict[str, list[float]] = {}
	done: dict[str, list[float]] = {}
	for user, ack_h, done_h in rows:
		if ack_h is not None and ack_h >= 0:
			ack.setdefault(user, []).append(float(ack_h))
		if done_h is not None and done_h >= 0:
			done.setdefault(user, []).append(float(done_h))

	def medians(values: dict[str, list[float]]) -> dict:
		every = [v for vs in values.values() for v in vs]
		return {
			"people": {u: statistics.median(vs) for u, vs in values.items()},
			"firm": statistics.median(every) if every else None,
		}

	return {"ack": medians(ack), "done": medians(done)}


def _deadline(due, hard) -> dt.datetime | None:
	"""The KPIs' deadline of a task: the earlier of its due time and its hard deadline."""
	times = [get_datetime(t) for t in (due, hard) if t]
	return min(times) if times else None


def _late(when: dt.datetime | None, limit: dt.datetime | None, now: dt.datetime) -> bool:
	"""Missed, as the KPIs count it: done after the limit, or not done and the limit passed."""
	if limit is None:
		return False
	return when > limit if when is not None else limit < now


def _projected_late(when: dt.datetime | None, limit: dt.datetime | None, now: dt.datetime) -> bool:
	return when is not None and limit is not None and when > limit


def _when(value) -> dt.datetime | None:
	return get_datetime(value) if value else None


# ---------------------------------------------------------------------------------------- report
class Report:
	def __init__(self, now: dt.datetime, history: dict):
		self.now = now
		self.history = history
		self.rows: list[dict] = []
		self.counts = {"same": 0, "changed": 0, "added": 0, "removed": 0}
		self.events = 0
		self.rebuilt = 0
		self.not_routed = 0
		self.unresolved = 0
		self.workload: dict[str | None, dict[str, float]] = {}
		self.risk = {
			side: {"tasks": 0, "ack_missed": 0, "deadline_missed": 0, "uscis_missed": 0, "unknown": 0}
			for side in ("happened", "draft")
		}
		self.at_risk: list[dict] = []

	def _work(self, user: str | None, side: str, hours: float):
		row = self.workload.setdefault(
			user, {"happened_tasks": 0, "happened_hours": 0.0, "draft_tasks": 0, "draft_hours": 0.0}
		)
		row[f"{side}_tasks"] += 1
		row[f"{side}_hours"] += hours

	def add(
		self, log, at: dt.datetime, rebuilt: bool, happened: list, draft: list, fired: list, matched: list
	):
		self.events += 1
		self.rebuilt += bool(rebuilt)
		self.unresolved += sum(1 for d in draft if d.get("unresolved"))
		draft = [d for d in draft if not d.get("unresolved")]
		pairs = _pair(happened, draft)
		for before, after in pairs:
			change = (
				"added"
				if before is None
				else "removed"
				if after is None
				else "same"
				if before["assignee"] == after["assignee"]
				else "changed"
			)
			self.counts[change] += 1
			if before is not None:
				self._work(before["assignee"], "happened", before["hours"])
				self._happened_risk(before)
			if after is not None:
				self._work(after["assignee"], "draft", after["hours"])
				self._draft_risk(log, at, before, after)
		changed = any(b is None or a is None or b["assignee"] != a["assignee"] for b, a in pairs)
		if pairs or fired or matched:
			self.rows.append(
				{
					"log": log.name,
					"at": at,
					"event": log.event,
					"case": log.case,
					"reference_doctype": log.reference_doctype,
					"reference_name": log.reference_name,
					"facts": "rebuilt" if rebuilt else "log",
					"fired": fired,
					"matched": matched,
					"happened": [_shown(b) for b, _a in pairs if b is not None],
					"draft": [_shown(a) for _b, a in pairs if a is not None],
					"pairs": [
						{
							"title": (a or b or {}).get("title"),
							"before": b["assignee"] if b else None,
							"after": a["assignee"] if a else None,
							"change": "added"
							if b is None
							else "removed"
							if a is None
							else "same"
							if b["assignee"] == a["assignee"]
							else "changed",
						}
						for b, a in pairs
					],
					"changed": changed,
				}
			)

	def _happened_risk(self, item: dict):
		real = item.get("real")
		if real is None or real.status == CANCELLED:
			return
		side = self.risk["happened"]
		side["tasks"] += 1
		if real.ack_due and _late(_when(real.acknowledged_at), _when(real.ack_due), self.now):
			side["ack_missed"] += 1
		if (real.kind or "") != "Notification":
			done = _when(real.completed_at)
			side["deadline_missed"] += _late(done, _deadline(real.due, real.hard_deadline), self.now)
			side["uscis_missed"] += _late(done, _when(real.hard_deadline), self.now)

	def _draft_risk(self, log, at: dt.datetime, before: dict | None, after: dict):
		real = before.get("real") if before else None
		if real is not None and real.status == CANCELLED:
			return  # the work was cancelled: nobody's acknowledgement or deadline counts
		side = self.risk["draft"]
		side["tasks"] += 1
		user = after["assignee"]
		if user is None:
			basis, acked, done = "nobody", None, None
		elif real is not None and before is not None and before["assignee"] == user:
			basis, acked, done = "actual", _when(real.acknowledged_at), _when(real.completed_at)
		else:
			ack_h, ack_basis = self._median("ack", user)
			done_h, _b = self._median("done", user)
			if ack_h is None and done_h is None:
				side["unknown"] += 1
				return
			basis = ack_basis
			acked = at + dt.timedelta(hours=ack_h) if ack_h is not None else None
			done = at + dt.timedelta(hours=done_h) if done_h is not None else None
		# What happened (or nobody to do it) is judged now, as the KPIs judge it; a projection only by its
		# projected time (without one, it is not counted late).
		judge = _late if basis in ("actual", "nobody") else _projected_late
		ack_due, deadline, hard = _when(after["ack_due"]), None, None
		ack_missed = bool(ack_due) and judge(acked, ack_due, self.now)
		missed = uscis = False
		if (after.get("kind") or "") != "Notification":
			deadline, hard = _deadline(after["due"], after["hard_deadline"]), _when(after["hard_deadline"])
			missed, uscis = judge(done, deadline, self.now), judge(done, hard, self.now)
		side["ack_missed"] += ack_missed
		side["deadline_missed"] += missed
		side["uscis_missed"] += uscis
		if ack_missed or missed or uscis:
			self.at_risk.append(
				{
					"log": log.name,
					"at": at,
					"event": log.event,
					"case": log.case,
					"title": after["title"],
					"assignee": user,
					"basis": basis,
					"ack_due": ack_due,
					"projected_ack": acked,
					"deadline": deadline,
					"projected_done": done,
					"ack_missed": ack_missed,
					"deadline_missed": missed,
					"uscis_missed": uscis,
					"changed": before is None or before["assignee"] != user,
				}
			)

	def _median(self, kind: str, user: str) -> tuple[float | None, str]:
		known = self.history[kind]
		if user in known["people"]:
			return known["people"][user], "person"
		return known["firm"], "firm"

	def result(self, options: dict, sources: dict, left_out: set, total: int, errored: int, ruleset) -> dict:
		rows = sorted(self.rows, key=lambda r: not r["changed"])[:ROW_LIMIT]
		rows.sort(key=lambda r: (r["at"], r["log"]))
		at_risk = sorted(self.at_risk, key=lambda r: not r["changed"])[:ROW_LIMIT]
		at_risk.sort(key=lambda r: (r["at"], r["log"]))
		workload = [
			{
				"user": user,
				**{k: round(v, 2) if k.endswith("hours") else int(v) for k, v in values.items()},
				"change": int(values["draft_tasks"] - values["happened_tasks"]),
			}
			for user, values in sorted(self.workload.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
		]
		drafts = sorted(name for name, s in sources.items() if s.get("source") == "draft")
		notes = []
		if self.rebuilt:
			notes.append(
				_(
					"{0} of the {1} events were logged before the Routing Log kept the facts it saw: their facts "
					"were rebuilt from the documents as they are now, with the values their rules read then (from "
					"each log's trace) put back."
				).format(self.rebuilt, self.events)
			)
		if errored:
			notes.append(
				_(
					"{0} events failed when they happened (Routing Log status Error) and were left out."
				).format(errored)
			)
		if not self.events:
			notes.append(_("No routed event was logged in this period."))
		if len(self.rows) > ROW_LIMIT:
			notes.append(
				_("{0} events are listed of {1}, those that change first.").format(ROW_LIMIT, len(self.rows))
			)
		notes.append(
			_(
				"Who would get each task is chosen from the period replayed: the teams, leave and round-robin "
				"cursors as they are now, each person's load as it was. Acknowledgement and completion are "
				"projected from each person's median times (the firm's for someone without any)."
			)
		)
		return _jsonable(
			{
				"ok": True,
				"problems": [],
				"from_date": options["from_date"],
				"to_date": options["to_date"],
				"now": self.now,
				"rules": {
					"considered": len(ruleset),
					"drafts": drafts,
					"without": sorted(left_out),
					"include_enabled": options["include_enabled"],
				},
				"events": {
					"logged": total,
					"replayed": self.events,
					"facts_from_log": self.events - self.rebuilt,
					"facts_rebuilt": self.rebuilt,
					"not_routed": self.not_routed,
					"errored": errored,
				},
				"assignments": {**self.counts, "unresolved": self.unresolved},
				"changed_events": sum(1 for r in self.rows if r["changed"]),
				"rows": rows,
				"rows_total": len(self.rows),
				"workload": workload,
				"risk": {**self.risk, "tasks": at_risk, "tasks_total": len(self.at_risk)},
				"notes": notes,
			}
		)


def _pair(happened: list[dict], draft: list[dict]) -> list[tuple[dict | None, dict | None]]:
	"""What happened and what the draft would do, paired: the same rule's same action (its routing key),
	then, within the event, the same task title; what is left was removed or added."""
	by_key = {d["key"]: d for d in draft}
	pairs: list[tuple[dict | None, dict | None]] = []
	left: list[dict] = []
	used: set[str] = set()
	for b in happened:
		a = by_key.get(b["key"])
		if a is not None and a["key"] not in used:
			used.add(a["key"])
			pairs.append((b, a))
		else:
			left.append(b)
	rest = [d for d in draft if d["key"] not in used]
	for b in left:
		title = str(b.get("title") or "").casefold()
		a = next((d for d in rest if title and str(d.get("title") or "").casefold() == title), None)
		if a is not None:
			rest.remove(a)
		pairs.append((b, a))
	pairs += [(None, a) for a in rest]
	return pairs


def _shown(item: dict) -> dict:
	return {k: item.get(k) for k in ("rule", "title", "assignee", "task", "why") if item.get(k) is not None}


def _jsonable(value: dict) -> dict:
	return json.loads(json.dumps(value, default=str))


# ------------------------------------------------------------------------------------------- text
def report(result: dict) -> str:
	"""The backtest as plain text, for the bench command."""
	if not result.get("ok"):
		return "\n".join(
			[_("The backtest could not run:"), *(f"  - {p['message']}" for p in result["problems"])]
		)
	events, counts, rules_used = result["events"], result["assignments"], result["rules"]
	lines = [
		_("Backtest of {0} to {1}: {2} events replayed. Nothing was written.").format(
			result["from_date"], result["to_date"], events["replayed"]
		),
		_("Rules: {0} considered; drafts: {1}; left out: {2}").format(
			rules_used["considered"],
			", ".join(rules_used["drafts"]) or "-",
			", ".join(rules_used["without"]) or "-",
		),
	]
	lines += [f"! {note}" for note in result["notes"]]
	lines += [
		"",
		_(
			"Assignments: {0} the same, {1} to someone else, {2} added, {3} removed; {4} actions unresolved"
		).format(counts["same"], counts["changed"], counts["added"], counts["removed"], counts["unresolved"]),
		"",
		_("Events that change ({0})").format(result["changed_events"]),
	]
	for row in result["rows"]:
		if not row["changed"]:
			continue
		lines.append(f"  {row['at']}  {row['event']}  {row['case'] or ''}  ({row['log']}, {row['facts']})")
		for pair in row["pairs"]:
			if pair["change"] != "same":
				lines.append(
					f"      {pair['title']}: {pair['before'] or '-'} -> {pair['after'] or '-'} ({pair['change']})"
				)
	lines += ["", _("Workload per person (tasks, hours): what happened -> the draft")]
	nobody = _("nobody (unroutable)")
	for w in result["workload"]:
		lines.append(
			f"  {w['user'] or nobody}: {w['happened_tasks']} ({w['happened_hours']}h) -> "
			f"{w['draft_tasks']} ({w['draft_hours']}h)"
		)
	before, after = result["risk"]["happened"], result["risk"]["draft"]
	lines += [
		"",
		_("Risk: what happened -> the draft (projected)"),
		"  " + _("acknowledgement missed: {0} -> {1}").format(before["ack_missed"], after["ack_missed"]),
		"  " + _("deadline missed: {0} -> {1}").format(before["deadline_missed"], after["deadline_missed"]),
		"  " + _("USCIS deadline missed: {0} -> {1}").format(before["uscis_missed"], after["uscis_missed"]),
	]
	for t in result["risk"]["tasks"]:
		what = ", ".join(
			label
			for label, on in (
				(_("acknowledgement"), t["ack_missed"]),
				(_("deadline"), t["deadline_missed"]),
				(_("USCIS deadline"), t["uscis_missed"]),
			)
			if on
		)
		lines.append(f"    {t['at']}  {t['title']} -> {t['assignee'] or '-'}: {what} ({t['basis']})")
	return "\n".join(lines)
