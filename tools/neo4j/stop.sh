#!/usr/bin/env bash
# Stop the embedded Neo4j started by start.sh for $NEO4J_PORT (default 7687).
# SIGTERM (clean shutdown), SIGKILL after NEO4J_STOP_TIMEOUT seconds (default 60).
# Idempotent: exits 0 when nothing is running. Data in tools/neo4j/data/<port>/ is kept.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=${NEO4J_PORT:-7687}
if ! [[ $PORT =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65535)); then
  echo "neo4j: invalid NEO4J_PORT '$PORT'" >&2
  exit 2
fi
DATA="$HERE/data/$PORT"
PIDF="$DATA/neo4j.pid"
CDS_NOTE="$DATA/neo4j.cds"
TIMEOUT=${NEO4J_STOP_TIMEOUT:-60}

say() { echo "neo4j[$PORT]: $*" >&2; }

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

our_pid() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "tools.neo4j.Launcher $DATA $PORT"
}

[[ -d $DATA ]] || { say "not running"; exit 0; }
exec 9>"$DATA/.lock"
flock -w $((TIMEOUT + 180)) 9 || { say "ERROR: could not lock $DATA/.lock"; exit 1; }

pid=$(cat "$PIDF" 2>/dev/null || true)
if ! our_pid "$pid"; then
  rm -f "$PIDF" "$CDS_NOTE"
  if port_open "$PORT"; then
    say "no instance of ours is running, but port $PORT is in use by another process (left alone)"
  else
    say "not running"
  fi
  exit 0
fi

say "stopping (pid $pid) ..."
t0=$SECONDS
killed=0
kill -TERM "$pid" 2>/dev/null || true
while our_pid "$pid"; do
  if ((SECONDS - t0 >= TIMEOUT)); then
    say "still running after ${TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    killed=1
    for _ in $(seq 100); do our_pid "$pid" || break; sleep 0.1; done
    break
  fi
  sleep 0.2
done
for _ in $(seq 100); do port_open "$PORT" || break; sleep 0.1; done
if port_open "$PORT"; then
  say "WARNING: port $PORT still open after the process exited"
fi

# A JVM started without a CDS archive dumps one at a clean exit: keep it for faster starts.
if [[ -s $CDS_NOTE ]]; then
  { read -r tmp; read -r final; } <"$CDS_NOTE" || true
  if [[ -n ${tmp:-} && -n ${final:-} ]]; then
    if ((killed == 0)) && [[ -s $tmp && ! -e $final ]]; then
      mv -f "$tmp" "$final"
    else
      rm -f "$tmp"
    fi
  fi
fi
rm -f "$PIDF" "$CDS_NOTE"
say "stopped after $((SECONDS - t0))s"
