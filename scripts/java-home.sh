# Sourced by scripts: exports JAVA_HOME pointing at a JDK >= 21 (the current one if it qualifies).
# The major version ("1.8" reads 8), printed only for a JDK (javac beside java).
java_major() {
  [ -x "$1/bin/javac" ] || return 1
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java.specification.version = //p' | sed 's/^1\.//; s/\..*//'
}
jdk_21_or_newer() {
  major="$(java_major "$1" 2>/dev/null)"
  [ "${major:-0}" -ge 21 ] 2>/dev/null
}
if [ -z "${JAVA_HOME:-}" ] || ! jdk_21_or_newer "$JAVA_HOME"; then
  for candidate in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    if jdk_21_or_newer "$candidate"; then JAVA_HOME="$candidate"; fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || ! jdk_21_or_newer "$JAVA_HOME"; then
  echo "No JDK 21 or newer found: install one and set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
