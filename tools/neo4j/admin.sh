#!/usr/bin/env bash
# Run neo4j-admin (Neo4j's own admin tool, from the same Maven Central jars as start.sh) on the
# data of the embedded Neo4j for $NEO4J_PORT, e.g. its offline importer:
#   NEO4J_PORT=7688 tools/neo4j/admin.sh database import full --nodes=... neo4j
# The instance must be stopped (stop.sh): an offline tool writes the store files directly.
#
# Environment: NEO4J_PORT (default 7687), NEO4J_ADMIN_HEAP (JVM heap, default 1g), JAVA_HOME.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${NEO4J_PORT:-7687}
if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "neo4j: invalid NEO4J_PORT '$PORT'" >&2
  exit 2
fi
DATA="$HERE/data/$PORT"
say() { echo "neo4j-admin[$PORT]: $*" >&2; }

mkdir -p "$DATA"
exec 9>"$DATA/.lock"
flock -w 60 9 || { say "ERROR: could not lock $DATA/.lock"; exit 1; }
pid=$(cat "$DATA/neo4j.pid" 2>/dev/null || true)
if [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "tools.neo4j.Launcher $DATA $PORT"; then
  say "ERROR: Neo4j for port $PORT is running (pid $pid); stop it first (tools/neo4j/stop.sh)"
  exit 1
fi

# shellcheck source=classpath.sh
source "$HERE/classpath.sh"

# The launcher's home is the DBMS home: its databases are in $DATA/data, as neo4j-admin expects.
export NEO4J_HOME=$DATA
exec "$JAVA" "-Xmx${NEO4J_ADMIN_HEAP:-1g}" -XX:+UseG1GC \
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  -cp "$CLASSPATH" org.neo4j.cli.AdminTool "$@"
