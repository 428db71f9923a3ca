#!/usr/bin/env bash
# Builds the Pulumi CLI (the engine) from Go modules, pinned, into $DBTK_CACHE/bin.
# The npm `pulumi` package only downloads binaries from a site this machine cannot reach, and
# pkg/v3's go.mod has replace directives, so `go install` refuses it: a throw-away wrapper module works.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
PULUMI_VERSION=v3.274.1
bin="$DBTK_CACHE/bin/pulumi"
if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "$PULUMI_VERSION"; then
  log "pulumi $PULUMI_VERSION already built"
else
  log "building pulumi $PULUMI_VERSION from Go modules (first run only, several minutes)"
  mod="$DBTK_CACHE/pulumi-build/$PULUMI_VERSION"
  mkdir -p "$mod"
  cd "$mod"
  pulumi_wrapper_gomod dbtk.local/pulumi-build "$PULUMI_VERSION" > go.mod.tmp && mv go.mod.tmp go.mod
  printf 'package main\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > tools.go
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$bin.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv "$bin.tmp" "$bin"
fi
# The engine runs dynamic providers through this plugin; without it on PATH it tries a download (#9396).
repo=$(cd "$here/.." && pwd)
cat > "$DBTK_CACHE/bin/pulumi-resource-pulumi-nodejs" <<SH
#!/bin/sh
exec node "\${DBTK_NODE_MODULES:-$repo/node_modules}/@pulumi/pulumi/cmd/dynamic-provider" "\$@"
SH
chmod +x "$DBTK_CACHE/bin/pulumi-resource-pulumi-nodejs"
log "pulumi: $("$bin" version)"
