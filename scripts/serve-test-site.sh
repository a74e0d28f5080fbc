#!/usr/bin/env bash
# Serve one site for the browser tests: Frappe's web server and a background worker, in the background.
#
#   bash scripts/serve-test-site.sh start SITE PORT   # returns once http://127.0.0.1:PORT answers
#   bash scripts/serve-test-site.sh stop  [PORT]      # stops what `start` started on PORT
#
# Or sourced, for a trap:  source scripts/serve-test-site.sh; serve_test_site SITE PORT;
#                          trap 'stop_test_site PORT' EXIT
#
# `frappe serve --site SITE` serves only that site whatever the Host header says (frappe/app.py:
# `site = _site or X-Frappe-Site-Name or Host`), so http://127.0.0.1:PORT reaches SITE without
# currentsite.txt or /etc/hosts. PIDs go to $LEGIST_BENCH/logs/legist-browser-PORT.pids and the logs to
# legist-browser-PORT-{serve,worker}.log there.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

_serve_pidfile() { echo "$LEGIST_BENCH/logs/legist-browser-$1.pids"; }

# Stop the processes recorded for PORT: each one's process group (setsid below) by its own id.
stop_test_site() {
	local port="${1:-${LEGIST_BROWSER_PORT:-8010}}" pidfile pid
	pidfile="$(_serve_pidfile "$port")"
	[ -f "$pidfile" ] || return 0
	while read -r pid; do
		[ -n "$pid" ] || continue
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done < "$pidfile"
	for _ in $(seq 1 50); do
		local alive=0
		while read -r pid; do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1; done < "$pidfile"
		[ "$alive" = 0 ] && break
		sleep 0.2
	done
	while read -r pid; do
		[ -n "$pid" ] && { kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true; }
	done < "$pidfile"
	rm -f "$pidfile"
}

# Start the web server and a worker for SITE on PORT; wait for /api/method/ping (60 s at most).
serve_test_site() {
	local site="${1:?usage: serve_test_site SITE PORT}" port="${2:-${LEGIST_BROWSER_PORT:-8010}}"
	local logs="$LEGIST_BENCH/logs" pidfile
	[ -d "$LEGIST_BENCH/sites/$site" ] || { log "no site $site in $LEGIST_BENCH"; return 1; }
	mkdir -p "$logs"
	pidfile="$(_serve_pidfile "$port")"
	stop_test_site "$port"
	if curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
		log "port $port is already served by something else; set LEGIST_BROWSER_PORT to a free port"
		return 1
	fi
	# Each runs in a session of its own (setsid) and writes its own id, which is also its process group's:
	# stopping the group stops the worker's job processes too. Works with or without job control.
	: > "$pidfile"
	local what n=0
	for what in serve worker; do
		n=$((n + 1))
		local args="--site '$site' $what"
		[ "$what" = serve ] && args="$args --port '$port' --noreload"
		setsid -f bash -c "echo \$\$ >> '$pidfile'; cd '$LEGIST_BENCH/sites' || exit 1
			exec '$LEGIST_BENCH/env/bin/python' -m frappe.utils.bench_helper frappe $args" \
			</dev/null >"$logs/legist-browser-$port-$what.log" 2>&1
		# one at a time, so the first line is the web server's
		for _ in $(seq 1 50); do [ "$(grep -c . "$pidfile")" -ge "$n" ] && break; sleep 0.1; done
	done
	local web
	web="$(head -1 "$pidfile")"
	for _ in $(seq 1 120); do
		if curl -fsS -m 3 "http://127.0.0.1:$port/api/method/ping" 2>/dev/null | grep -q pong; then
			log "serving $site on http://127.0.0.1:$port (pids $(paste -sd, "$pidfile"))"
			return 0
		fi
		kill -0 "$web" 2>/dev/null || break
		sleep 0.5
	done
	log "the web server for $site did not answer on port $port; its log:"
	tail -n 30 "$logs/legist-browser-$port-serve.log" >&2
	stop_test_site "$port"
	return 1
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	case "${1:-}" in
		start) serve_test_site "${2:?usage: serve-test-site.sh start SITE PORT}" "${3:-${LEGIST_BROWSER_PORT:-8010}}" ;;
		stop) stop_test_site "${2:-${LEGIST_BROWSER_PORT:-8010}}" ;;
		*) echo "usage: serve-test-site.sh start SITE PORT | stop [PORT]" >&2; exit 2 ;;
	esac
fi
