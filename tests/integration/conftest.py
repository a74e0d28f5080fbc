"""Open the real test site (created fresh by scripts/test.sh) for the integration suite.

Each test runs in its own transaction, rolled back afterwards; the people of the firm are created once
and committed.
"""

from __future__ import annotations

import os

import pytest

frappe = pytest.importorskip("frappe", reason="the integration suite runs in the bench's Python")

from legist_routing.services import install, rules  # noqa: E402

BENCH = os.environ.get("LEGIST_BENCH", os.path.expanduser("~/legist-bench"))
SITE = os.environ.get("LEGIST_TEST_SITE", "legist-test.localhost")

PEOPLE = {
	"paralegal": ("ana.paralegal@firm.test", "Ana", ["Legist Paralegal"]),
	"paralegal2": ("luis.paralegal@firm.test", "Luis", ["Legist Paralegal"]),
	"attorney": ("maria.attorney@firm.test", "Maria", ["Legist Attorney"]),
	"manager": ("olga.ops@firm.test", "Olga", ["Legist Manager"]),
}


def pytest_collection_modifyitems(items):
	if not os.path.isdir(os.path.join(BENCH, "sites", SITE)):
		raise pytest.UsageError(f"site {SITE} not found in {BENCH}: run the suite through scripts/test.sh")


@pytest.fixture(scope="session", autouse=True)
def site():
	cwd = os.getcwd()
	os.chdir(os.path.join(BENCH, "sites"))
	frappe.init(site=SITE, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	# Frappe refuses a 61st new user within an hour (throttle_user_limit); the suite makes many more.
	# This test process only: the site's configuration is untouched.
	frappe.local.conf.throttle_user_limit = 10**6
	for email, first, roles in PEOPLE.values():
		if not frappe.db.exists("User", email):
			user = frappe.get_doc(
				{"doctype": "User", "email": email, "first_name": first, "send_welcome_email": 0}
			).insert(ignore_permissions=True)
			user.add_roles(*roles)
	settings = frappe.get_single("Routing Settings")
	settings.operations_manager = PEOPLE["manager"][0]
	settings.save()
	# The recipes' rules ship enabled; each test names the rules it routes with (the `recipes` fixture
	# turns the shipped ones back on inside its transaction). The portal's rule stays on for the portal's.
	frappe.db.sql(
		"update `tabRouting Rule` set enabled = 0 where name in %(names)s",
		{
			"names": tuple(
				r["ruleName"] for r in install.recipe_rules() if r["ruleName"] != "Portal_Upload_Review"
			)
		},
	)
	rules.bump()
	frappe.db.commit()
	yield
	frappe.destroy()
	os.chdir(cwd)


@pytest.fixture(autouse=True)
def transaction():
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	if hasattr(frappe.local, "request_cache"):  # Routing Settings and calendars, read once per request
		frappe.local.request_cache.clear()
	# who is on which case, kept in Redis: the rolled-back rows must not be remembered
	frappe.cache.delete_keys("legist_routing:visible_cases:")
	frappe.set_user("Administrator")


@pytest.fixture
def recipes():
	"""The shipped recipe rules, enabled for this test only (rolled back with it)."""
	names = [r["ruleName"] for r in install.recipe_rules()]
	frappe.db.sql("update `tabRouting Rule` set enabled = 1 where name in %(names)s", {"names": tuple(names)})
	rules.bump()
	return names


@pytest.fixture
def people():
	return {k: v[0] for k, v in PEOPLE.items()}


@pytest.fixture
def jobs_inline():
	"""Run the alerts routing enqueues in-process, as Frappe does in its own tests (``frappe.flags.in_test``).

	The real path, a worker after commit, is covered by test_rfe_flow.test_alert_is_delivered_by_a_worker.
	"""
	frappe.flags.in_test = True
	yield
	frappe.flags.in_test = False
