#!/usr/bin/env bash
# Create (once) the development bench outside the repository, with Frappe from FRAPPE_GIT_URL /
# FRAPPE_BRANCH, and link this repository into it as the app `legist_routing`.
# Idempotent: an existing bench is reused and only re-linked.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash "$LEGIST_REPO/scripts/ensure-services.sh"

command -v git >/dev/null || die "git is required"
command -v node >/dev/null || die "Node.js 18+ is required (Frappe builds its assets with it)"
if ! command -v yarn >/dev/null; then
	log "installing yarn"
	npm install -g yarn >/dev/null
fi

# 1. The bench CLI in its own small virtualenv.
if [ ! -x "$LEGIST_BENCH_CLI/bin/bench" ]; then
	log "installing the bench CLI into $LEGIST_BENCH_CLI"
	python3 -m venv "$LEGIST_BENCH_CLI"
	"$LEGIST_BENCH_CLI/bin/pip" install -q "frappe-bench>=5.22,<6" "setuptools<82"
fi
BENCH="$LEGIST_BENCH_CLI/bin/bench"
# bench calls `uv` (installed beside it) by name.
export PATH="$LEGIST_BENCH_CLI/bin:$PATH"

# 2. Frappe's package.json takes its own fork of air-datepicker from a GitHub tarball (the commit its
#    yarn.lock pins). Where that host cannot be reached, yarn's offline mirror is given the same
#    commit under the file name yarn looks for, packed from LEGIST_AIR_DATEPICKER_GIT (a local git
#    copy of github.com/frappe/air-datepicker). The npm release of the same version is NOT the same
#    code: it lacks seconds, so datetime fields show "17:23:ss" and forms open "Not Saved"; it is
#    taken only when no local copy is given, with a warning. With internet this changes nothing.
prepare_yarn_mirror() {
	local mirror="$HOME/.cache/legist-yarn-mirror"
	local commit="ed37b94d95c68d8544357e330be0c89d044a3eea"
	if curl -fsS -m 10 -o /dev/null "https://codeload.github.com/frappe/air-datepicker/tar.gz/$commit" 2>/dev/null; then
		return 0
	fi
	mkdir -p "$mirror"
	local src="${LEGIST_AIR_DATEPICKER_GIT:-}"
	if [ -n "$src" ]; then
		git -C "$src" cat-file -e "$commit^{commit}" 2>/dev/null \
			|| die "LEGIST_AIR_DATEPICKER_GIT=$src does not hold air-datepicker commit $commit"
		log "GitHub tarballs unreachable: packing air-datepicker $commit from $src"
		git -C "$src" archive --format=tar.gz --prefix="air-datepicker-$commit/" -o "$mirror/$commit" "$commit"
	elif [ ! -s "$mirror/$commit" ]; then
		log "WARNING: GitHub unreachable and LEGIST_AIR_DATEPICKER_GIT unset: using the npm release of"
		log "air-datepicker 2.2.3, which lacks seconds (datetime fields break in the desk)"
		(cd "$mirror" && npm pack air-datepicker@2.2.3 --silent >/dev/null && mv air-datepicker-2.2.3.tgz "$commit")
	fi
	yarn config set yarn-offline-mirror "$mirror" >/dev/null
	yarn config set yarn-offline-mirror-pruning false >/dev/null
}

# 3. The bench itself.
if [ ! -d "$LEGIST_BENCH/apps/frappe" ]; then
	prepare_yarn_mirror
	log "creating the bench at $LEGIST_BENCH from $FRAPPE_GIT_URL ($FRAPPE_BRANCH); this takes a while"
	rm -rf "$LEGIST_BENCH"
	# bench refuses to run as root unless the bench config names root as its user; `init` reads the
	# config of the directory it is started from, so start it from a scratch one that says so.
	scratch="$(mktemp -d)"
	mkdir -p "$scratch/sites"
	echo "{\"frappe_user\": \"$(id -un)\"}" > "$scratch/sites/common_site_config.json"
	(cd "$scratch" && "$BENCH" init "$LEGIST_BENCH" --frappe-path "$FRAPPE_GIT_URL" \
		--frappe-branch "$FRAPPE_BRANCH" --skip-redis-config-generation --no-backups --python python3) \
		|| { rm -rf "$scratch"; die "bench init failed (see above)"; }
	rm -rf "$scratch"
fi

# 4. Configuration: our user, MariaDB over TCP, the machine's Redis.
"$LEGIST_BENCH/env/bin/pip" install -q "setuptools<82" >/dev/null 2>&1 || die "could not pin setuptools<82 in the bench"
(cd "$LEGIST_BENCH" && "$BENCH" set-config -g frappe_user "$(id -un)" >/dev/null 2>&1) || true
cfg="$LEGIST_BENCH/sites/common_site_config.json"
"$LEGIST_BENCH/env/bin/python" - "$cfg" <<PY
import json, sys
path = sys.argv[1]
try:
	conf = json.load(open(path))
except (FileNotFoundError, ValueError):
	conf = {}
conf.update({
	"frappe_user": "$(id -un)",
	"db_host": "$LEGIST_DB_HOST",
	"db_port": int("$LEGIST_DB_PORT"),
	"redis_cache": "$LEGIST_REDIS_URL",
	"redis_queue": "$LEGIST_REDIS_URL",
	"redis_socketio": "$LEGIST_REDIS_URL",
	"webserver_port": int("$LEGIST_PORT"),
	"developer_mode": 1,
	"allow_tests": True,
})
json.dump(conf, open(path, "w"), indent=1, sort_keys=True)
PY

# 5. This repository is the app: link it in and install it editable.
app="$LEGIST_BENCH/apps/legist_routing"
if [ "$(readlink -f "$app" 2>/dev/null)" != "$(readlink -f "$LEGIST_REPO")" ]; then
	rm -rf "$app"
	ln -s "$LEGIST_REPO" "$app"
	log "linked $LEGIST_REPO as apps/legist_routing"
fi
"$LEGIST_BENCH/env/bin/pip" install -q -e "$app" >"$LEGIST_BENCH/logs/legist-pip.log" 2>&1 \
	|| { cat "$LEGIST_BENCH/logs/legist-pip.log"; die "could not install the app into the bench"; }
# apps.txt may lack its final newline: rewrite it one app a line.
apps_txt="$LEGIST_BENCH/sites/apps.txt"
{ cat "$apps_txt" 2>/dev/null; echo; echo legist_routing; } | sed '/^\s*$/d' | awk '!seen[$0]++' > "$apps_txt.new"
mv "$apps_txt.new" "$apps_txt"
# Static assets: /assets/legist_routing/ is legist_routing/public (the portal's js/portal.js), linked as
# `bench build` links every app's (frappe.build.make_asset_dirs); the app has no bundles to build.
assets_link="$LEGIST_BENCH/sites/assets/legist_routing"
if [ "$(readlink "$assets_link" 2>/dev/null)" != "$app/legist_routing/public" ]; then
	mkdir -p "$LEGIST_BENCH/sites/assets"
	rm -rf "$assets_link"
	ln -s "$app/legist_routing/public" "$assets_link"
	log "linked $assets_link to the app's public folder"
fi
# Translations: legist_routing/locale/*.po compiled into the bench's assets (only when a .po changed).
frappe_cmd compile-po-to-mo --app legist_routing >/dev/null || die "could not compile legist_routing's translations"
log "bench ready at $LEGIST_BENCH"
