#!/usr/bin/env bash
# The test command (README): installs everything the tests need on a fresh machine — pinned, cached,
# idempotent — then type-checks and runs every test suite against real servers and tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
. tools/lib.sh

bash tools/install-node-deps.sh
# External tools: each installer is idempotent and caches under $DBTK_CACHE.
for installer in tools/install-*.sh; do
  case "$installer" in tools/install-node-deps.sh) continue ;; esac
  log "running $installer"
  bash "$installer"
done
export PATH="$DBTK_CACHE/bin:$PATH"

log "build (tsc -b: components, policy, dbtk)"
npm run build --silent
log "type check"
npx tsc --noEmit -p .
log "tests"
report="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line for CI: "N passed, N failed".
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' "$report" || true
rm -f "$report"
exit "$status"
