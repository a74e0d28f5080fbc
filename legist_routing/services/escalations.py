"""Escalations: each step of a task's ladder happens exactly once, on time, and visibly.

- Every open task carries ``next_escalation_at`` (indexed). The minute job ``sweep`` reads the due
  ones by that index — never a scan of every open task — and processes them on the RQ queue.
- A worker takes its batch in groups of ``GROUP`` tasks, one transaction per group: it locks the
  group's task rows (one ``SELECT … FOR UPDATE``), reads what they have done already (the ledger, after
  the lock), plans their steps with the pure engine, and writes one Escalation Event per (task, stage,
  deadline version) under a unique key, in the same transaction as the steps' effects. What the steps
  write is gathered and written together (``apply.Effects``, ``apply.flush``): a few multi-row
  statements and one commit per group instead of a dozen statements and a commit per task.
- Two sweeps at once serialise on the row locks and the second finds the steps done; a worker that dies
  mid-way leaves nothing of its group committed, so the re-run does each step once.
- One task that fails is rolled back alone (a savepoint, when its steps wrote at once) and logged; the
  others' steps stand. When the group's own writes fail (a deadlock, a refused ledger key) nothing of it
  happened: a deadlock retries the group, anything else runs its tasks again one transaction each.
- After an outage, overdue steps run in order and overdue reminders collapse into one.
"""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from legist_routing.engine import escalation as E
from legist_routing.services import apply, calendars, escalation_policy, journal, settings

DEADLOCK_RETRIES = 3
# The minute sweep's read: an index seek on next_escalation_at (the test EXPLAINs this very statement).
DUE_SQL = """select name from `tabCase Task`
	where next_escalation_at is not null and next_escalation_at <= %s
	order by next_escalation_at limit %s"""
MIN_BATCH, MAX_BATCH = 50, 250
# Tasks per transaction inside a batch: their writes go in a few multi-row statements and one commit.
GROUP = 50
TASK_SAVEPOINT = "legist_escalation_task"


# ----------------------------------------------------------------------------------------- sweep
def batch_size(due: int) -> int:
	"""Tasks per RQ job for a backlog of ``due`` tasks."""
	return min(MAX_BATCH, max(MIN_BATCH, -(-due // 4)))


def sweep(now=None, enqueue: bool = True, batch: int | None = None, limit: int = 5000) -> list[str]:
	"""The minute job: due tasks by index, processed in batches on the RQ queue.

	Each RQ job starts a fresh process (about 0.75 s of imports and caches), so a backlog is cut into a
	few large batches — four, enough for a few workers to share — rather than many small ones."""
	given = now is not None
	now = now or now_datetime()
	names = frappe.db.sql_list(DUE_SQL, (now, limit))
	if enqueue and frappe.db.exists("Escalation Event", {"email_pending": 1}):
		# Left behind by a worker that stopped between its steps and its e-mails.
		frappe.enqueue(
			"legist_routing.services.escalations.flush_outbox", queue="short", enqueue_after_commit=True
		)
	batch = batch or batch_size(len(names))
	for i in range(0, len(names), batch):
		chunk = names[i : i + batch]
		if enqueue:
			frappe.enqueue(
				"legist_routing.services.escalations.process",
				queue="short",
				names=chunk,
				# not "now": frappe.enqueue would take that as "run synchronously"
				at=now if given else None,
				enqueue_after_commit=True,
			)
		else:
			process(chunk, now, commit=False)
	return names


def process(names: list[str], at=None, commit: bool = True) -> dict:
	"""A worker's batch, ``GROUP`` tasks per transaction; one failure never stops the rest.

	``at`` is the sweep's clock (default: now); ``commit=False`` runs inside the caller's transaction
	(a savepoint per group), for inline use.
	"""
	counts = {"steps": 0, "tasks": 0, "errors": 0, "retries": 0}
	if commit:
		# A fresh transaction: the first group's reads must see everything committed before its locks.
		frappe.db.commit()  # nosemgrep: a background job owns its transactions
	for i in range(0, len(names), GROUP):
		_process_group(names[i : i + GROUP], at, commit, counts)
	try:
		counts["emails"] = flush_outbox(commit=commit)
	except frappe.QueryDeadlockError:
		frappe.db.rollback()  # the e-mails stay pending; the next flush (or sweep) sends them
		counts["emails"] = 0
	return counts


def _process_group(names: list[str], at, commit: bool, counts: dict):
	"""One group in one transaction; when its writes fail, its tasks one transaction each."""
	for attempt in range(DEADLOCK_RETRIES + 1):
		if not commit:
			frappe.db.savepoint("legist_escalation")
		try:
			done = _run(names, at)
			if commit:
				frappe.db.commit()  # nosemgrep: a background job owns its transactions, one per group
			for key, value in done.items():
				counts[key] += value
			return
		except frappe.QueryDeadlockError:
			# The database rolled the group's transaction back whole: nothing of it happened, so running
			# it again cannot do a step twice.
			frappe.db.rollback()
			if commit and attempt < DEADLOCK_RETRIES:
				counts["retries"] += 1
				continue
			if not commit or len(names) == 1:
				counts["errors"] += len(names)
				frappe.log_error(title=f"Escalation failed for {', '.join(names)}"[:140])
				return
			break
		except Exception:
			if commit:
				frappe.db.rollback()
			else:
				frappe.db.rollback(save_point="legist_escalation")
			if len(names) == 1:
				counts["errors"] += 1
				frappe.log_error(title=f"Escalation failed for {names[0]}")
				return
			break
	# The group's own writes failed (or kept deadlocking): nothing of it stands. Each task again, alone.
	for name in names:
		_process_group([name], at, commit, counts)


def flush_outbox(commit: bool = True, limit: int = 5000) -> int:
	"""Send the escalation e-mails waiting in the ledger: one e-mail per person, listing each step.

	The rows are locked (other workers skip them) and cleared in the transaction that queues the
	e-mails, so a worker that dies before its commit leaves them for the next flush: nothing is sent
	twice, nothing is lost.
	"""
	rows = journal.pending_emails(limit)
	if not rows:
		return 0
	sent = apply.send_outbox(rows)
	if commit:
		frappe.db.commit()  # nosemgrep: a background job owns its transaction
	return sent


def process_task(name: str, now=None) -> int:
	"""Run the due steps of one task, exactly once each, in the caller's transaction. Returns how many
	steps ran; raises when they could not (nothing of them is then written)."""
	done = _run([name], now, strict=True)
	return done["steps"]


def _run(names: list[str], now=None, strict: bool = False) -> dict:
	"""The due steps of ``names`` (locked here, in the caller's transaction), written by one flush.

	A task that fails is logged and left out (its immediate writes rolled back to its savepoint), unless
	``strict``: then it raises."""
	done_counts = {"steps": 0, "tasks": 0, "errors": 0}
	rows = frappe.db.sql(
		"select * from `tabCase Task` where name in %(names)s order by name for update",
		{"names": tuple(names)},
		as_dict=True,
	)
	done_counts["tasks"] += len(names) - len(rows)  # gone meanwhile: nothing to do
	if not rows:
		return done_counts
	# After the lock: a sweep that waited for another sees the steps that one committed.
	done = journal.done_steps_of([r.name for r in rows])
	now = now or now_datetime()
	cal = calendars.get_calendar()
	wall = calendars.to_calendar(now, cal)
	assert wall is not None
	memo: dict = {}
	fx = apply.Effects()
	for row in rows:
		mark, immediate = fx.mark(), False
		try:
			# The row as read under the lock is the document; a reminder needs nothing more.
			task = frappe.get_doc({"doctype": "Case Task", **row})
			policy = escalation_policy.policy_for(task, memo)
			if policy is None or task.status in settings.CLOSED:
				fx.next_at[task.name] = None
				done_counts["tasks"] += 1
				continue
			task_done = done[task.name]
			steps = E.due_steps(policy, escalation_policy.clock_for(task, cal), cal, wall, task_done)
			# A reminder only gathers into fx; a reassignment or an escalation writes at once, so that task
			# gets a savepoint of its own, and the whole document (checklist included).
			immediate = any(step.action != "remind" for step in steps)
			if immediate:
				frappe.db.savepoint(TASK_SAVEPOINT)
				task = frappe.get_doc("Case Task", task.name)
			stages = {s.key: s for s in policy.stages}
			for step in steps:
				apply.run_step(task, stages[step.stage], step, now, cal, fx, policy)
				task_done.update(step.ledger_keys)
				if step.action != "remind":  # a reminder changes nothing on the task itself
					task.reload()
			fx.next_at[task.name] = escalation_policy.next_at(task, task_done, memo)
			done_counts["steps"] += len(steps)
			done_counts["tasks"] += 1
		except frappe.QueryDeadlockError:
			raise  # the database rolled everything back: the caller retries
		except Exception:
			if strict:
				raise
			if immediate:
				frappe.db.rollback(save_point=TASK_SAVEPOINT)
			fx.discard(mark, row.name)
			done_counts["errors"] += 1
			frappe.log_error(title=f"Escalation failed for {row.name}")
	apply.flush(fx, loaded={r.name: r.next_escalation_at for r in rows})
	return done_counts
