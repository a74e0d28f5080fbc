app_name = "legist_routing"
app_title = "Legist Routing"
app_publisher = "legist_routing developers"
app_description = (
	"Routes immigration case work between paralegals and attorneys, with SLAs, escalations and an audit trail"
)
app_email = "dev@legist-routing.invalid"
app_license = "MIT"

export_python_type_annotations = True

# Seeders: idempotent, safe on every install and migrate.
before_install = "legist_routing.services.install.before_install"
after_install = "legist_routing.services.install.after_install"
after_migrate = "legist_routing.services.install.after_migrate"

# Roles, shipped as filtered fixtures (never an unfiltered export).
fixtures = [
	{
		"dt": "Role",
		"filters": [
			[
				"role_name",
				"in",
				["Legist Manager", "Legist Attorney", "Legist Paralegal", "Legist Intake", "Legist Client"],
			]
		],
	}
]

# Record-level access: one module, services/permissions.py.
_PERMISSION_DOCTYPES = (
	"Case",
	"Case Task",
	"Case Notice",
	"Case Task Checklist Item",
	"Client Request",
	"Client Message",
	"Routing Log",
	"Escalation Event",
	"Comment",
	"File",
	"Version",
)
permission_query_conditions = {
	dt: "legist_routing.services.permissions.query_conditions" for dt in _PERMISSION_DOCTYPES
}
has_permission = {
	dt: "legist_routing.services.permissions.has_permission"
	for dt in _PERMISSION_DOCTYPES
	if dt != "Case Task Checklist Item"  # a child: Frappe checks its parent
}
# Core read methods that, in Frappe 15, read without the hooks above.
override_whitelisted_methods = {
	"frappe.client.get_count": "legist_routing.services.permissions.get_count",
	"frappe.desk.listview.get_group_by_count": "legist_routing.services.permissions.get_group_by_count",
	"frappe.desk.search.search_link": "legist_routing.services.permissions.search_link",
	"frappe.desk.search.search_widget": "legist_routing.services.permissions.search_widget",
	"frappe.desk.search.get_link_title": "legist_routing.services.permissions.get_link_title",
	"frappe.client.validate_link": "legist_routing.services.permissions.validate_link",
	"frappe.utils.global_search.search": "legist_routing.services.permissions.global_search",
	"frappe.desk.form.document_follow.follow_document": "legist_routing.services.permissions.follow_document",
}

doc_events = {
	"Case": {
		"after_insert": "legist_routing.services.events.on_case_insert",
		"on_update": [
			"legist_routing.services.events.on_case_update",
			"legist_routing.services.permissions.case_people_changed",
		],
		"on_trash": "legist_routing.services.permissions.case_people_changed",
	},
	"Case Notice": {
		"after_insert": [
			"legist_routing.services.notices.refresh_case_deadline",
			"legist_routing.services.events.on_notice_insert",
		],
		"on_update": "legist_routing.services.notices.refresh_case_deadline",
	},
	"Case Task": {
		"on_update": "legist_routing.services.events.on_task_update",
	},
	"ToDo": {
		"validate": "legist_routing.services.permissions.guard_task_assignment",
		# on_update runs for inserts too
		"on_update": "legist_routing.services.tasks.sync_assignee",
	},
	"Comment": {
		"validate": "legist_routing.services.permissions.guard_audit_record",
		"on_trash": "legist_routing.services.permissions.guard_audit_record",
	},
	"File": {
		"validate": "legist_routing.services.permissions.guard_audit_record",
		"on_trash": "legist_routing.services.permissions.guard_audit_record",
	},
}

doctype_list_js = {
	"Routing Rule": "public/js/routing_rule_list.js",
	"Case Task": "public/js/case_task_list.js",
}
doctype_js = {
	"Case": "public/js/case.js",
	"Client Request": "public/js/client_request.js",
	"Routing Rule": "public/js/routing_rule.js",
	"Case Task": "public/js/case_task.js",
	"ToDo": "public/js/todo.js",
}

# Retention through Frappe's Log Settings (the firm sets the period there; these are the defaults, in days).
default_log_clearing_doctypes = {"Routing Log": 365, "Escalation Event": 365}

scheduler_events = {
	"cron": {
		# Escalation steps: an index seek for due tasks every minute, the work on the RQ queue.
		"* * * * *": ["legist_routing.services.escalations.sweep"],
		# deadline.approaching: once per notice, deadline and threshold.
		"7 * * * *": ["legist_routing.services.deadlines.sweep"],
	},
	# Column statistics for the record-level lists' query plans (services/permissions.py).
	"daily": ["legist_routing.services.permissions.refresh_statistics"],
}
