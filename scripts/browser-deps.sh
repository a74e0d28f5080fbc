#!/usr/bin/env bash
# What the browser tests need, installed once and then left alone:
#   - Debian's chromium at /usr/bin/chromium (apt; never a browser downloaded by Playwright),
#   - playwright-core into tests/browser/node_modules, as tests/browser/package-lock.json pins it.
# Fails (non-zero) when either cannot be had: browser tests are never skipped silently.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
dir="$LEGIST_REPO/tests/browser"

[ -x /usr/bin/chromium ] || apt_install "for the browser tests" chromium
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is still missing after installing chromium"

command -v node >/dev/null || die "Node.js 20+ is required for the browser tests"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || die "Node.js 20+ is required (node --test with several reporters)"

# Playwright must never fetch its own browsers: we drive /usr/bin/chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! (cd "$dir" && node -e "require('playwright-core')" 2>/dev/null) \
	|| [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
	log "installing playwright-core into tests/browser/node_modules"
	if [ -f "$dir/package-lock.json" ]; then
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in tests/browser"
	else
		(cd "$dir" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed in tests/browser"
	fi
fi
log "browser test dependencies ready ($(/usr/bin/chromium --version 2>/dev/null | head -1); playwright-core $(cd "$dir" && node -p "require('playwright-core/package.json').version"))"
