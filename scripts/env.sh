#!/usr/bin/env bash
# Shared defaults for every legist_routing script. Each can be overridden from the environment.
# Sourced, never run.

# Where the repository (the app) lives.
LEGIST_REPO="${LEGIST_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# The development bench lives outside the repository.
LEGIST_BENCH="${LEGIST_BENCH:-$HOME/legist-bench}"
# A small virtualenv holding the `bench` command line itself.
LEGIST_BENCH_CLI="${LEGIST_BENCH_CLI:-$HOME/.legist-bench-cli}"
# A frappe-free virtualenv for the pure engine tests.
LEGIST_UNIT_VENV="${LEGIST_UNIT_VENV:-$HOME/.legist-unit-venv}"
# Frappe's git source and branch: the official upstream unless told otherwise.
# bench names the app after the last path component, so a local source must end in "frappe".
FRAPPE_GIT_URL="${FRAPPE_GIT_URL:-https://github.com/frappe/frappe}"
FRAPPE_BRANCH="${FRAPPE_BRANCH:-version-15}"
# MariaDB (Frappe logs in over TCP) and Redis.
LEGIST_DB_HOST="${LEGIST_DB_HOST:-127.0.0.1}"
LEGIST_DB_PORT="${LEGIST_DB_PORT:-3306}"
LEGIST_DB_ROOT_USER="${LEGIST_DB_ROOT_USER:-root}"
LEGIST_DB_ROOT_PASSWORD="${LEGIST_DB_ROOT_PASSWORD:-legist-root}"
LEGIST_REDIS_URL="${LEGIST_REDIS_URL:-redis://127.0.0.1:6379}"
# The development site and its Administrator password.
LEGIST_SITE="${LEGIST_SITE:-legist.localhost}"
LEGIST_ADMIN_PASSWORD="${LEGIST_ADMIN_PASSWORD:-admin}"
LEGIST_PORT="${LEGIST_PORT:-8000}"

export LEGIST_REPO LEGIST_BENCH LEGIST_BENCH_CLI LEGIST_UNIT_VENV FRAPPE_GIT_URL FRAPPE_BRANCH \
	LEGIST_DB_HOST LEGIST_DB_PORT LEGIST_DB_ROOT_USER LEGIST_DB_ROOT_PASSWORD LEGIST_REDIS_URL \
	LEGIST_SITE LEGIST_ADMIN_PASSWORD LEGIST_PORT

log() { printf '\033[1m[legist]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[legist] %s\033[0m\n' "$*" >&2; exit 1; }

# Run a frappe command in the bench without the bench CLI's root checks:
# this is exactly what `bench --site X cmd` does after its own checks.
frappe_cmd() {
	(cd "$LEGIST_BENCH/sites" && "$LEGIST_BENCH/env/bin/python" -m frappe.utils.bench_helper frappe "$@")
}

# Install Debian packages ($@) with apt when a command is missing; dies with WHY when it cannot.
apt_install() {
	local why="$1"; shift
	command -v apt-get >/dev/null || die "$* missing and apt-get is not available to install it ($why)"
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	log "installing Debian's $* (apt), $why"
	$sudo apt-get update -qq || die "apt-get update failed: cannot install $* ($why)"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
		|| die "could not install $*: $why"
}

