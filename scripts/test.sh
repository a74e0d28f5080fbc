#!/usr/bin/env bash
# Run every test suite: the pure engine's unit tests (in a virtualenv without Frappe), then the
# integration suite against a fresh site on real MariaDB and Redis. Exits non-zero if any fails.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$LEGIST_REPO"
results="$(mktemp -d)"
status=0

bash scripts/ensure-services.sh || exit 1

# ------------------------------------------------------------------------------ 1. unit (no frappe)
log "unit suite: the engine, in a virtualenv where frappe is not installed"
# The engine's only third-party dependency is the holidays library (US federal holidays).
# import-linter checks the layers of services/ (pyproject.toml, [tool.importlinter]); mypy the types.
if [ ! -x "$LEGIST_UNIT_VENV/bin/pytest" ] || [ ! -x "$LEGIST_UNIT_VENV/bin/lint-imports" ] \
	|| [ ! -x "$LEGIST_UNIT_VENV/bin/mypy" ] || ! "$LEGIST_UNIT_VENV/bin/python" -c "import holidays" 2>/dev/null; then
	python3 -m venv "$LEGIST_UNIT_VENV"
	"$LEGIST_UNIT_VENV/bin/pip" install -q "pytest>=7" "pytest-cov>=4" "hypothesis>=6" "holidays>=0.50,<0.61" \
		"import-linter>=2.1,<3" "mypy>=1.10,<3"
fi
log "import contracts: the layers of services/ and a frappe-free engine"
PYTHONPATH="$LEGIST_REPO" "$LEGIST_UNIT_VENV/bin/lint-imports" --no-cache || status=1
log "types: mypy --strict on the engine (pyproject.toml), plain mypy on services/"
"$LEGIST_UNIT_VENV/bin/mypy" || status=1
"$LEGIST_UNIT_VENV/bin/mypy" legist_routing/services || status=1
PYTHONPATH="$LEGIST_REPO" "$LEGIST_UNIT_VENV/bin/python" -m pytest tests/unit -q -p no:cacheprovider \
	--cov=legist_routing/engine --cov-branch --cov-report=term --cov-fail-under=90 \
	--junitxml="$results/unit.xml" || status=1

# ------------------------------------------------------------------------ 2. integration (real site)
if [ ! -x "$LEGIST_BENCH/env/bin/python" ] || [ ! -d "$LEGIST_BENCH/apps/frappe" ]; then
	die "no bench at $LEGIST_BENCH: create one with 'bash scripts/bootstrap-bench.sh' (or set LEGIST_BENCH to yours); the integration suite cannot be skipped"
fi
bash scripts/bootstrap-bench.sh >/dev/null || die "could not link this checkout into the bench at $LEGIST_BENCH"
# pytest, freezegun (a Frappe dev dependency: the recipes' tests travel in time as Frappe's own do) and
# hypothesis (the rule import is fuzzed over HTTP).
"$LEGIST_BENCH/env/bin/python" -c "import pytest, freezegun, hypothesis" 2>/dev/null \
	|| "$LEGIST_BENCH/env/bin/pip" install -q "pytest>=7" "freezegun~=1.2.2" "hypothesis>=6"

bash scripts/system-deps.sh || die "could not install what the integration suite needs (see above)"

TEST_SITE="${LEGIST_TEST_SITE:-legist-test.localhost}"
log "integration suite: creating a fresh site $TEST_SITE and installing the app on it"
bash scripts/new-site.sh "$TEST_SITE" || die "could not create the test site $TEST_SITE"
LEGIST_TEST_SITE="$TEST_SITE" "$LEGIST_BENCH/env/bin/python" -m pytest tests/integration -q -p no:cacheprovider \
	--junitxml="$results/integration.xml" || status=1

# ----------------------------------------------------------------------- 3. browser (real chromium)
# Debian's chromium, driven by playwright-core, against the test site served on BROWSER_PORT.
# Never skipped: missing chromium, a server that does not answer or no test run all count as failures.
BROWSER_PORT="${LEGIST_BROWSER_PORT:-8010}"
log "browser suite: chromium against $TEST_SITE on http://127.0.0.1:$BROWSER_PORT"
browser_rc=1
browser_why="browser dependencies (chromium, playwright-core)"
if bash scripts/browser-deps.sh; then
	# What the integration suite's HTTP tests queued on the site they served (no worker ran then) is not
	# the browser tests' business; left there, hundreds of jobs would hold the browser suite's one worker
	# for minutes before any job of its own (a backtest long enough to be queued waited behind them).
	log "browser suite: $(frappe_cmd purge-jobs --site "$TEST_SITE" | tail -n 1) the integration suite left queued for $TEST_SITE"
	# The portal test's people, case and requested items, committed on the site (tests/browser/seed_portal.py).
	# Should seeding fail, the portal test fails on the missing file; the other browser tests still run.
	browser_seed="$results/portal-seed.json"
	log "browser suite: seeding the client portal scenario on $TEST_SITE"
	"$LEGIST_BENCH/env/bin/python" tests/browser/seed_portal.py "$TEST_SITE" "$browser_seed" \
		|| { log "seeding the portal scenario failed (see above)"; rm -f "$browser_seed"; }
	source scripts/serve-test-site.sh
	trap 'stop_test_site "$BROWSER_PORT"' EXIT
	browser_why="browser test server on port $BROWSER_PORT"
	if serve_test_site "$TEST_SITE" "$BROWSER_PORT"; then
		browser_why="browser suite"
		browser_rc=0
		NO_COLOR=1 LEGIST_BROWSER_URL="http://127.0.0.1:$BROWSER_PORT" LEGIST_BROWSER_SEED="$browser_seed" \
			node --test --test-timeout=300000 \
			--test-reporter=junit --test-reporter-destination="$results/browser.node-junit" \
			--test-reporter=spec --test-reporter-destination=stdout tests/browser/*.test.mjs || browser_rc=$?
		log "screenshots: tests/browser/artifacts/"
	fi
	stop_test_site "$BROWSER_PORT"
	trap - EXIT
fi
# Node's JUnit has no <testsuite> counts (and may hold colour codes): rewrite it for the summary.
python3 scripts/browser-junit.py "$results/browser.node-junit" "$results/browser.xml" "$browser_rc" \
	"$browser_why" || status=1

# ------------------------------------------------------------------------------------- 4. summary
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.xml"):
	for suite in ET.parse(path).getroot().iter("testsuite"):
		tests, fail = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
		skip = int(suite.get("skipped", 0))
		passed += tests - fail - skip
		failed += fail
		skipped += skip
print(f"all suites: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
