#!/usr/bin/env bash
# The real Flyway engine (open-source flyway-core 13.x + PostgreSQL/MySQL plugins) from Maven Central,
# pinned, into $DBTK_CACHE, with a `flyway` command ($DBTK_CACHE/bin/flyway) for the interoperability
# tests and the migrations benchmark. Flyway's own command-line jar cannot start from Central's jars (see
# tools/java/flyway/pom.xml), so tools/java/flyway/FlywayCli.java stands in: `flyway [-key=value] <cmd>`.
# Pass the connection with FLYWAY_URL / FLYWAY_USER / FLYWAY_PASSWORD, never on the command line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
src="$here/java/flyway"
FLYWAY_VERSION=$(sed -n 's:.*<flyway.version>\(.*\)</flyway.version>.*:\1:p' "$src/pom.xml")
home="$DBTK_CACHE/java/flyway-$FLYWAY_VERSION"
# The stamp covers the pom and the driver's source, so editing either reinstalls.
stamp=$(cat "$src/pom.xml" "$src/FlywayCli.java" | sha256sum | cut -c1-16)
if is_current "$home" "$stamp"; then
  log "flyway $FLYWAY_VERSION already installed"
else
  if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
    log "installing maven and a JDK from Debian"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends maven openjdk-17-jdk-headless >/dev/null
  fi
  log "fetching flyway $FLYWAY_VERSION jars from Maven Central"
  rm -rf "$home.tmp"
  mkdir -p "$home.tmp/lib" "$home.tmp/classes"
  # settings.xml: Central only (Flyway's parent pom lists repositories this machine cannot reach).
  mvn -q -B -s "$src/settings.xml" -f "$src/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$home.tmp/lib"
  javac -nowarn -d "$home.tmp/classes" -cp "$home.tmp/lib/*" "$src/FlywayCli.java"
  echo "$stamp" > "$home.tmp/.complete"
  rm -rf "$home"
  mv "$home.tmp" "$home"
fi
write_wrapper flyway <<SH
#!/bin/sh
# Flyway $FLYWAY_VERSION engine (installed by tools/install-flyway.sh); no telemetry, no network.
export FLYWAY_TELEMETRY_OPTOUT=true REDGATE_DISABLE_TELEMETRY=true
exec java -cp '$home/classes:$home/lib/*' FlywayCli "\$@"
SH
log "flyway: $("$DBTK_CACHE/bin/flyway" -v 2>/dev/null | tail -1)"
