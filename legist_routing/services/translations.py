"""The app's translations: locale/<lang>.po, compiled by Frappe into the bench's assets as .mo files.

Frappe 15 reads ``sites/assets/locale/<lang>/LC_MESSAGES/legist_routing.mo``; ``bench build`` and
``bench compile-po-to-mo`` write it, and so does every migrate of a site (``compile_po``, called from
install.after_migrate), so that an updated .po takes effect on migrate as well as on build.

The catalogue of translatable strings is Frappe's own extraction (``bench generate-pot-file``: DocType
JSON, reports, workspaces, Python ``_()``, JS ``__()``, Jinja ``_()``) with this repository's
``babel_extractors.csv`` in front of Frappe's: it skips tests, benchmarks and scripts (and hooks.py, whose
navbar extractor cannot import a symlinked app), and adds the roles of ``fixtures/role.json``, the Case
Types services/install.py ships, the reassignment reasons of services/settings.py, and the labels of number cards and dashboard charts (the extractors
below). scripts/update-translations.sh runs the whole cycle.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import frappe

APP = "legist_routing"


# ------------------------------------------------------------------------------- babel extractors
def extract_roles(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
	"""Babel extractor for fixtures/role.json: each role's name is shown to users (role lists, the
	User form), so it is translated like the roles named in DocType permissions."""
	data = json.load(fileobj)
	for role in data if isinstance(data, list) else ():
		if role.get("doctype") == "Role" and role.get("role_name"):
			yield None, "_", role["role_name"], ["Name of a role"]


# Module-level constants whose values users see translated (``_(value)`` where they are shown): the name
# and how to read its strings. services/install.py's CASE_TYPES rows start with the name the portal shows;
# services/settings.py's REASONS are the reassignment reasons the desk and the timeline show.
CONSTANTS = {
	"CASE_TYPES": ("first of each row", "Name of a Case Type shipped with the app"),
	"REASONS": ("each", "A reason for reassigning a task"),
}


def extract_constants(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
	"""Babel extractor for the Python modules that hold :data:`CONSTANTS`: their ``_()`` calls as Frappe's
	Python extractor finds them, and the constants' strings."""
	import ast

	from frappe.gettext.extractors.python import extract as extract_python

	source = fileobj.read()
	yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
	for node in ast.parse(source).body:
		names = (
			[t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign) else []
		)
		for name in names:
			if name not in CONSTANTS:
				continue
			how, comment = CONSTANTS[name]
			for value in ast.literal_eval(node.value):
				text = value[0] if how == "first of each row" else value
				yield node.lineno, "_", text, [comment]


def extract_dashboard_labels(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
	"""Babel extractor for number_card/*/*.json and dashboard_chart/*/*.json, which Frappe's own map
	leaves out: a card's label and a chart's name are its title on a workspace or dashboard."""
	data = json.load(fileobj)
	if not isinstance(data, dict):
		return
	if data.get("doctype") == "Number Card" and data.get("label"):
		yield None, "_", data["label"], ["Label of a Number Card"]
	if data.get("doctype") == "Dashboard Chart" and data.get("chart_name"):
		yield None, "_", data["chart_name"], ["Name of a Dashboard Chart"]


# ------------------------------------------------------------------------------- extraction
def extract_messages(app: str = APP) -> dict[str, list[str]]:
	"""Every translatable string of ``app`` as Frappe's ``generate_pot`` finds it, without writing the
	.pot: {message: [where, ...]}. Used by the test that fails on a string with no translation."""
	from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir  # type: ignore[import-not-found, unused-ignore]
	from frappe.gettext.translate import get_is_gitignored_function_for_app, get_method_map

	is_gitignored = get_is_gitignored_function_for_app(app)

	def directory_filter(dirpath) -> bool:
		if is_gitignored(str(dirpath)):
			return False
		subdir = os.path.basename(dirpath)
		return not (subdir.startswith(".") or subdir.startswith("_"))

	keywords = DEFAULT_KEYWORDS.copy()
	keywords["_lt"] = None
	method_map = get_method_map(app) + get_method_map("frappe")
	found: dict[str, list[str]] = {}
	for filename, lineno, message, _comments, _context in extract_from_dir(
		frappe.get_pymodule_path(app, ".."), method_map, directory_filter=directory_filter, keywords=keywords
	):
		if message:
			found.setdefault(message, []).append(f"{filename}:{lineno}" if lineno else filename)
	return found


# ------------------------------------------------------------------------------- compiling
def compile_po(app: str = APP, force: bool = False) -> list[str]:
	"""Compile each locale/<lang>.po of ``app`` into the bench's .mo when the .po is newer (or ``force``),
	then drop the cached translations so the next request reads them. Returns the languages compiled."""
	from babel.messages.pofile import read_po  # type: ignore[import-not-found, unused-ignore]
	from frappe.gettext.translate import get_locales, get_mo_path, get_po_path, write_binary
	from frappe.translate import clear_cache

	compiled = []
	for lang in get_locales(app):
		po_path, mo_path = get_po_path(app, lang), get_mo_path(app, lang)
		if not force and mo_path.exists() and po_path.stat().st_mtime <= mo_path.stat().st_mtime:
			continue
		with open(po_path, "rb") as f:
			write_binary(app, read_po(f), lang)
		compiled.append(lang)
	if compiled:
		clear_cache()
	return compiled


def po_path(lang: str, app: str = APP) -> Path:
	from frappe.gettext.translate import get_po_path

	return get_po_path(app, lang)


def after_migrate():
	"""hooks.after_migrate: a .po changed since the last compile (pulled, edited) takes effect on migrate."""
	compile_po()
