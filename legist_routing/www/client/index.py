"""/client: a client's own cases, each with its status in plain words."""

import frappe
from frappe import _

from legist_routing.services import portal

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/client"
		raise frappe.Redirect
	context.title = _("My cases")
	context.cases = portal.my_cases()
	context.no_breadcrumbs = True
	return context
