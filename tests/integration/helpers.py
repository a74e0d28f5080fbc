"""Builders shared by the integration tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import frappe
import pytest
from frappe.utils import add_days, getdate, nowdate

SAMPLE_RULE = {
	"ruleName": "RFE_Adjustment_Assign",
	"trigger": "document.received",
	"conditions": {"document.type": "RFE", "case.type": "Adjustment of Status", "case.priority": "standard"},
	"actions": [
		{"assign": "case.primaryParalegal", "dueInDays": 3},
		{"notify": "case.leadAttorney", "method": "inApp", "notifyWithinHours": 2},
		{"createTask": "Draft RFE Response", "templateId": "rfe_response_template"},
	],
	"escalation": {"ifNotAcknowledgedHours": 24, "escalateTo": "operations.manager"},
}


# The guide's RFE recipe, next step: a draft marked ready goes to attorney review.
DRAFT_READY_RULE = {
	"ruleName": "Draft_Ready_Review",
	"trigger": "task.status_changed",
	"conditions": {
		"task.template_id": "rfe_response_template",
		"task.status": {"changed": {"to": "Draft Ready"}},
	},
	"actions": [
		{"createTask": "Attorney Review: RFE Response", "templateId": "rfe_attorney_review_template"}
	],
}


def draft_task(case):
	"""The case's "Draft RFE Response" task, as a document."""
	return frappe.get_doc(
		"Case Task", next(t.name for t in tasks_of(case) if t.title == "Draft RFE Response")
	)


def guide_rule_text() -> str:
	"""The sample rule exactly as printed in the practice guide (tests/fixtures, checked against the guide)."""
	return (Path(__file__).resolve().parents[1] / "fixtures" / "guide_sample_rule.json").read_text()


def case_type(name: str) -> str:
	if not frappe.db.exists("Case Type", name):
		frappe.get_doc({"doctype": "Case Type", "case_type_name": name}).insert()
	return name


def make_case(people, type_name="Adjustment of Status", **kw):
	values = {
		"doctype": "Case",
		"case_title": kw.pop("case_title", f"{type_name} for Rosa Diaz"),
		"case_type": case_type(type_name),
		"priority": "Standard",
		"client_name": "Rosa Diaz",
		"preferred_language": "es",
		"lead_attorney": people["attorney"],
		"primary_paralegal": people["paralegal"],
		"secondary_owner": people["paralegal2"],
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def make_notice(case, notice_type="RFE", due_in_days=84, **kw):
	values = {
		"doctype": "Case Notice",
		"case": case.name,
		"notice_type": notice_type,
		"receipt_number": "IOE0912345678",
		"notice_date": nowdate(),
		"response_due_date": add_days(nowdate(), due_in_days),
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def days_before(deadline_in_days: int, before: int) -> dt.datetime:
	"""A due time ``before`` days ahead of a deadline ``deadline_in_days`` from today, at the firm's due
	hour, moved back to an open day of the firm's calendar (as the guide's review buffer is)."""
	from legist_routing.engine.calendar import is_open_day, previous_open_day
	from legist_routing.services import calendars

	day = getdate(add_days(nowdate(), deadline_in_days - before))
	cal = calendars.get_calendar()
	if not is_open_day(cal, day):
		day = previous_open_day(cal, day)
	return dt.datetime.combine(day, dt.time(17))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(task, filename="evidence.pdf"):
	return (
		frappe.get_doc(
			{
				"doctype": "File",
				"file_name": filename,
				"content": PDF,
				"is_private": 1,
				"attached_to_doctype": "Case Task",
				"attached_to_name": task.name,
			}
		)
		.insert(ignore_permissions=True)
		.file_url
	)


def finish_checklist(task):
	task.reload()
	for row in task.checklist:
		row.done = 1
		if row.attachment_required:
			row.attachment = attach(task, f"{frappe.scrub(row.item)[:30]}.pdf")
	task.save()
	return task


def email_text(raw: str) -> str:
	"""The decoded text of a queued e-mail's parts."""
	parsed = email.message_from_string(raw)
	return "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in parsed.walk()
		if part.get_content_maintype() == "text"
	)


def client(email: str, lang: str = "es") -> str:
	"""A portal client (a website user with the Legist Client role) speaking ``lang``."""
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0].title(),
				"user_type": "Website User",
				"language": lang,
				"send_welcome_email": 0,
			}
		).insert(ignore_permissions=True)
		user.add_roles("Legist Client")
	return email


def add_rule(data: dict):
	from legist_routing.services import rules

	return rules.import_rules(json.dumps(data))


def tasks_of(case) -> list:
	return frappe.get_all(
		"Case Task",
		filters={"case": case.name},
		fields=[
			"name",
			"title",
			"assigned_to",
			"due",
			"ack_due",
			"hard_deadline",
			"template",
			"kind",
			"status",
		],
		order_by="creation asc",
	)


def log_of(reference_name: str):
	name = frappe.db.get_value(
		"Routing Log", {"reference_name": reference_name}, "name", order_by="creation desc"
	)
	return frappe.get_doc("Routing Log", name) if name else None


def drain_queue_until(done, queue: str = "short", timeout: float = 30) -> str:
	"""Run a real RQ worker in burst mode on ``queue``, then wait until ``done()`` holds.

	Another worker of the same bench (a running ``bench start``) may take the job first, hence the wait.
	Returns the worker's output for assertion messages."""
	bench = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
	cmd = [sys.executable, "-m", "frappe.utils.bench_helper", "frappe", "--site", frappe.local.site]
	out = subprocess.run(
		[*cmd, "worker", "--queue", queue, "--burst"],
		cwd=f"{bench}/sites",
		capture_output=True,
		text=True,
		timeout=180,
	)
	assert out.returncode == 0, out.stderr
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		frappe.db.rollback()
		if done():
			break
		time.sleep(0.5)
	return out.stdout + out.stderr


@contextlib.contextmanager
def at(moment):
	"""The site's clock at ``moment`` (naive, in the site's time zone), as Frappe's own tests travel:
	freezegun, a Frappe dev dependency."""
	import pytz
	from frappe.utils import get_datetime, get_system_timezone
	from freezegun import freeze_time

	zone = pytz.timezone(get_system_timezone())
	with freeze_time(zone.localize(get_datetime(moment)).astimezone(pytz.utc)):
		yield


# -------------------------------------------------------------------------- the site served over HTTP
SERVE = Path(__file__).resolve().parents[2] / "scripts" / "serve-test-site.sh"


def free_port(variable: str, default: int) -> int:
	"""The port ``variable`` names (or ``default``) when it is free, else any free one; a port named in the
	environment that is taken fails the test rather than being replaced."""
	wanted = int(os.environ.get(variable, default))
	for port in (wanted, 0):
		with socket.socket() as s:
			try:
				s.bind(("127.0.0.1", port))
			except OSError:
				if variable in os.environ:
					pytest.fail(f"{variable}={wanted} is in use")
				continue
			return s.getsockname()[1]
	raise AssertionError("no free port")


class Served:
	"""The test site served by scripts/serve-test-site.sh (web server and worker) on ``port``; starting
	begins at once, ``ready()`` waits for it (so a module can seed meanwhile)."""

	def __init__(self, port: int):
		self.port, self.base = port, f"http://127.0.0.1:{port}"
		self._start = subprocess.Popen(
			["bash", str(SERVE), "start", frappe.local.site, str(port)],
			stdout=subprocess.PIPE,
			stderr=subprocess.STDOUT,
			text=True,
		)

	def ready(self) -> str:
		out, _ = self._start.communicate(timeout=240)
		if self._start.returncode != 0:
			pytest.fail(f"the site was not served on port {self.port}:\n{out}", pytrace=False)
		return self.base

	def stop(self):
		if self._start.poll() is None:
			self._start.kill()
		subprocess.run(["bash", str(SERVE), "stop", str(self.port)], capture_output=True, timeout=60)


@contextlib.contextmanager
def serving(variable: str, default: int, wait: bool = True):
	"""Serve the test site for a module on a free port (see ``free_port``), stopped at the end."""
	served = Served(free_port(variable, default))
	try:
		if wait:
			served.ready()
		yield served
	finally:
		served.stop()
