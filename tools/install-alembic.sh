#!/usr/bin/env bash
# Alembic from PyPI, pinned (tools/python/requirements.txt), in a virtual environment under $DBTK_CACHE,
# and the wrapper $DBTK_CACHE/bin/alembic. The sample env.py reads the URL from DBTK_DATABASE_URL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
req="$here/python/requirements.txt"
ALEMBIC_VERSION=$(sed -n 's/^alembic==\(.*\)$/\1/p' "$req")
venv="$DBTK_CACHE/venv/alembic-$ALEMBIC_VERSION"
want=$(pin_hash "$req")
if [ -x "$venv/bin/alembic" ] && is_current "$venv" "$want"; then
  log "alembic $ALEMBIC_VERSION already installed"
else
  need python3 "install python3 and python3-venv"
  py=$(command -v python3)
  log "installing alembic $ALEMBIC_VERSION into $venv"
  # Built in place (a venv hard-codes its path); the stamp is written last, so a broken run redoes it.
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$req"
  echo "$want" > "$venv/.complete"
fi
write_wrapper alembic <<SH
#!/bin/sh
# Alembic $ALEMBIC_VERSION (installed by tools/install-alembic.sh)
exec '$venv/bin/alembic' "\$@"
SH
log "alembic: $("$venv/bin/alembic" --version 2>/dev/null || echo "$ALEMBIC_VERSION")"
