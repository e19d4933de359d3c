#!/usr/bin/env bash
# Shared by bin/tunnel-server and bin/tunnel-client: runs a module's jar, building it first when it is missing.
set -euo pipefail
module="$1"; shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/$module/target/$module.jar"
if [ ! -f "$jar" ]; then
  echo "building $module (first run) ..." >&2
  (cd "$root" && ./mvnw -B -q -DskipTests -P!image -pl "$module" -am package) >&2
fi
exec java ${PORTWAY_JAVA_OPTS:-} -jar "$jar" "$@"
