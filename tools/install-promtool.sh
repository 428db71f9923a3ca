#!/usr/bin/env bash
# promtool (Prometheus's rule checker and rule unit-tester), pinned, from Debian's prometheus package:
# the .deb is downloaded and only promtool is unpacked into $DBTK_CACHE — nothing is installed on the system,
# no service is started. The Grafana example's tests validate examples/grafana/rules.yml with it.
# (Building it from Go modules pulls every service-discovery SDK and takes far longer.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
PROMETHEUS_DEB_VERSION="2.42.0+ds-5+deb12u1"
bin="$DBTK_CACHE/bin/promtool"
stamp="$DBTK_CACHE/promtool/.complete"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$PROMETHEUS_DEB_VERSION" ]; then
  log "promtool from prometheus $PROMETHEUS_DEB_VERSION already installed"
  exit 0
fi
need apt-get "promtool comes from Debian's prometheus package"
need dpkg-deb "promtool comes from Debian's prometheus package"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "downloading Debian's prometheus $PROMETHEUS_DEB_VERSION for promtool"
if ! (cd "$work" && apt-get download -qq "prometheus=$PROMETHEUS_DEB_VERSION" 2>/dev/null); then
  $SUDO apt-get update -qq
  (cd "$work" && apt-get download -qq "prometheus=$PROMETHEUS_DEB_VERSION")
fi
dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
mkdir -p "$DBTK_CACHE/promtool"
install -m 0755 "$work/x/usr/bin/promtool" "$DBTK_CACHE/promtool/promtool.tmp"
mv "$DBTK_CACHE/promtool/promtool.tmp" "$DBTK_CACHE/promtool/promtool"
ln -sfn "$DBTK_CACHE/promtool/promtool" "$bin"
echo "$PROMETHEUS_DEB_VERSION" > "$stamp"
log "promtool: $("$bin" --version 2>&1 | head -1)"
