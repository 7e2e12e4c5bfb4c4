# Sourced by start.sh and admin.sh (which set HERE and define say): finds Java 17+ (JAVA), and
# resolves Neo4j's jars from Maven Central with pom.xml once, caching the classpath and the
# compiled launcher by content in CACHE; sets CLASSPATH to the jars.
# ---- Java ------------------------------------------------------------------
if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
  JAVA="$JAVA_HOME/bin/java"
  JAVAC="$JAVA_HOME/bin/javac"
  JAR="$JAVA_HOME/bin/jar"
else
  JAVA=$(command -v java) || { say "ERROR: java not found (need Java 17+; set JAVA_HOME)"; exit 1; }
  JAVA=$(readlink -f "$JAVA")
  JAVAC="$(dirname "$JAVA")/javac"
  JAR="$(dirname "$JAVA")/jar"
fi
JAVA_VERSION=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2; exit}')
JAVA_MAJOR=${JAVA_VERSION%%.*}
JAVA_MAJOR=${JAVA_MAJOR%%+*}
if ! [[ $JAVA_MAJOR =~ ^[0-9]+$ ]] || ((JAVA_MAJOR < 17)); then
  say "ERROR: $JAVA is Java '$JAVA_VERSION'; Neo4j 5.26 needs Java 17 or 21 (set JAVA_HOME)"
  exit 1
fi

# ---- classpath + launcher jar, cached by content ------------------------------
SRC="$HERE/src/main/java/tools/neo4j/Launcher.java"
KEY=$( { cat "$HERE/pom.xml" "$SRC"; echo "$JAVA $JAVA_VERSION"; } | sha256sum | cut -c1-16)
CACHE_ROOT=${NEO4J_LAUNCHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/neo4j-launcher}
CACHE="$CACHE_ROOT/$KEY"
mkdir -p "$CACHE"

classpath_ok() {
  [[ -s $CACHE/classpath.txt && -s $CACHE/launcher.jar ]] || return 1
  local j
  IFS=: read -r -a jars <"$CACHE/classpath.txt"
  for j in "${jars[@]}"; do [[ -f $j ]] || return 1; done
}

if ! classpath_ok; then
  exec 8>"$CACHE_ROOT/.build.lock"
  flock -w 900 8
  if ! classpath_ok; then
    say "resolving Neo4j jars with Maven (first run only) ..."
    command -v mvn >/dev/null || { say "ERROR: mvn not found"; exit 1; }
    rm -f "$CACHE/classpath.txt.tmp"
    # Maven inherits JAVA_HOME; the classpath only references jars in the local repository.
    if ! mvn -q -B -f "$HERE/pom.xml" dependency:build-classpath \
      -Dmdep.outputFile="$CACHE/classpath.txt.tmp" -Dmdep.includeScope=runtime \
      >"$CACHE/mvn.log" 2>&1; then
      say "ERROR: Maven could not resolve the Neo4j jars:"
      cat "$CACHE/mvn.log" >&2
      exit 1
    fi
    mv -f "$CACHE/classpath.txt.tmp" "$CACHE/classpath.txt"
    tmpc=$(mktemp -d)
    "$JAVAC" --release 17 -nowarn -d "$tmpc" -cp "$(cat "$CACHE/classpath.txt")" "$SRC" >&2
    "$JAR" cf "$CACHE/launcher.jar.tmp" -C "$tmpc" .
    rm -rf "$tmpc"
    mv -f "$CACHE/launcher.jar.tmp" "$CACHE/launcher.jar"
    rm -f "$CACHE"/neo4j.jsa "$CACHE"/neo4j.jsa.*.tmp
  fi
  exec 8>&-
fi
CLASSPATH=$(cat "$CACHE/classpath.txt")
