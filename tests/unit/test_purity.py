"""The engine is plain Python: no Frappe, no clock, no I/O. These tests keep it that way."""

from __future__ import annotations

import ast
import importlib
import pathlib
import subprocess
import sys

import pytest

ENGINE = pathlib.Path(__file__).resolve().parents[2] / "legist_routing" / "engine"
SOURCES = sorted(ENGINE.glob("*.py"))
MODULES = [f"legist_routing.engine.{p.stem}" for p in SOURCES if p.stem != "__init__"]


def test_the_engine_sources_are_where_we_look():
	assert {p.name for p in SOURCES} >= {"problems.py", "facts.py", "conditions.py", "rules.py", "decide.py"}


def test_frappe_is_not_installed_in_the_unit_environment():
	# The unit suite runs in a bare virtualenv: if this fails, the purity checks below prove nothing.
	with pytest.raises(ImportError):
		import frappe  # noqa: F401


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_engine_file_mentions_frappe_imports(path):
	text = path.read_text(encoding="utf-8")
	assert "import frappe" not in text
	assert "from frappe" not in text


# The one third-party package the engine may use: US federal holidays with their observed days (a pure
# data library, pinned in pyproject.toml). Anything else would have to be argued for here.
THIRD_PARTY = frozenset({"holidays"})


def imports_of(path: pathlib.Path) -> set[str]:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	imported = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			imported |= {alias.name for alias in node.names}
		elif isinstance(node, ast.ImportFrom):
			assert node.level == 0, "relative imports hide where things come from"
			imported.add(node.module)
	return imported


def allowed(name: str) -> bool:
	top = name.split(".")[0]
	return (
		top == "__future__"
		or top in sys.stdlib_module_names
		or top in THIRD_PARTY
		or name.startswith("legist_routing.engine")
	)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_engine_imports_only_the_standard_library_holidays_and_itself(path):
	for name in imports_of(path):
		assert allowed(name), name


@pytest.mark.parametrize(
	("name", "ok"),
	[
		("datetime", True),
		("collections.abc", True),
		("__future__", True),
		("holidays", True),
		("holidays.countries", True),
		("legist_routing.engine.facts", True),
		("legist_routing.services.apply", False),  # the engine never reaches into the services
		("legist_routing", False),
		("frappe", False),
		("dateutil", False),  # holidays' own dependency, but not ours to import
		("holiday", False),
		("requests", False),
	],
)
def test_the_import_allowance_is_exactly_the_stdlib_holidays_and_the_engine(name, ok):
	assert allowed(name) is ok


def test_only_the_calendar_uses_the_third_party_package():
	users = {p.name for p in SOURCES if any(n.split(".")[0] in THIRD_PARTY for n in imports_of(p))}
	assert users == {"calendar.py"}


CLOCK_METHODS = {"now", "today", "utcnow", "fromtimestamp"}
IO_FUNCTIONS = {"open", "print", "input", "exec", "eval"}
IO_MODULES = {
	"os",
	"io",
	"time",
	"random",
	"socket",
	"subprocess",
	"shutil",
	"pathlib",
	"logging",
	"requests",
}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_engine_reads_no_clock_and_does_no_io(path):
	tree = ast.parse(path.read_text(encoding="utf-8"))
	called_methods, called_names, modules = set(), set(), set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
			called_methods.add(node.func.attr)
		elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
			called_names.add(node.func.id)
		elif isinstance(node, ast.Import):
			modules |= {alias.name.split(".")[0] for alias in node.names}
		elif isinstance(node, ast.ImportFrom):
			modules.add(node.module.split(".")[0])
	assert not called_methods & CLOCK_METHODS, "the time comes in as ctx.now"
	assert not called_names & IO_FUNCTIONS
	assert not modules & IO_MODULES


def test_every_engine_module_imports_with_frappe_blocked():
	# A fresh interpreter where "import frappe" fails even if some environment has it installed.
	code = (
		"import sys\n"
		"sys.modules['frappe'] = None\n"
		f"import importlib\nfor m in {MODULES!r}:\n\timportlib.import_module(m)\n"
		"loaded = [k for k, v in sys.modules.items() if v is not None]\n"
		"assert not any(k == 'frappe' or k.startswith('frappe.') for k in loaded)\n"
		"print('ok')\n"
	)
	root = str(ENGINE.parents[1])
	result = subprocess.run(
		[sys.executable, "-c", code],
		capture_output=True,
		text=True,
		cwd=root,
		env={"PYTHONPATH": root},
		timeout=60,
	)
	assert result.returncode == 0, result.stderr
	assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("module", MODULES)
def test_engine_modules_import_here(module):
	assert importlib.import_module(module).__name__ == module
