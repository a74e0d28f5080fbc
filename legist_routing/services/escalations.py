"""Escalations: each step of a task's ladder happens exactly once, on time, and visibly.

- Every open task carries ``next_escalation_at`` (indexed). The minute job ``sweep`` reads the due
  ones by that index — never a scan of every open task — and processes them on the RQ queue.
- ``process_task`` locks the task row (``SELECT … FOR UPDATE``), plans its steps with the pure engine,
  and writes one Escalation Event per (task, stage, deadline version) under a unique key, in the same
  transaction as the step's effects. Two sweeps at once serialise on the lock and the second finds
  the step done; a worker that dies mid-way leaves nothing committed, so the re-run does it once.
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
	"""A worker's batch: each task in its own transaction; one failure never stops the rest.

	``at`` is the sweep's clock (default: now); ``commit=False`` runs inside the caller's transaction
	(a savepoint per task), for inline use.
	"""
	now = at
	counts = {"steps": 0, "tasks": 0, "errors": 0, "retries": 0}
	for name in names:
		for attempt in range(DEADLOCK_RETRIES + 1):
			if not commit:
				frappe.db.savepoint("legist_escalation")
			try:
				counts["steps"] += process_task(name, now)
				counts["tasks"] += 1
				if commit:
					frappe.db.commit()  # nosemgrep: a background job owns its transactions, one per task
				break
			except frappe.QueryDeadlockError:
				# The database rolled the task's transaction back whole: nothing of it happened, so
				# running it again cannot do a step twice.
				frappe.db.rollback()
				if commit and attempt < DEADLOCK_RETRIES:
					counts["retries"] += 1
					continue
				counts["errors"] += 1
				frappe.log_error(title=f"Escalation failed for {name}")
				break
			except Exception:
				if commit:
					frappe.db.rollback()
				else:
					frappe.db.rollback(save_point="legist_escalation")
				counts["errors"] += 1
				frappe.log_error(title=f"Escalation failed for {name}")
				break
	try:
		counts["emails"] = flush_outbox(commit=commit)
	except frappe.QueryDeadlockError:
		frappe.db.rollback()  # the e-mails stay pending; the next flush (or sweep) sends them
		counts["emails"] = 0
	return counts


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
	"""Run the due steps of one task, exactly once each. Returns how many steps ran."""
	if not frappe.db.get_value("Case Task", name, "name", for_update=True):
		return 0
	task = frappe.get_doc("Case Task", name)
	policy = escalation_policy.policy_for(task)
	if policy is None or task.status in settings.CLOSED:
		apply.set_next_escalation(name, None)
		return 0
	now = now or now_datetime()
	cal = calendars.get_calendar()
	done = journal.done_steps(name)
	wall = calendars.to_calendar(now, cal)
	assert wall is not None
	steps = E.due_steps(policy, escalation_policy.clock_for(task, cal), cal, wall, done)
	stages = {s.key: s for s in policy.stages}
	for step in steps:
		apply.run_step(task, stages[step.stage], step, now, cal)
		done.update(step.ledger_keys)
		if step.action != "remind":  # a reminder changes nothing on the task itself
			task.reload()
	apply.set_next_escalation(name, escalation_policy.next_at(task, done))
	return len(steps)
