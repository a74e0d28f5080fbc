app_name = "legist_routing"
app_title = "Legist Routing"
app_publisher = "legist_routing developers"
app_description = (
	"Routes immigration case work between paralegals and attorneys, with SLAs, escalations and an audit trail"
)
app_email = "dev@legist-routing.invalid"
app_license = "MIT"

export_python_type_annotations = True

# The desk: staff land on the Legist Routing workspace unless they chose a default of their own; the
# desk's scripts read the app's constants from the boot (public/js/constants.js).
boot_session = "legist_routing.services.workspace.boot_session"
app_include_js = "/assets/legist_routing/js/constants.js"

# Seeders: idempotent, safe on every install and migrate.
before_install = "legist_routing.services.install.before_install"
after_install = "legist_routing.services.install.after_install"
after_migrate = [
	"legist_routing.services.install.after_migrate",
	# locale/*.po compiled into the bench's .mo when changed, so that a new translation takes effect on migrate
	"legist_routing.services.translations.after_migrate",
]

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
	"frappe.desk.form.linked_with.get": "legist_routing.services.permissions.linked_documents",
}

doc_events = {
	"Case": {
		"after_insert": "legist_routing.services.events.on_case_insert",
		"on_update": [
			"legist_routing.services.events.on_case_update",
			"legist_routing.services.permissions.case_people_changed",
			"legist_routing.services.access.case_changed",
		],
		"on_trash": "legist_routing.services.permissions.case_people_changed",
		"after_delete": "legist_routing.services.access.case_changed",
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
		# after every insert, save and db_set: who may list it, and its modified time for their lists
		"on_change": "legist_routing.services.access.task_changed",
		"after_delete": "legist_routing.services.access.task_deleted",
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
	# the backtest rides on the list's script, which Frappe also runs for the form (routing_backtest.js)
	"Routing Rule": ["public/js/routing_rule_list.js", "public/js/routing_backtest.js"],
	"Case Task": "public/js/case_task_list.js",
}
doctype_js = {
	"Case": "public/js/case.js",
	"Client Request": "public/js/client_request.js",
	"Routing Rule": [
		"public/js/routing_rule.js",
		"public/js/config_versions.js",
		"public/js/routing_rule_builder.js",
	],
	# Versions of rules and policies: the list, compare and restore (one script for the three forms)
	"Escalation Policy": "public/js/config_versions.js",
	"Routing Config Version": "public/js/config_versions.js",
	"Case Task": "public/js/case_task.js",
	"ToDo": "public/js/todo.js",
}

# A rule or policy deleted keeps its versions (their history stays readable; a Routing Log names them).
ignore_links_on_delete = ["Routing Config Version", "Case Task Access"]

# Retention through Frappe's Log Settings (the firm sets the period there; these are the defaults, in days).
default_log_clearing_doctypes = {"Routing Log": 365, "Escalation Event": 365}

scheduler_events = {
	"cron": {
		# Escalation steps: an index seek for due tasks every minute, the work on the RQ queue.
		"* * * * *": ["legist_routing.services.escalations.sweep"],
		# deadline.approaching: once per notice, deadline and threshold.
		"7 * * * *": ["legist_routing.services.deadlines.sweep"],
		# appointment.approaching (48 hours before) and appointment.passed: once per notice and time.
		"17 * * * *": ["legist_routing.services.deadlines.sweep_appointments"],
	},
	# Column statistics for the record-level lists' query plans (services/permissions.py).
	"daily": [
		"legist_routing.services.permissions.refresh_statistics",
		# the Case Task Access rows re-derived, mending any write made outside the app's paths
		"legist_routing.services.access.rebuild_daily",
	],
}
