# Sourced by bench/run: settings, servers, wrk, seeding and /metrics sampling shared by every mode.
# shellcheck shell=bash

DURATION="${BENCH_DURATION:-15s}"
WARMUP="${BENCH_WARMUP:-5s}"
WARMUP_JIT_PERCENT="${BENCH_WARMUP_JIT_PERCENT:-5}"
WARMUP_ROUNDS="${BENCH_WARMUP_ROUNDS:-6}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
PORT="${BENCH_PORT:-18080}"
CHATS="${BENCH_CHATS:-10000}"
MESSAGES="${BENCH_MESSAGES:-10000}"
HEAP="${BENCH_HEAP:-192m}"
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(dirname "$BENCH")"
RESULTS="${BENCH_RESULTS:-$BENCH/results}"
WORK="$(mktemp -d /tmp/chat-bench.XXXXXX)"
BENCH_DB="" # the stack's database, created by prepare_stack and dropped by cleanup
BENCH_INDEX=chat-bench # the stack's Elasticsearch index, deleted by prepare_stack and cleanup (never the default one)
# The user scripts/services provisions (root may log in only over the socket on a fresh Debian MariaDB); its grant
# covers every database named chat%, BENCH_DB included.
DB_USER=chat
DB_PASSWORD=chat

# bench_sql ARGS...: the mariadb client as DB_USER over TCP.
bench_sql() {
  "$(command -v mariadb || command -v mysql)" -u"$DB_USER" -p"$DB_PASSWORD" -h127.0.0.1 "$@"
}
BASE=""     # the server use_server chose: every helper below talks to it
API=""
declare -A SERVER_PID=() SERVER_PORT=()
declare -A WARMED=() # how warm_jit left each server, for the reports
declare -a HELPER_PIDS=()       # samplers and other background loops, stopped by cleanup
declare -a BENCH_SCRIPT_KEYS=() # Redis keys `bench/run script` made for redis-benchmark, deleted by cleanup

log() { echo "bench: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
  local pid name
  # shellcheck disable=SC2046 # one pid per word
  for pid in "${HELPER_PIDS[@]}" $(jobs -p); do kill "$pid" 2>/dev/null || true; done
  for name in "${!SERVER_PID[@]}"; do stop_server "$name"; done
  rm -rf "$WORK"
  if [ ${#BENCH_SCRIPT_KEYS[@]} -gt 0 ]; then redis-cli -n 15 DEL "${BENCH_SCRIPT_KEYS[@]}" >/dev/null 2>&1 || true; fi
  # The stack run's database, Redis db 15 and the index are ours alone (prepare_stack emptied them): empty them
  # once the servers have stopped, so a drain's backlog does not stay in the shared Redis.
  if [ -n "$BENCH_DB" ]; then
    bench_sql -e "DROP DATABASE IF EXISTS $BENCH_DB" 2>/dev/null || true
    redis-cli -n 15 FLUSHDB >/dev/null 2>&1 || true
    delete_bench_index 2>/dev/null || true
  fi
}

ensure_tools() {
  local missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  command -v curl >/dev/null || missing+=(curl)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null || { $sudo apt-get update -q && $sudo apt-get install -y -q "${missing[@]}"; }
}

build() {
  # shellcheck source=scripts/java-home.sh
  source "$ROOT/scripts/java-home.sh"
  if [ "${BENCH_BUILD:-1}" = 0 ] && [ -f "$ROOT/chat-http/target/chat-server.jar" ]; then
    log "BENCH_BUILD=0: using the jar already built"
    return
  fi
  log "building the server jar"
  (cd "$ROOT" && mvn -B -q -pl chat-http -am package -DskipTests -Dspotless.check.skip=true)
}

# prepare_stack: scripts/services up, a fresh MariaDB database, Redis db 15 flushed, the Elasticsearch index deleted.
prepare_stack() {
  "$ROOT/scripts/services" up
  BENCH_DB="chat_bench_$$"
  bench_sql -e "DROP DATABASE IF EXISTS $BENCH_DB; CREATE DATABASE $BENCH_DB"
  redis-cli -n 15 FLUSHDB >/dev/null
  delete_bench_index || true
}

# delete_bench_index: the bench index, which a full reindex turns into an alias of <index>-gen-<millis>, by the names
# of the indexes themselves (Elasticsearch deletes no index through an alias or a wildcard).
delete_bench_index() {
  local index
  for index in $(curl -s "http://127.0.0.1:9200/_cat/indices/$BENCH_INDEX,$BENCH_INDEX-gen-*?h=index&ignore_unavailable=true"); do
    curl -s -X DELETE "http://127.0.0.1:9200/$index" >/dev/null
  done
}

# start_server NAME KIND PORT [ROLE]: starts the server jar (KIND embedded: its own data dir; stack: the database
# of prepare_stack, Redis db 15, Elasticsearch) and waits until it answers /health.
start_server() {
  local name=$1 kind=$2 port=$3 role=${4:-all}
  local -a env=(CHAT_PORT="$port" CHAT_ROLE="$role")
  if [ "$kind" = embedded ]; then
    env+=(CHAT_DATA_DIR="$WORK/data-$name")
  else
    [ -n "$BENCH_DB" ] || die "start_server $name: prepare_stack first"
    env+=(CHAT_DB_URL="jdbc:mysql://127.0.0.1:3306/$BENCH_DB" CHAT_DB_USER="$DB_USER" CHAT_DB_PASSWORD="$DB_PASSWORD"
      CHAT_REDIS_URL="redis://127.0.0.1:6379/15" CHAT_ELASTICSEARCH_URL="http://127.0.0.1:9200"
      CHAT_ELASTICSEARCH_INDEX="$BENCH_INDEX")
  fi
  # A server left answering on the port (a run killed by SIGKILL, another run) would pass for this one: its
  # figures would be measured on the wrong server, and the new one would fail to bind.
  if curl -s -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
    die "port $port already answers HTTP: stop what runs there or set BENCH_PORT"
  fi
  log "starting the server $name ($kind, role $role) on port $port"
  # TrimNativeHeapInterval: the JVM hands native memory it freed (JIT arenas and the like) back to the OS once a
  # second; glibc keeps it otherwise. Paired runs of an embedded server under creates and searches: anonymous RSS
  # 378-409 MB with it, 397-432 MB without.
  # -UseDynamicNumberOfCompilerThreads: compiler threads the JVM starts for a burst would end with their CPU time,
  # which jit_cpu_ticks then could not see (on two cores there is one C1 and one C2 thread either way).
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS: one option per word
  # The caller's own CHAT_* variables (README's development setup exports some) would change which backends the
  # server uses: only those set here reach it.
  env $(compgen -e | grep '^CHAT_' | sed 's/^/-u /') "${env[@]}" "$JAVA_HOME/bin/java" -Xmx"$HEAP" -XX:+UseParallelGC -XX:TrimNativeHeapInterval=1000 \
    -XX:-UseDynamicNumberOfCompilerThreads ${BENCH_JAVA_OPTS:-} \
    -jar "$ROOT/chat-http/target/chat-server.jar" >"$WORK/server-$name.log" 2>&1 &
  SERVER_PID[$name]=$!
  SERVER_PORT[$name]=$port
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return
    kill -0 "${SERVER_PID[$name]}" 2>/dev/null || { cat "$WORK/server-$name.log" >&2; die "the server $name exited"; }
    sleep 0.5
  done
  die "the server $name did not answer within 60 s"
}

stop_server() {
  local pid=${SERVER_PID[$1]:-}
  unset "SERVER_PID[$1]"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
}

# use_server NAME: points BASE and API (and so every helper below) at that server.
use_server() {
  BASE="http://127.0.0.1:${SERVER_PORT[$1]}"
  API="$BASE/api/v1/applications"
}

# CPU time in clock ticks: of one process (user + system), and of the whole box (every CPU, all but idle and iowait).
process_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
box_cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
# jit_cpu_ticks PID: CPU time of the JVM's JIT compiler threads (named "C1/C2 CompilerThreadN", cut to 15 characters
# in /proc). The name holds a space, so the fields are counted from the ")" that closes it.
# A thread may end between the glob and the read: cat skips it, where awk would give up on the whole reading.
jit_cpu_ticks() {
  { cat /proc/"$1"/task/*/stat 2>/dev/null || :; } |
    awk '/^[0-9]+ \(C[12] CompilerThre/ { rest = $0; sub(/^.*\) /, "", rest); split(rest, f, " "); t += f[12] + f[13] }
      END { print t + 0 }'
}
# commit_id: the commit the reports were measured at, "-dirty" when tracked files (results aside) differ from it.
commit_id() {
  local id
  id=$(git -C "$ROOT" rev-parse --short HEAD)
  git -C "$ROOT" diff --quiet HEAD -- . ':(exclude)bench/results' || id="$id-dirty"
  echo "$id"
}
# warm_jit SERVER COMMAND...: runs COMMAND (one round of unmeasured load on SERVER) again and again until the JIT
# compiler threads take under BENCH_WARMUP_JIT_PERCENT (5) of the server's CPU in a round, or BENCH_WARMUP_ROUNDS (6)
# rounds; WARMED[SERVER] says how it ended. On two cores a C2 compiler thread still compiled for over a minute of
# creates: a short warm-up measured creates with a fifth to a third of the server's CPU in the JIT and /health (warm
# in seconds) without, which under-stated every ratio to /health.
warm_jit() {
  local server=$1 pid=${SERVER_PID[$1]} round=0 server_before jit_before share
  shift
  while :; do
    round=$((round + 1))
    server_before=$(process_cpu_ticks "$pid")
    jit_before=$(jit_cpu_ticks "$pid")
    "$@"
    share=$(percent "$(($(jit_cpu_ticks "$pid") - jit_before))" "$(($(process_cpu_ticks "$pid") - server_before))")
    log "warm-up round $round on $server: the JIT took $share % of the server's CPU"
    WARMED[$server]="$round round(s); the JIT took $share % of the server's CPU in the last"
    awk -v s="$share" -v max="$WARMUP_JIT_PERCENT" 'BEGIN { exit !(s == "-" || s + 0 < max + 0) }' && return
    [ "$round" -lt "$WARMUP_ROUNDS" ] || return 0
  done
}

# percent PART WHOLE: PART as a percentage of WHOLE, one decimal ("-" when WHOLE is 0).
percent() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else printf "-" }'; }
# cpu_per_request BEFORE AFTER RESULT: microseconds of CPU per request answered between the two tick readings.
cpu_per_request() {
  awk -v t="$(($2 - $1))" -v n="$(value requests "$3")" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else printf "-" }'
}
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
new_app() { curl -sf -X POST "$API" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" | json_field token; }
value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.2f", us / 1000 }'; }
now() { date +%s.%N; }

# run_wrk NAME SCRIPT DURATION CONNECTIONS ARGS...: prints wrk's RESULT line (see common.done in bench/lua/common.lua;
# every wrk run gives its scripts WRK_CONNECTIONS, which undoing wrk's latency correction needs).
run_wrk() {
  local name=$1 script=$2 duration=$3 connections=$4
  shift 4
  (cd "$BENCH/lua" && WRK_CONNECTIONS=$connections wrk -t"$THREADS" -c"$connections" -d"$duration" --latency -s "$script" "$BASE" -- "$@") \
    >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out" >&2; die "wrk failed in $name"; }
  grep '^RESULT ' "$WORK/$name.out" || { cat "$WORK/$name.out" >&2; die "no RESULT line in $name"; }
  grep -q '^RESULT .*latency_check=ok' "$WORK/$name.out" || die "$name: undoing wrk's latency correction failed"
}

# seed PATH KIND COUNT COUNT_URL FIELD: POSTs COUNT chats or messages with wrk (16 connections), until the count
# FIELD read from COUNT_URL reaches COUNT. wrk has no request budget and always runs its full duration, so the seed
# script stops each wrk thread at its quota and this function ends wrk once the server counts them all.
seed() {
  local path=$1 kind=$2 count=$3 count_url=$4 field=$5
  (cd "$BENCH/lua" && WRK_CONNECTIONS=16 exec wrk -t"$THREADS" -c16 -d600s -s seed.lua "$BASE" -- "$path" "$kind" "$count" "$THREADS") \
    >"$WORK/seed-$kind.out" 2>&1 &
  local wrk_pid=$! seeded=0 last=-1 still=0
  for _ in $(seq 1 1200); do
    seeded=$(curl -sf "$count_url" | json_field "$field")
    [ "${seeded:-0}" -ge "$count" ] && break
    # a create cut off when wrk stops a thread can leave the count a few short: stop once it no longer moves
    if [ "${seeded:-0}" = "$last" ]; then still=$((still + 1)); else still=0; last=${seeded:-0}; fi
    [ "$still" -ge 6 ] && break
    kill -0 "$wrk_pid" 2>/dev/null || break
    [ $((SECONDS % 10)) -eq 0 ] && log "  $kind: ${seeded:-0} of $count"
    sleep 0.5
  done
  kill "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  log "  seeded $seeded of $count ${kind}s"
}

# queue_stages: one line "<persist entries> <index entries> <persist oldest age s> <index oldest age s>", summed
# (entries) and maximized (ages) over the shards, from the server's /metrics.
queue_stages() {
  curl -sf "$BASE/metrics" | awk '
    /^chat_queue_entries\{/ { e[stage($0)] += $2 }
    /^chat_queue_oldest_age_seconds\{/ { s = stage($0); if ($2 > a[s]) a[s] = $2 }
    function stage(line) { return line ~ /stage="index"/ ? "index" : "persist" }
    END { printf "%d %d %.3f %.3f\n", e["persist"], e["index"], a["persist"], a["index"] }'
}

# sampler NAME FILE: every second appends "<epoch s> <label> <rss kB> <persist> <index> <persist age> <index age>
# <anonymous rss kB> <file rss kB>" for server NAME to FILE, where label is the content of $WORK/current (what is
# running: "idle" when nothing). RSS is VmRSS: anonymous memory (heap, JVM, native) plus mapped files' resident pages.
sampler() {
  local name=$1 file=$2 rss stages
  use_server "$name"
  while true; do
    rss=$(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { print r + 0, a + 0, f + 0 }' \
      "/proc/${SERVER_PID[$name]}/status" 2>/dev/null) || rss="0 0 0"
    stages=$(queue_stages 2>/dev/null) || stages="0 0 0 0"
    echo "$(date +%s.%N) $(cat "$WORK/current" 2>/dev/null || echo idle) ${rss%% *} $stages ${rss#* }" >>"$file"
    sleep 1
  done
}

# start_sampler NAME FILE: runs sampler in the background until cleanup (or stop_helpers).
start_sampler() {
  sampler "$@" &
  HELPER_PIDS+=($!)
}

stop_helpers() {
  local pid
  for pid in "${HELPER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  HELPER_PIDS=()
}

# wait_drained [SECONDS]: waits until the queue backlog is empty (stack) so one scenario's backlog does not slow the
# next.
wait_drained() {
  local seconds=${1:-120} persist index
  for _ in $(seq 1 "$seconds"); do
    read -r persist index _ < <(queue_stages) || true
    [ "${persist:-1}" = 0 ] && [ "${index:-1}" = 0 ] && return
    sleep 1
  done
  log "the queue did not drain within $seconds s"
}

# shard_of TOKEN: the queue shard of an application, as RedisKeys.shardOf computes it (CRC-32 of the token modulo
# CHAT_SHARDS, 8 by default); gzip's trailer carries the same CRC-32, little-endian.
shard_of() { echo $(($(printf %s "$1" | gzip -c | tail -c 8 | od -An -N4 -tu4) % 8)); }

# spread_apps NAME CHATS: creates applications until the 8 queue shards have one each, seeds CHATS chats into each
# and sets APPS to their tokens and SPREAD_CHATS to the fewest chats one of them got (seeding can end a few
# short), so a load over chats 1..SPREAD_CHATS of them spreads over every shard as many tenants would.
spread_apps() {
  local label=$1 chats=$2 token shard count
  local -A taken=()
  APPS=()
  for _ in $(seq 1 400); do
    token=$(new_app "$label")
    shard=$(shard_of "$token")
    [ -n "${taken[$shard]:-}" ] && continue
    taken[$shard]=1
    APPS+=("$token")
    [ ${#APPS[@]} -ge 8 ] && break
  done
  SPREAD_CHATS=$chats
  for token in "${APPS[@]}"; do
    seed "/api/v1/applications/$token/chats" chat "$chats" "$API/$token" chats_count
    count=$(curl -sf "$API/$token" | json_field chats_count)
    [ "$count" -lt "$SPREAD_CHATS" ] && SPREAD_CHATS=$count
  done
  log "  8 applications of at least $SPREAD_CHATS chats"
}

# compile_probe: compiles bench/Probe.java once, so its start does not cost compilation during a measurement.
compile_probe() {
  mkdir -p "$WORK/probe"
  "$JAVA_HOME/bin/javac" -nowarn -d "$WORK/probe" -cp "$ROOT/chat-http/target/chat-server.jar" "$BENCH/Probe.java"
}
