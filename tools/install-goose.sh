#!/usr/bin/env bash
# goose (github.com/pressly/goose), pinned, built from the Go module proxy into $DBTK_CACHE/goose-<version>
# with only the PostgreSQL and MySQL drivers, and the wrapper $DBTK_CACHE/bin/goose. The run --migrate
# tests use it as a third-party migration tool from another ecosystem.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
GOOSE_VERSION=v3.30.0
TAGS="no_clickhouse no_libsql no_mssql no_vertica no_ydb no_sqlite3"
dir="$DBTK_CACHE/goose-$GOOSE_VERSION"
want="$GOOSE_VERSION $TAGS"
if [ -x "$dir/bin/goose" ] && [ "$(cat "$dir/.complete" 2>/dev/null)" = "$want" ]; then
  log "goose $GOOSE_VERSION already built"
else
  need go "install Go (https://go.dev/dl/) to build goose"
  log "building goose $GOOSE_VERSION"
  rm -rf "$dir"
  mkdir -p "$dir"
  # Outside any module: GOFLAGS=-mod=mod lets `go install pkg@version` resolve on its own.
  (cd "$dir" && GOBIN="$dir/bin" GOFLAGS=-mod=mod go install -tags="$TAGS" "github.com/pressly/goose/v3/cmd/goose@$GOOSE_VERSION")
  echo "$want" > "$dir/.complete"
fi
write_wrapper goose <<SH
#!/bin/sh
# goose $GOOSE_VERSION (installed by tools/install-goose.sh)
exec '$dir/bin/goose' "\$@"
SH
log "goose: $("$dir/bin/goose" --version 2>/dev/null | head -1 || echo "$GOOSE_VERSION")"
