#!/usr/bin/env bash
# Builds tools/sdkgen (Pulumi's Python and Go SDK generators, pinned to the CLI's version) into
# $DBTK_CACHE/bin/dbtk-sdkgen, and the Python consumer's virtual environment with the `pulumi` package
# from PyPI. pkg/v3's go.mod has replace directives, so the build uses a throw-away wrapper module in the
# cache that repeats them, as install-pulumi.sh does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
PULUMI_VERSION=v3.274.1
PULUMI_PYPI_VERSION=3.272.0
need go "install Go (https://go.dev/dl/)"
need python3 "apt-get install python3 python3-venv"

stamp=$(pin_hash "$here/install-sdkgen.sh" "$here/sdkgen/main.go")
mod="$DBTK_CACHE/sdkgen-build/$PULUMI_VERSION"
if is_current "$mod" "$stamp" && [ -x "$DBTK_CACHE/bin/dbtk-sdkgen" ]; then
  log "dbtk-sdkgen $PULUMI_VERSION already built"
else
  log "building dbtk-sdkgen against pulumi/pkg $PULUMI_VERSION (first run only)"
  mkdir -p "$mod"
  cd "$mod"
  rm -f .complete
  pulumi_wrapper_gomod dbtk.local/sdkgen "$PULUMI_VERSION" > go.mod.tmp && mv go.mod.tmp go.mod
  cp "$here/sdkgen/main.go" main.go
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go build -trimpath -o "$DBTK_CACHE/bin/dbtk-sdkgen.tmp" .
  mv "$DBTK_CACHE/bin/dbtk-sdkgen.tmp" "$DBTK_CACHE/bin/dbtk-sdkgen"
  echo "$stamp" > .complete
fi

# The Go consumer's dependencies (the Go SDK of Pulumi), downloaded and compiled once into Go's build cache:
# the test then compiles only the generated SDK and its program. Its go.sum is the consumer's.
deps="$DBTK_CACHE/sdkgen-build/go-consumer-$PULUMI_VERSION"
if is_current "$deps" "$stamp"; then
  log "Go consumer dependencies already built"
else
  log "building the Go consumer's dependencies (github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION)"
  mkdir -p "$deps"
  cd "$deps"
  rm -f .complete
  printf 'module dbtk.local/go-consumer-deps\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n' "$PULUMI_VERSION" > go.mod
  printf 'package main\n\nimport (\n\t_ "github.com/pulumi/pulumi/sdk/v3/go/common/resource"\n\t_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi"\n\t_ "github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"\n)\n\nfunc main() {}\n' > main.go
  GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true
  GOFLAGS=-mod=mod go build -o /dev/null .
  echo "$stamp" > .complete
fi

# The Python consumer runs under Pulumi's Python mocks: the SDK from PyPI in a venv under the cache.
venv="$DBTK_CACHE/venvs/pulumi-python-$PULUMI_PYPI_VERSION"
if is_current "$venv" "$PULUMI_PYPI_VERSION"; then
  log "pulumi (PyPI) $PULUMI_PYPI_VERSION already installed"
else
  log "installing pulumi $PULUMI_PYPI_VERSION from PyPI into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pulumi==$PULUMI_PYPI_VERSION"
  echo "$PULUMI_PYPI_VERSION" > "$venv/.complete"
fi
write_wrapper dbtk-pulumi-python <<SH
#!/bin/sh
exec "$venv/bin/python" "\$@"
SH
log "dbtk-sdkgen and $DBTK_CACHE/bin/dbtk-pulumi-python ready"
