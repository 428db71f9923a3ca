#!/usr/bin/env bash
# IntegreSQL's Python client (integresql-client-python from PyPI), pinned (tools/python/integresql-requirements.txt),
# with psycopg, in a virtual environment under $DBTK_CACHE, and the wrapper $DBTK_CACHE/bin/integresql-python
# (that venv's python). The dbtk serve tests drive it against the pool server.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
req="$here/python/integresql-requirements.txt"
VERSION=$(sed -n 's/^integresql-client-python==\(.*\)$/\1/p' "$req")
venv="$DBTK_CACHE/venv/integresql-client-$VERSION"
want=$(pin_hash "$req")
if [ -x "$venv/bin/python" ] && is_current "$venv" "$want"; then
  log "integresql-client-python $VERSION already installed"
else
  need python3 "install python3 and python3-venv"
  py=$(command -v python3)
  log "installing integresql-client-python $VERSION into $venv"
  # Built in place (a venv hard-codes its path); the stamp is written last, so a broken run redoes it.
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$req"
  echo "$want" > "$venv/.complete"
fi
write_wrapper integresql-python <<SH
#!/bin/sh
# Python with integresql-client-python $VERSION (installed by tools/install-integresql-client.sh)
exec '$venv/bin/python' "\$@"
SH
log "integresql-client-python: $("$venv/bin/python" -c 'import integresql_client_python as m; print(m.__version__)')"
