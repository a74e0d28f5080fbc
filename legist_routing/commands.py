"""bench commands: `bench --site SITE legist-import-rules FILE` and `legist-export-rules`."""

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


commands = [import_rules, export_rules]
