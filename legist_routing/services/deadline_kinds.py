"""Notice Deadline Kinds: the firm's response periods as the engine's DeadlineKind values, their
validation, and the shipped kinds seeded on install and migrate.

Bottom layer: imports nothing of ours but the engine.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils.caching import request_cache

from legist_routing.engine import deadlines as D

DOCTYPE = "Notice Deadline Kind"
FIELDS = ("name", "notice_type", "form_type", "period_days", "mail_days", "authority", "purpose")


def _kind(row) -> D.DeadlineKind:
	return D.DeadlineKind(
		name=row.name,
		period_days=int(row.period_days or 0),
		authority=row.authority or "",
		notice_type=row.notice_type or None,
		form_type=row.form_type or None,
		mail_days=int(row.mail_days or 0),
		purpose=row.purpose or "",
	)


@request_cache  # one query per request, however many notices it saves
def enabled() -> tuple[D.DeadlineKind, ...]:
	"""The enabled kinds, in name order."""
	rows = frappe.get_all(DOCTYPE, filters={"enabled": 1}, fields=list(FIELDS), order_by="name asc")
	return tuple(_kind(row) for row in rows)


def clear(doc=None, method=None):
	"""Forget the request's copy (a kind was saved or deleted)."""
	cache = getattr(frappe.local, "request_cache", None)
	if cache is not None:
		cache.pop(enabled.__wrapped__, None)


def chosen(name: str | None) -> D.DeadlineKind | None:
	"""The enabled kind named ``name``, or ``None`` (no name, or the kind is disabled or gone)."""
	return next((kind for kind in enabled() if kind.name == name), None) if name else None


def refuse_disabled(name: str):
	frappe.throw(
		_(
			"Deadline Kind: '{0}' is disabled. Choose an enabled kind, or clear the field to use the kind of the notice type."
		).format(name),
		title=_("Disabled deadline kind"),
	)


def validate_kind(doc):
	doc.kind_name = (doc.kind_name or "").strip()
	doc.authority = (doc.authority or "").strip()
	doc.form_type = D.normalise_form(doc.form_type) if doc.notice_type else None
	if (doc.period_days or 0) < 1:
		frappe.throw(
			_("Period (Days): enter the number of days the notice allows for a response, 1 or more."),
			title=_("Invalid deadline kind"),
		)
	if (doc.mail_days or 0) < 0:
		frappe.throw(
			_("Mailing Days must be 0 or more (8 CFR 103.8(b) adds 3)."), title=_("Invalid deadline kind")
		)
	if not doc.enabled or not doc.notice_type:
		return
	others = frappe.get_all(
		DOCTYPE,
		filters={"enabled": 1, "notice_type": doc.notice_type, "name": ["!=", doc.name or ""]},
		fields=list(FIELDS),
	)
	clash = D.clashing_kind(_kind(frappe._dict(doc.as_dict())), [_kind(row) for row in others])
	if clash is None:
		return
	if doc.form_type:
		text = _(
			"Notice Type and Form: the enabled kind '{0}' already applies to {1} notices on Form {2}. Give this kind another Form, leave its Notice Type empty (used only when a notice names it), or disable one of the two."
		).format(clash.name, _(doc.notice_type), doc.form_type)
	else:
		text = _(
			"Notice Type: the enabled kind '{0}' already applies to {1} notices. Give this kind a Form, leave its Notice Type empty (used only when a notice names it), or disable one of the two."
		).format(clash.name, _(doc.notice_type))
	frappe.throw(text, title=_("Two kinds for the same notices"))


def on_trash(doc):
	"""A shipped kind would come back on the next migrate: the firm disables it instead."""
	if doc.name in {kind.name for kind in D.SHIPPED_KINDS}:
		frappe.throw(
			_(
				"'{0}' is shipped with the app and would come back on the next update: untick Enabled instead of deleting it."
			).format(doc.name),
			title=_("Shipped deadline kind"),
		)
	clear()


# ------------------------------------------------------------------------------ install and migrate
def ensure_shipped():
	"""The shipped kinds (engine.deadlines.SHIPPED_KINDS), each created once by name: a firm's edit of a
	shipped kind is never overwritten. A shipped kind that would apply to the same notices as an enabled
	kind of the firm's own is created disabled, so the firm's stays in charge."""
	existing = set(frappe.get_all(DOCTYPE, pluck="name"))
	missing = [kind for kind in D.SHIPPED_KINDS if kind.name not in existing]
	if not missing:
		return
	current = [_kind(row) for row in frappe.get_all(DOCTYPE, filters={"enabled": 1}, fields=list(FIELDS))]
	for kind in missing:
		clash = D.clashing_kind(kind, current)
		frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"kind_name": kind.name,
				"enabled": 0 if clash else 1,
				"notice_type": kind.notice_type,
				"form_type": kind.form_type,
				"period_days": kind.period_days,
				"mail_days": kind.mail_days,
				"authority": kind.authority,
				"purpose": kind.purpose,
			}
		).insert(ignore_permissions=True)
		if not clash:
			current.append(kind)
	clear()
