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

doc_events = {
	"Case": {
		"after_insert": "legist_routing.services.events.on_case_insert",
		"on_update": "legist_routing.services.events.on_case_update",
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
		# on_update runs for inserts too
		"on_update": "legist_routing.services.tasks.sync_assignee",
	},
}

doctype_list_js = {
	"Routing Rule": "public/js/routing_rule_list.js",
	"Case Task": "public/js/case_task_list.js",
}
doctype_js = {
	"Routing Rule": "public/js/routing_rule.js",
	"Case Task": "public/js/case_task.js",
	"ToDo": "public/js/todo.js",
}

scheduler_events = {
	"cron": {
		# Escalation steps: an index seek for due tasks every minute, the work on the RQ queue.
		"* * * * *": ["legist_routing.services.escalations.sweep"],
		# deadline.approaching: once per notice, deadline and threshold.
		"7 * * * *": ["legist_routing.services.deadlines.sweep"],
	},
}
