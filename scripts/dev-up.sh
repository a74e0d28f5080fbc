#!/usr/bin/env bash
# One command to a working development site: the bench (created once), a site with the app and demo
# data, served on http://localhost:$LEGIST_PORT with a background worker and the scheduler.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$LEGIST_REPO/scripts/bootstrap-bench.sh"
if [ ! -d "$LEGIST_BENCH/sites/$LEGIST_SITE" ]; then
	bash "$LEGIST_REPO/scripts/new-site.sh" "$LEGIST_SITE"
else
	frappe_cmd --site "$LEGIST_SITE" migrate >/dev/null
	frappe_cmd --site "$LEGIST_SITE" execute legist_routing.services.site_setup.complete_setup \
		--kwargs "{\"password\": \"$LEGIST_ADMIN_PASSWORD\"}" >/dev/null
fi
frappe_cmd --site "$LEGIST_SITE" execute legist_routing.demo.load.run
# Requests to localhost reach this site.
(cd "$LEGIST_BENCH" && "$LEGIST_BENCH_CLI/bin/bench" use "$LEGIST_SITE" >/dev/null 2>&1) \
	|| echo "$LEGIST_SITE" > "$LEGIST_BENCH/sites/currentsite.txt"
[ "${LEGIST_NO_SERVE:-0}" = "1" ] && exit 0

log "serving http://localhost:$LEGIST_PORT  (login: Administrator / $LEGIST_ADMIN_PASSWORD; Ctrl-C stops)"
frappe_cmd --site "$LEGIST_SITE" worker >"$LEGIST_BENCH/logs/legist-worker.log" 2>&1 &
worker=$!
frappe_cmd --site "$LEGIST_SITE" schedule >"$LEGIST_BENCH/logs/legist-schedule.log" 2>&1 &
sched=$!
trap 'kill $worker $sched 2>/dev/null || true' EXIT
frappe_cmd --site "$LEGIST_SITE" serve --port "$LEGIST_PORT" --noreload
