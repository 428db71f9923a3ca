#!/usr/bin/env bash
# Liquibase 4.33 (open source; 5.x is not) from Maven Central, pinned, as a flat classpath under $DBTK_CACHE
# and the wrapper $DBTK_CACHE/bin/liquibase. The adapter passes the connection through
# LIQUIBASE_COMMAND_URL / _USERNAME / _PASSWORD, never on the command line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
pom="$here/java/liquibase/pom.xml"
LIQUIBASE_VERSION=$(sed -n 's:.*<liquibase.version>\(.*\)</liquibase.version>.*:\1:p' "$pom")
home="$DBTK_CACHE/java/liquibase-$LIQUIBASE_VERSION"
# The stamp holds the pom's hash, so a changed driver pin reinstalls.
want=$(pin_hash "$pom")
if [ -f "$home/lib/liquibase-core-$LIQUIBASE_VERSION.jar" ] && is_current "$home" "$want"; then
  log "liquibase $LIQUIBASE_VERSION already installed"
else
  need mvn "install maven (apt-get install maven) and Java 17+"
  log "fetching liquibase $LIQUIBASE_VERSION jars from Maven Central"
  rm -rf "$home.tmp"
  mkdir -p "$home.tmp/lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home.tmp/lib"
  echo "$want" > "$home.tmp/.complete"
  rm -rf "$home"
  mv "$home.tmp" "$home"
fi
write_wrapper liquibase <<SH
#!/bin/sh
# Liquibase $LIQUIBASE_VERSION (installed by tools/install-liquibase.sh)
exec java \${JAVA_OPTS:-} -cp '$home/lib/*' liquibase.integration.commandline.LiquibaseCommandLine "\$@"
SH
log "liquibase: $LIQUIBASE_VERSION"
