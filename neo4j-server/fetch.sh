#!/usr/bin/env bash
# Fetch the Neo4j + APOC jars into neo4j-server/lib (git-ignored; GPLv3 jars are never committed).
# A no-op when the jars are already there; retries transient download errors.
#   usage: neo4j-server/fetch.sh [--force]
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$DIR/lib"
VERSION="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$DIR/pom.xml")"
STAMP="$LIB/.complete-$VERSION"

if [[ "${1:-}" != "--force" && -f "$STAMP" && -f "$LIB/neo4j-$VERSION.jar" ]]; then
  exit 0
fi
command -v mvn >/dev/null || { echo "fetch.sh: mvn not found; install Maven 3.8+ (apt-get install maven)" >&2; exit 127; }

# Download into a scratch dir and swap it in, so an interrupted fetch never leaves a half-filled lib/.
TMP="$DIR/lib.partial.$$"
trap 'rm -rf "$TMP"' EXIT
for attempt in 1 2 3 4 5; do
  rm -rf "$TMP"
  # outputDirectory must be absolute: Maven resolves a relative one against the pom's directory.
  if mvn -B -q -Dstyle.color=never -f "$DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$TMP" \
       -Dmaven.wagon.http.retryHandler.count=3; then
    touch "$TMP/.complete-$VERSION"
    rm -rf "$LIB"
    mv "$TMP" "$LIB"
    echo "fetch.sh: $(ls "$LIB"/*.jar | wc -l) jars in $LIB" >&2
    exit 0
  fi
  echo "fetch.sh: attempt $attempt failed; retrying in $((attempt * 5)) s" >&2
  sleep $((attempt * 5))
done
echo "fetch.sh: could not download the jars from Maven Central" >&2
exit 1
