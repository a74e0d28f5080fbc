#!/usr/bin/env bash
# Create (or re-create) a site with legist_routing installed, its time zone and scheduler set.
# Usage: scripts/new-site.sh SITE
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
site="${1:?usage: new-site.sh SITE}"
tz="${LEGIST_TIME_ZONE:-America/New_York}"
# Jobs still queued for an earlier site of this name would run against the new one: drop them first.
if [ -f "$LEGIST_BENCH/sites/$site/site_config.json" ]; then
	frappe_cmd purge-jobs --site "$site" >/dev/null || log "could not drop the jobs queued for the old $site"
fi
frappe_cmd new-site "$site" --force --db-root-username "$LEGIST_DB_ROOT_USER" \
	--db-root-password "$LEGIST_DB_ROOT_PASSWORD" --admin-password "$LEGIST_ADMIN_PASSWORD" \
	--no-mariadb-socket --install-app legist_routing >/dev/null
frappe_cmd --site "$site" set-config allow_tests true >/dev/null
frappe_cmd --site "$site" set-config host_name "http://$site:$LEGIST_PORT" >/dev/null
# A new site's time zone defaults to Asia/Kolkata and its scheduler is off: set both.
frappe_cmd --site "$site" execute legist_routing.services.site_setup.complete_setup --kwargs \
	"{\"time_zone\": \"$tz\", \"password\": \"$LEGIST_ADMIN_PASSWORD\"}" >/dev/null
frappe_cmd --site "$site" enable-scheduler >/dev/null
frappe_cmd --site "$site" clear-cache >/dev/null
log "site $site ready (time zone $tz, scheduler on)"
