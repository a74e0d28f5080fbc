"""Deadline kinds as data, on the real site: the firm adds a notice kind (period, mailing days, authority)
without code; the shipped kinds, 8 CFR 205.2(d) among them, are seeded once and a firm's edit survives."""

from __future__ import annotations

import frappe
import pytest
from frappe.utils import getdate
from helpers import make_case, make_notice

from legist_routing.engine.deadlines import SHIPPED_KINDS
from legist_routing.services import deadline_kinds

KIND = "Notice Deadline Kind"


def kind(**values):
	return frappe.get_doc({"doctype": KIND, "mail_days": 3, **values}).insert()


def notice(people, notice_type="RFE", notice_date="2026-08-03", **kw):
	"""A notice with no printed response date: its deadline is computed from its kind."""
	return make_notice(make_case(people), notice_type, notice_date=notice_date, response_due_date=None, **kw)


def test_the_shipped_kinds_are_on_the_site_with_205_2_d():
	rows = {r.name: r for r in frappe.get_all(KIND, fields=["*"])}
	assert {k.name for k in SHIPPED_KINDS} <= set(rows)
	appeal = rows["Revocation Appeal"]
	assert (appeal.period_days, appeal.mail_days, appeal.authority, appeal.enabled) == (
		15,
		3,
		"8 CFR 205.2(d)",
		1,
	)
	assert (rows["RFE on Form I-539"].notice_type, rows["RFE on Form I-539"].form_type) == ("RFE", "I-539")


def test_the_kinds_notice_types_are_the_case_notices():
	kinds = frappe.get_meta(KIND).get_field("notice_type").options.split("\n")
	notices = frappe.get_meta("Case Notice").get_field("notice_type").options.split("\n")
	assert kinds == ["", *notices]


# ------------------------------------------------------------------------------ the firm adds kinds
def test_a_kind_the_firm_adds_computes_its_deadline(people):
	frappe.set_user(people["manager"])  # a Legist Manager configures kinds from the desk
	kind(
		kind_name="Interview Follow-up",
		notice_type="Interview",
		period_days=10,
		mail_days=0,
		authority="Firm policy FP-7",
		purpose="to send the officer the documents asked for at the interview",
	)
	frappe.set_user("Administrator")
	interview = notice(people, "Interview", mailed=1)
	assert getdate(interview.response_due_date) == getdate("2026-08-13")  # 10 days, nothing for mail
	assert interview.deadline_computed
	assert interview.deadline_basis == (
		"Interview Follow-up: 10 days from the notice date to send the officer the documents asked for at"
		" the interview (Firm policy FP-7)"
	)


def test_a_firm_kind_for_a_form_wins_over_the_notice_types_kind(people):
	kind(
		kind_name="RFE on Form I-129",
		notice_type="RFE",
		form_type="form i129",
		period_days=60,
		authority="Firm",
	)
	assert frappe.db.get_value(KIND, "RFE on Form I-129", "form_type") == "I-129"  # stored as USCIS writes it
	on_i129 = notice(people, form_type="I-129", mailed=1)
	assert getdate(on_i129.response_due_date) == getdate("2026-10-05")  # 60 + 3 mailed, a Monday
	assert on_i129.deadline_basis.startswith("RFE on Form I-129: 60 days from the notice date (Firm)")
	assert "+ 3 days mailed (8 CFR 103.8(b))" in on_i129.deadline_basis
	on_i485 = notice(people, form_type="I-485")
	assert getdate(on_i485.response_due_date) == getdate("2026-10-26")  # the RFE kind: 84 days


def test_a_notice_names_its_kind(people):
	kind(kind_name="Motion to Reopen", period_days=30, mail_days=3, authority="8 CFR 103.5(a)(1)(i)")
	other = notice(people, "Other", deadline_kind="Motion to Reopen")
	assert getdate(other.response_due_date) == getdate("2026-09-02")
	assert other.deadline_basis == "Motion to Reopen: 30 days from the notice date (8 CFR 103.5(a)(1)(i))"
	assert notice(people, "Other").response_due_date is None  # no kind for "Other" by itself


def test_staff_read_kinds_but_only_managers_change_them(people):
	frappe.set_user(people["paralegal"])
	assert frappe.has_permission(KIND, "read")
	with pytest.raises(frappe.PermissionError):
		kind(kind_name="Paralegal's Kind", notice_type="Transfer", period_days=5, authority="none")
	frappe.set_user(people["attorney"])
	assert not frappe.has_permission(KIND, "write", doc="RFE")


# ------------------------------------------------------------------------------------ 8 CFR 205.2(d)
def test_the_shipped_revocation_appeal_is_15_days_or_18_mailed(people):
	served = notice(people, "Decision", deadline_kind="Revocation Appeal")
	mailed = notice(people, "Decision", deadline_kind="Revocation Appeal", mailed=1)
	assert getdate(served.response_due_date) == getdate("2026-08-18")  # Tuesday, 15 days
	assert getdate(mailed.response_due_date) == getdate("2026-08-21")  # Friday, 18 days
	assert getdate(mailed.legal_deadline) == getdate("2026-08-21")
	assert "(8 CFR 205.2(d))" in served.deadline_basis and "mailed" not in served.deadline_basis
	assert mailed.deadline_basis.endswith("(8 CFR 205.2(d)) + 3 days mailed (8 CFR 103.8(b))")
	# The same notice without the kind is an ordinary decision: 30 days to appeal or move on Form I-290B.
	decision = notice(people, "Decision")
	assert getdate(decision.response_due_date) == getdate("2026-09-02")
	assert "I-290B" in decision.deadline_basis


def test_changing_a_notices_kind_recomputes_its_deadline(people):
	doc = notice(people, "Decision")
	doc.deadline_kind = "Revocation Appeal"
	doc.save()
	assert getdate(doc.response_due_date) == getdate("2026-08-18")
	doc.deadline_kind = None
	doc.save()
	assert getdate(doc.response_due_date) == getdate("2026-09-02")


# --------------------------------------------------------------------------------------- seeding
def _snapshot():
	return {r.name: r for r in frappe.get_all(KIND, fields=["*"])}


def test_seeding_again_changes_nothing_and_keeps_an_edited_period(people):
	assert getdate(notice(people).response_due_date) == getdate("2026-10-26")  # 84 days, kinds now cached
	rfe = frappe.get_doc(KIND, "RFE")
	rfe.period_days = 90
	rfe.authority = "Firm policy: 90 days"
	rfe.save()
	before = _snapshot()
	deadline_kinds.ensure_shipped()
	deadline_kinds.ensure_shipped()
	assert _snapshot() == before  # same rows, same values, same modified times
	assert frappe.db.get_value(KIND, "RFE", ["period_days", "authority"]) == (90, "Firm policy: 90 days")
	edited = notice(people)  # the same request: the cached kinds were dropped when RFE was saved
	assert getdate(edited.response_due_date) == getdate("2026-11-01")
	assert edited.deadline_basis.startswith("RFE: 90 days from the notice date (Firm policy: 90 days)")


def test_seeding_creates_a_missing_kind_and_never_one_that_competes_with_the_firms(people):
	frappe.db.delete(KIND, {"name": ["in", ["Revocation Appeal", "RFE"]]})
	kind(kind_name="Request for Evidence", notice_type="RFE", period_days=87, authority="Firm")
	deadline_kinds.ensure_shipped()
	appeal = frappe.get_doc(KIND, "Revocation Appeal")
	assert (appeal.period_days, appeal.mail_days, appeal.authority, appeal.enabled) == (
		15,
		3,
		"8 CFR 205.2(d)",
		1,
	)
	# The shipped RFE kind comes back, but disabled: the firm's own RFE kind stays the one notices get.
	assert frappe.db.get_value(KIND, "RFE", "enabled") == 0
	assert notice(people).deadline_basis.startswith("Request for Evidence: 87 days")


def test_a_shipped_kind_is_disabled_not_deleted():
	with pytest.raises(frappe.ValidationError, match="untick Enabled"):
		frappe.delete_doc(KIND, "Revocation Appeal")
	firm = kind(kind_name="Firm Kind", period_days=5, authority="Firm")
	frappe.delete_doc(KIND, firm.name)
	assert not frappe.db.exists(KIND, "Firm Kind")


# ------------------------------------------------------------------------------------ validation
def test_two_kinds_for_the_same_notices_are_refused_with_the_fix():
	with pytest.raises(frappe.ValidationError, match="Notice Type: the enabled kind 'NOID' already applies"):
		kind(kind_name="NOID again", notice_type="NOID", period_days=45, authority="Firm")
	with pytest.raises(frappe.ValidationError, match="notices on Form I-539"):
		kind(kind_name="I-539 RFE", notice_type="RFE", form_type="I539", period_days=45, authority="Firm")
	# Disabled, or for another form, it is no clash.
	kind(kind_name="NOID again", notice_type="NOID", period_days=45, authority="Firm", enabled=0)
	kind(kind_name="NOID on Form I-140", notice_type="NOID", form_type="I-140", period_days=45, authority="x")


def test_a_period_of_no_days_is_refused_naming_the_field():
	with pytest.raises(frappe.ValidationError, match=r"Period \(Days\)"):
		kind(kind_name="Nothing", notice_type="Transfer", period_days=0, authority="Firm")


def test_a_disabled_kind_is_refused_on_a_notice_and_old_notices_keep_their_dates(people):
	old = notice(people, "Decision", deadline_kind="Revocation Appeal")
	frappe.db.set_value(KIND, "Revocation Appeal", "enabled", 0)
	deadline_kinds.clear()
	with pytest.raises(frappe.ValidationError, match="Deadline Kind: 'Revocation Appeal' is disabled"):
		notice(people, "Decision", deadline_kind="Revocation Appeal")
	old.reload()
	old.notes = "Client called."
	old.save()  # nothing the deadline depends on changed: its dates stay
	assert getdate(old.response_due_date) == getdate("2026-08-18")
	old.mailed = 1
	with pytest.raises(frappe.ValidationError, match="clear the field"):
		old.save()
