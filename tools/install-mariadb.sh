#!/usr/bin/env bash
# MariaDB server from Debian, for the MySQL/MariaDB tests and the local MariaDB target.
# Only the binaries are needed: tests start their own mariadbd on a private datadir and port.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then
  log "mariadb: $(/usr/sbin/mariadbd --version 2>/dev/null | head -1)"
  exit 0
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
log "installing mariadb-server from Debian"
$SUDO apt-get update -qq
# Don't let the package start the system service; we run private instances.
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mariadb-server mariadb-client >/dev/null
$SUDO rm -f /usr/sbin/policy-rc.d
log "mariadb: $(/usr/sbin/mariadbd --version | head -1)"
