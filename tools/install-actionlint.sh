#!/usr/bin/env bash
# actionlint (GitHub Actions workflow linter), pinned, built from Go modules into $DBTK_CACHE/bin.
# The CI-recipe tests lint examples/ci/github/workflow.yml and action.yml with it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ACTIONLINT_VERSION=v1.7.12
bin="$DBTK_CACHE/bin/actionlint"
if [ -x "$bin" ] && "$bin" -version 2>/dev/null | head -1 | grep -qx "$ACTIONLINT_VERSION"; then
  log "actionlint $ACTIONLINT_VERSION already installed"
  exit 0
fi
command -v go >/dev/null 2>&1 || { log "actionlint needs Go (https://go.dev/dl/) to build"; exit 1; }
log "building actionlint $ACTIONLINT_VERSION with go install"
# Build outside the repo so no go.mod here is consulted; GOFLAGS=-mod=mod keeps a user's vendor setting out.
(cd "$DBTK_CACHE" && GOBIN="$DBTK_CACHE/bin" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION")
log "actionlint: $("$bin" -version | head -1)"
