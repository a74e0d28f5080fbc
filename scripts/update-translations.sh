#!/usr/bin/env bash
# Bring the app's translations up to date with its code, with Frappe's own gettext tooling:
#   1. bench generate-pot-file  -> legist_routing/locale/main.pot (every translatable string: DocType
#      labels, descriptions and Select options, reports, workspaces, Python _(), JS __(), Jinja _();
#      babel_extractors.csv at the repository root adds the roles and skips tests/benchmarks/scripts)
#   2. bench update-po-files    -> new strings added to each locale/<lang>.po with an empty msgstr,
#      strings no longer in the code dropped
#   3. bench compile-po-to-mo   -> the bench's sites/assets/locale/<lang>/LC_MESSAGES/legist_routing.mo
#   4. the cached translations of each SITE given are dropped, so the sites read the new .mo at once
# Then it lists what is still untranslated and exits 1 while anything is: translate those msgstr in
# locale/es.po and run it again (tests/integration/test_spanish.py fails on the same strings).
# Usage: scripts/update-translations.sh [SITE ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
app=legist_routing
locale_dir="$LEGIST_REPO/$app/locale"

frappe_cmd generate-pot-file --app "$app"
for po in "$locale_dir"/*.po; do
	lang="$(basename "$po" .po)"
	frappe_cmd update-po-files --app "$app" --locale "$lang"
	frappe_cmd compile-po-to-mo --app "$app" --locale "$lang" --force
done
for site in "$@"; do
	frappe_cmd --site "$site" execute frappe.translate.clear_cache >/dev/null
	log "cached translations of $site dropped"
done

"$LEGIST_BENCH/env/bin/python" - "$locale_dir" <<'PY'
import sys
from pathlib import Path

from babel.messages.pofile import read_po

missing = 0
for po in sorted(Path(sys.argv[1]).glob("*.po")):
	with open(po, "rb") as f:
		catalog = read_po(f)
	left = [m for m in catalog if m.id and (not m.string or m.fuzzy)]
	missing += len(left)
	print(f"{po.name}: {len(catalog) - len(left)} translated, {len(left)} to translate")
	for m in left:
		where = ", ".join(f"{path}:{line}" if line else path for path, line in m.locations[:2])
		print(f"  msgid {m.id!r}  ({where})")
sys.exit(1 if missing else 0)
PY
