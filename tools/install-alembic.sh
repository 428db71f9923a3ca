#!/usr/bin/env bash
# Alembic from PyPI, pinned (tools/python/requirements.txt), in a virtual environment under $DBTK_CACHE,
# and the wrapper $DBTK_CACHE/bin/alembic. The sample env.py reads the URL from DBTK_DATABASE_URL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
req="$here/python/requirements.txt"
ALEMBIC_VERSION=$(sed -n 's/^alembic==\(.*\)$/\1/p' "$req")
venv="$DBTK_CACHE/venv/alembic-$ALEMBIC_VERSION"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x "$venv/bin/alembic" ] && [ "$(cat "$venv/.complete" 2>/dev/null)" = "$want" ]; then
  log "alembic $ALEMBIC_VERSION already installed"
else
  py=$(command -v python3 || true)
  [ -n "$py" ] || { log "python3 not found: install python3 and python3-venv"; exit 1; }
  log "installing alembic $ALEMBIC_VERSION into $venv"
  # Built in place (a venv hard-codes its path); the stamp is written last, so a broken run redoes it.
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$req"
  echo "$want" > "$venv/.complete"
fi
cat > "$DBTK_CACHE/bin/alembic" <<SH
#!/bin/sh
# Alembic $ALEMBIC_VERSION (installed by tools/install-alembic.sh)
exec '$venv/bin/alembic' "\$@"
SH
chmod +x "$DBTK_CACHE/bin/alembic"
log "alembic: $("$venv/bin/alembic" --version 2>/dev/null || echo "$ALEMBIC_VERSION")"
