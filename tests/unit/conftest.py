"""Shared fixtures for the engine's unit tests (plain pytest, no Frappe)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from legist_routing.engine.decide import Context, Event, Template

# The practice guide's sample rule, byte for byte as printed (tests/unit/test_rules.py checks it against
# the guide itself).
GUIDE_RULE_TEXT = (Path(__file__).parents[1] / "fixtures" / "guide_sample_rule.json").read_text()

NOW = dt.datetime(2026, 6, 2, 9, 30)

RFE_TEMPLATE = Template(
	name="Draft RFE Response",
	template_id="rfe_response_template",
	default_slot="case.primary_paralegal",
	estimated_hours=6,
	ack_sla_hours=4,
	due_anchor="Response Deadline",
	due_offset_days=7,
	checklist=(
		("Confirm RFE receipt date and deadline.", True, False),
		("Attorney review and approve content.", True, True),
	),
)


@pytest.fixture
def guide_rule_text() -> str:
	return GUIDE_RULE_TEXT


@pytest.fixture
def guide_rule() -> dict:
	return json.loads(GUIDE_RULE_TEXT)


@pytest.fixture
def now() -> dt.datetime:
	return NOW


@pytest.fixture
def rfe_template() -> Template:
	return RFE_TEMPLATE


@pytest.fixture
def ctx() -> Context:
	return Context(
		now=NOW, templates={"rfe_response_template": RFE_TEMPLATE, "Draft RFE Response": RFE_TEMPLATE}
	)


@pytest.fixture
def rfe_event() -> Event:
	return Event(
		"document.received", "document.received:CASE-0001:RFE", "CASE-0001", "Case Notice", "NOTICE-0001"
	)


@pytest.fixture
def rfe_facts() -> dict:
	"""An Adjustment of Status case that just received an RFE due on 20 August 2026."""
	return copy.deepcopy(
		{
			"case.name": "CASE-0001",
			"case.case_title": "Garcia - Adjustment of Status",
			"case.case_type": "Adjustment of Status",
			"case.priority": "Standard",
			"case.status": "RFE Received",
			"case.lead_attorney": "attorney@firm.test",
			"case.primary_paralegal": "paralegal@firm.test",
			"case.secondary_owner": "backup@firm.test",
			"case.intake_specialist": "intake@firm.test",
			"case.next_uscis_deadline": dt.date(2026, 9, 1),
			"document.name": "NOTICE-0001",
			"document.notice_type": "RFE",
			"document.receipt_number": "IOE0912345678",
			"document.notice_date": dt.date(2026, 5, 28),
			"document.received_date": dt.date(2026, 6, 1),
			"document.response_due_date": dt.date(2026, 8, 20),
			"operations.manager": "ops@firm.test",
		}
	)
