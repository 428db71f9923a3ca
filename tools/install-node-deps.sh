#!/usr/bin/env bash
# npm ci, skipped when node_modules already matches package-lock.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
. tools/lib.sh
stamp=node_modules/.dbtk-lock-sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  log "node_modules up to date"
else
  log "npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
