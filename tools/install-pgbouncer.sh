#!/usr/bin/env bash
# PgBouncer from Debian, for `dbtk run --pooler pgbouncer` and its tests. The pinned .deb (and the one
# library it needs that a slim image lacks) is unpacked into the cache with dpkg -x: no root, no service
# started, nothing installed system-wide. $DBTK_CACHE/bin/pgbouncer is a wrapper that finds that library.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
PGBOUNCER_VERSION=1.18.0-1+deb12u1
CARES_VERSION=1.18.1-3
stamp="pgbouncer=$PGBOUNCER_VERSION libc-ares2=$CARES_VERSION"
dir="$DBTK_CACHE/pgbouncer-$PGBOUNCER_VERSION"
if is_current "$dir" "$stamp" && [ -x "$DBTK_CACHE/bin/pgbouncer" ]; then
  log "pgbouncer $PGBOUNCER_VERSION already installed"
  exit 0
fi
need apt-get "PgBouncer comes from Debian's packages (apt-get download)"
need dpkg "PgBouncer comes from Debian's packages (dpkg -x)"
log "downloading pgbouncer $PGBOUNCER_VERSION from Debian"
tmp=$(mktemp -d "$DBTK_CACHE/pgbouncer.tmp-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && apt-get download -qq "$@" 2>/dev/null); }
# An old package list may not know the pinned version yet: refresh it once (as root) and retry.
if ! fetch "pgbouncer=$PGBOUNCER_VERSION" "libc-ares2=$CARES_VERSION"; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  fetch "pgbouncer=$PGBOUNCER_VERSION" "libc-ares2=$CARES_VERSION"
fi
mkdir -p "$tmp/root"
for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$tmp/root"; done
rm -rf "$dir"
mv "$tmp/root" "$dir"
# Readable by the OS user a root-run pooler drops to.
chmod -R a+rX "$dir"
write_wrapper pgbouncer <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$dir/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$dir/usr/sbin/pgbouncer" "\$@"
EOF
printf '%s' "$stamp" > "$dir/.complete"
log "pgbouncer: $("$DBTK_CACHE/bin/pgbouncer" --version | head -1)"
