"""bench commands: `bench --site SITE legist-import-rules FILE`, `legist-export-rules`, `legist-simulate` and
`legist-backtest`."""

import html
import json

import click
from frappe.commands import get_site, pass_context


@click.command("legist-import-rules")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@pass_context
def import_rules(context, path):
	"""Import routing rules from a JSON file (one rule or a list); nothing is imported if any is invalid."""
	import frappe

	from legist_routing.services import rules

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		with open(path) as f:
			names = rules.import_rules(f.read())
		frappe.db.commit()  # nosemgrep: a CLI command owns its transaction
		click.echo("Imported: " + ", ".join(names))
	except frappe.ValidationError as e:
		frappe.db.rollback()
		text = str(e).replace("</li>", "\n").replace("</p>", "\n")
		click.echo(html.unescape(frappe.utils.strip_html(text)).strip(), err=True)
		raise SystemExit(1) from e
	finally:
		frappe.destroy()


@click.command("legist-export-rules")
@pass_context
def export_rules(context):
	"""Print every routing rule as JSON in the practice guide's shape."""
	import frappe

	from legist_routing.services import rules

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		click.echo(json.dumps(rules.export_rules(), indent=2, ensure_ascii=False))
	finally:
		frappe.destroy()


VALUE_ROOTS = {
	"case": "case_values",
	"document": "notice_values",
	"notice": "notice_values",
	"task": "task_values",
}


@click.command("legist-simulate")
@click.option("--trigger", required=True, help="case.created, document.received, task.status_changed, …")
@click.option("--case", help="a Case (CASE-…); leave out to describe one with --set case.FIELD=VALUE")
@click.option(
	"--notice-type", help="document.received / deadline.approaching: the notice's type (RFE, NOID…)"
)
@click.option(
	"--response-due", help="the notice's response date (YYYY-MM-DD); computed by type when left out"
)
@click.option("--notice", help="a recorded Case Notice instead of a described one")
@click.option("--task", help="task.status_changed: the Case Task")
@click.option("--status", help="the new status (of the task for task.status_changed, else of the case)")
@click.option("--previous-status", help="case.status_changed / task.status_changed: the status before")
@click.option(
	"--set",
	"values",
	multiple=True,
	metavar="PATH=VALUE",
	help="a fact to describe or override, e.g. case.priority=High, document.form_type=I-485 (repeatable)",
)
@click.option(
	"--rules", "rules_file", type=click.Path(exists=True, dir_okay=False), help="draft rules (JSON)"
)
@click.option(
	"--rule", "rule_names", multiple=True, help="a saved rule to include even if disabled (repeatable)"
)
@click.option("--without-enabled", is_flag=True, help="only the --rules / --rule rules, not the enabled ones")
@click.option("--now", help="simulate at this moment (YYYY-MM-DD HH:MM:SS, site time)")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_context
def simulate(
	context,
	trigger,
	case,
	notice_type,
	response_due,
	notice,
	task,
	status,
	previous_status,
	values,
	rules_file,
	rule_names,
	without_enabled,
	now,
	as_json,
):
	"""Show what routing would do for an event — which rules fire and why, who gets each task, the due
	times and the escalation schedule — with nothing written."""
	import frappe

	from legist_routing.services import rules
	from legist_routing.services import simulate as simulation

	described: dict[str, dict] = {"case_values": {}, "notice_values": {}, "task_values": {}}
	for item in values:
		path, sep, value = item.partition("=")
		root = path.split(".", 1)[0]
		if not sep or root not in VALUE_ROOTS or "." not in path:
			raise click.BadParameter(
				f"{item!r}: write PATH=VALUE, PATH starting with case., document. or task."
			)
		described[VALUE_ROOTS[root]][path.split(".", 1)[1]] = value
	task_status = trigger == "task.status_changed"
	if notice_type:
		described["notice_values"]["notice_type"] = notice_type
	if response_due:
		described["notice_values"]["response_due_date"] = response_due
	if notice:
		described["notice_values"]["name"] = notice
	if task:
		described["task_values"]["name"] = task
	if status:
		described["task_values" if task_status else "case_values"]["status"] = status
	if previous_status:
		described["task_values" if task_status else "case_values"]["previous_status"] = previous_status

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		drafts = []
		if rules_file:
			with open(rules_file) as f:
				loaded = json.load(f)
			drafts += loaded if isinstance(loaded, list) else loaded.get("rules", [loaded])
		if rule_names:
			found = rules.export_rules(list(rule_names))
			missing = set(rule_names) - {r["ruleName"] for r in found}
			if missing:
				click.echo("No Routing Rule named " + ", ".join(sorted(missing)), err=True)
				raise SystemExit(1)
			drafts += found
		result = simulation.simulate(
			trigger,
			case=case,
			rules_json=drafts or None,
			include_enabled=not without_enabled,
			now=now,
			**described,
		)
		click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else simulation.report(result))
		if not result["ok"]:
			raise SystemExit(1)
	finally:
		frappe.db.rollback()  # a simulation writes nothing; make sure of it
		frappe.destroy()


@click.command("legist-backtest")
@click.option("--from", "from_date", required=True, help="the period's first day (YYYY-MM-DD)")
@click.option("--to", "to_date", required=True, help="the period's last day (YYYY-MM-DD)")
@click.option(
	"--rules",
	"rules_file",
	type=click.Path(exists=True, dir_okay=False),
	help="draft rules (JSON, the guide's shape): each replaces the saved rule of its name",
)
@click.option("--without", "without", multiple=True, help="a rule to leave out of the set (repeatable)")
@click.option("--without-enabled", is_flag=True, help="only the --rules drafts, not the enabled rules")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_context
def backtest(context, from_date, to_date, rules_file, without, without_enabled, as_json):
	"""Replay the routed events of a past period through a draft rule set and compare with what happened:
	the assignments that would change, the workload per person, the acknowledgement and deadline risk.
	Nothing is written."""
	import frappe

	from legist_routing.services import backtest as backtests

	frappe.init(site=get_site(context))
	frappe.connect()
	try:
		frappe.set_user("Administrator")
		drafts = None
		if rules_file:
			with open(rules_file) as f:
				drafts = f.read()

		def progress(done, total):
			click.echo(f"  {done}/{total} events", err=True)

		result = backtests.backtest(
			from_date,
			to_date,
			rules_json=drafts,
			without=list(without),
			include_enabled=not without_enabled,
			progress=progress,
		)
		click.echo(json.dumps(result, indent=2, ensure_ascii=False) if as_json else backtests.report(result))
		if not result["ok"]:
			raise SystemExit(1)
	finally:
		frappe.db.rollback()  # a backtest writes nothing; make sure of it
		frappe.destroy()


commands = [import_rules, export_rules, simulate, backtest]
