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

log "type check"
npx tsc --noEmit -p .
log "tests"
npx vitest run "$@"
