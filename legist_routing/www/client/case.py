"""/client/case?name=CASE-…: one of the client's own cases (anyone else's is "not found")."""

import frappe
from frappe import _

from legist_routing.services import portal

no_cache = 1


def get_context(context):
	name = frappe.form_dict.get("name")
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=" + frappe.utils.quote(
			f"/client/case?name={name or ''}"
		)
		raise frappe.Redirect
	context.update(portal.case_view(name))
	context.title = context.case["title"]
	context.parents = [{"route": "/client", "title": _("My cases")}]
	context.csrf_token = frappe.sessions.get_csrf_token()
	return context
