#!/usr/bin/env bash
# Start an embedded Neo4j Community 5.26 (Bolt only, 127.0.0.1:$NEO4J_PORT; by default with
# authentication: user neo4j, password "password").
# Idempotent: if the instance for this port already runs, just prints its URI (whatever its auth).
# Informational messages go to stderr; the last line on stdout is the bolt:// URI.
#
# Environment:
#   NEO4J_PORT            Bolt port (default 7687); data in tools/neo4j/data/<port>/
#   NEO4J_AUTH            neo4j/PASSWORD (default neo4j/password): auth on, and user neo4j gets
#                         PASSWORD at every start; none: auth off, any credentials are accepted
#   NEO4J_HEAP            JVM max heap (default 1g)
#   NEO4J_PAGECACHE       page cache size (default 256m)
#   NEO4J_START_TIMEOUT   seconds to wait for readiness (default 300: a first start on a loaded 2-core machine took 103 s)
#   NEO4J_JAVA_OPTS       extra JVM options
#   (the limits on every transaction are in bounds.conf beside this script)
#   NEO4J_CDS             1 (default) = use/create an AppCDS archive for faster starts; 0 = off
#   NEO4J_LAUNCHER_CACHE  where the resolved classpath, launcher jar and CDS archive are
#                         cached (default ${XDG_CACHE_HOME:-~/.cache}/neo4j-launcher)
#   JAVA_HOME             used if set (needs Java 17+), else `java` on PATH
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${NEO4J_PORT:-7687}
if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "neo4j: invalid NEO4J_PORT '$PORT'" >&2
  exit 2
fi
DATA="$HERE/data/$PORT"
LOG="$DATA/neo4j.log"
PIDF="$DATA/neo4j.pid"
URI="bolt://127.0.0.1:$PORT"
TIMEOUT=${NEO4J_START_TIMEOUT:-300}

say() { echo "neo4j[$PORT]: $*" >&2; }

# What the running instance's launcher said about authentication on its ready line.
auth_note() {
  local line
  line=$(grep -m1 '^NEO4J_READY' "$LOG" 2>/dev/null || true)
  case $line in
    *"auth enabled"*) echo "auth enabled: user neo4j, the password NEO4J_AUTH gave at its start" ;;
    *) echo "auth disabled: any user/password is accepted" ;;
  esac
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# pid alive (not a zombie) and really our launcher for this port
our_pid() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "tools.neo4j.Launcher $DATA $PORT"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! our_pid "$pid"; then
      say "ERROR: the Neo4j process (pid $pid) exited during startup; last lines of $LOG:"
      tail -n 40 "$LOG" >&2 || true
      rm -f "$PIDF"
      exit 1
    fi
    if grep -q '^NEO4J_READY' "$LOG" 2>/dev/null && port_open "$PORT"; then
      return 0
    fi
    sleep 0.3
  done
  say "ERROR: Neo4j did not become ready within ${TIMEOUT}s (pid $pid); last lines of $LOG:"
  tail -n 40 "$LOG" >&2 || true
  tail -n 20 "$DATA/logs/debug.log" >&2 2>/dev/null || true
  exit 1
}

mkdir -p "$DATA"
# Serialise concurrent start/stop for the same port.
exec 9>"$DATA/.lock"
flock -w $((TIMEOUT + 60)) 9 || { say "ERROR: could not lock $DATA/.lock"; exit 1; }

if [[ -f $PIDF ]]; then
  pid=$(cat "$PIDF" 2>/dev/null || true)
  if our_pid "$pid"; then
    wait_ready "$pid"
    say "already running (pid $pid), $(auth_note)"
    echo "$URI"
    exit 0
  fi
  rm -f "$PIDF"
fi

if port_open "$PORT"; then
  say "ERROR: port $PORT on 127.0.0.1 is already in use by another process"
  exit 1
fi

# ---- Java, and the classpath of Neo4j's jars (classpath.sh: JAVA, CACHE, CLASSPATH) ----
# shellcheck source=classpath.sh
source "$HERE/classpath.sh"
CP="$CACHE/launcher.jar:$CLASSPATH"

# ---- JVM options ---------------------------------------------------------------
JVM_OPTS=(
  -Xms256m "-Xmx${NEO4J_HEAP:-1g}"
  -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC
  -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  # Same opens as the Neo4j server scripts: without them the page cache and the
  # transaction-log native accessors fall back to slower paths (WARNs in debug.log).
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
)
CDS_NOTE="$DATA/neo4j.cds"
rm -f "$CDS_NOTE"
if [[ ${NEO4J_CDS:-1} != 0 ]]; then
  JVM_OPTS+=("-Xlog:cds*=off" "-Xlog:class+path=off")
  if [[ -s $CACHE/neo4j.jsa ]]; then
    JVM_OPTS+=("-XX:SharedArchiveFile=$CACHE/neo4j.jsa")
  else
    # Dump a dynamic AppCDS archive when this JVM exits; stop.sh promotes it after a clean stop.
    rm -f "$CACHE/neo4j.jsa.$PORT.tmp"
    JVM_OPTS+=("-XX:ArchiveClassesAtExit=$CACHE/neo4j.jsa.$PORT.tmp")
    printf '%s\n%s\n' "$CACHE/neo4j.jsa.$PORT.tmp" "$CACHE/neo4j.jsa" >"$CDS_NOTE"
  fi
fi
if [[ -n ${NEO4J_JAVA_OPTS:-} ]]; then
  read -r -a extra <<<"$NEO4J_JAVA_OPTS"
  JVM_OPTS+=("${extra[@]}")
fi

# ---- launch ----------------------------------------------------------------------
[[ -f $LOG ]] && mv -f "$LOG" "$LOG.prev"
say "starting Neo4j (data: $DATA, log: $LOG) ..."
t0=$SECONDS
cd "$DATA"
# setsid: own session, so the server outlives this shell and ^C in the caller.
# The inner bash writes its own pid (== java's pid after exec) to the pid file.
# shellcheck disable=SC2016 # expanded by the inner bash
NEO4J_BOUNDS_FILE="$HERE/bounds.conf" setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PIDF" \
  "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" tools.neo4j.Launcher "$DATA" "$PORT" \
  >"$LOG" 2>&1 </dev/null 9>&- &
for _ in $(seq 50); do [[ -s $PIDF ]] && break; sleep 0.1; done
pid=$(cat "$PIDF" 2>/dev/null || true)
[[ -n $pid ]] || { say "ERROR: launcher did not start; log:"; cat "$LOG" >&2; exit 1; }
sleep 0.2
wait_ready "$pid"
say "ready after $((SECONDS - t0))s (pid $pid); $(auth_note)"
echo "$URI"
