# Sourced by bench/run: `bench/run drain`, how fast workers drain a backlog queued while none ran (stack).
# shellcheck shell=bash

BACKLOG="${BENCH_BACKLOG:-500000}"
DRAIN_TIMEOUT="${BENCH_DRAIN_TIMEOUT:-1800}"

# redis_memory: Redis's used_memory (bytes) and used_memory_human; the figure covers every db of the instance.
redis_memory() { redis-cli -n 15 info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { b = $2 } $1 == "used_memory_human" { h = $2 } END { print b, h }'; }

drain_mode() {
  local per_app=$((CHATS / 8)) queued=0 last=-1 still=0 start end wrk_pid queue_s load persist index
  local mem_before mem_before_h mem_peak mem_peak_h worker_start base peak health md="$RESULTS/drain.md"
  prepare_stack
  start_server api stack "$PORT" api
  use_server api
  log "seeding 8 applications (one per queue shard) of $per_app chats each"
  spread_apps "bench drain" "$per_app"
  per_app=$SPREAD_CHATS
  # the API alone persists nothing: the chats just seeded are queued too, and count in the drain
  # the ceiling of this same process, for the ratio of an API instance's create rate to it
  run_wrk "drain-health-warmup" health.lua "$WARMUP" "$CONNECTIONS" >/dev/null
  health=$(run_wrk "drain-health" health.lua "$DURATION" "$CONNECTIONS")
  read -r mem_before mem_before_h < <(redis_memory)
  read -r base _ < <(queue_stages)
  log "queueing $BACKLOG messages with no worker running"
  start=$(now)
  (cd "$BENCH/lua" && WRK_CONNECTIONS=$CONNECTIONS exec wrk -t"$THREADS" -c"$CONNECTIONS" -d3600s --latency -s load.lua "$BASE" \
    -- 0 "$BACKLOG" "$THREADS" "$per_app" "${APPS[@]}") >"$WORK/drain-wrk.out" 2>&1 &
  wrk_pid=$!
  while true; do
    read -r persist _ < <(queue_stages) || true
    queued=$((${persist:-0} - base))
    [ "$queued" -ge "$BACKLOG" ] && break
    if [ "$queued" = "$last" ]; then still=$((still + 1)); else still=0; last=$queued; fi
    [ "$still" -ge 5 ] && { log "the backlog stopped growing at $queued"; break; }
    kill -0 "$wrk_pid" 2>/dev/null || break
    [ $((SECONDS % 10)) -eq 0 ] && log "  queued $queued of $BACKLOG"
    sleep 1
  done
  end=$(now)
  kill -INT "$wrk_pid" 2>/dev/null || true # wrk prints its summary when interrupted
  wait "$wrk_pid" 2>/dev/null || true
  load=$(grep '^RESULT ' "$WORK/drain-wrk.out") || load=""
  sleep 1
  read -r peak index _ < <(queue_stages)
  queue_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
  read -r mem_peak mem_peak_h < <(redis_memory)
  log "  queued: persist $peak, index $index entries in ${queue_s}s; Redis used_memory $mem_peak_h (before: $mem_before_h)"

  # The worker's own port; the API process keeps serving /metrics, read once a second from it.
  echo drain >"$WORK/current"
  start_sampler api "$WORK/samples"
  worker_start=$(now)
  start_server worker stack "$((PORT + 1))" worker
  use_server api
  log "worker up after $(awk -v a="$worker_start" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s; draining"
  for _ in $(seq 1 "$DRAIN_TIMEOUT"); do
    read -r persist index _ < <(queue_stages) || true
    [ "${persist:-1}" = 0 ] && [ "${index:-1}" = 0 ] && break
    sleep 1
  done
  sleep 1.5 # one more sample of the empty queue
  stop_helpers
  [ "${BENCH_DRAIN_SEARCH:-1}" = 0 ] || search_large_corpus
  mkdir -p "$RESULTS"
  {
    echo "# Benchmark: backlog drain (stack)"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`bench/run drain\` on $(nproc) cores, loopback, MariaDB, Redis,"
    echo "Elasticsearch and both server processes (heap -Xmx$HEAP each) in the same box; commit $(commit_id)."
    echo "A server in role \`api\` (no workers) took $BACKLOG message creates from wrk ($CONNECTIONS connections, as fast as"
    echo "it went) into random chats of 8 applications (one on each queue shard) of $per_app chats each; then a second"
    echo "process in role \`worker\` started on the same backends and drained the queue."
    echo
    echo "| queueing | entries | seconds | creates/s | p50 ms | p99 ms | non-2xx | Redis used_memory before | at the peak backlog |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    awk -v e="$peak" -v base="$base" -v s="$queue_s" -v p50="$(ms "$(value p50_us "$load")")" \
      -v p99="$(ms "$(value p99_us "$load")")" -v err="$(value status_errors "$load")" -v mb="$mem_before_h" \
      -v mp="$mem_peak_h" -v bytes="$((mem_peak - mem_before))" 'BEGIN {
        printf "| %d messages (+ %d seeded chats) | %d | %s | %.0f | %s | %s | %s | %s | %s (+%.0f bytes/entry) |\n",
          e - base, base, e, s, (e - base) / s, p50, p99, err, mb, mp, bytes / (e - base) }'
    echo
    awk -v e="$peak" -v base="$base" -v s="$queue_s" -v h="$(value rps "$health")" 'BEGIN {
        printf "An API instance alone (no worker in the process) took %.0f creates/s: **%.0f %%** of its own `GET /health`\n", (e - base) / s, 100 * (e - base) / s / h
        printf "rate (%.0f req/s, %s connections, measured just before in the same process).\n", h, '"$CONNECTIONS"' }'
    echo
    drain_table "$WORK/samples" "$worker_start"
    echo
    echo "Entries are \`chat_queue_entries\` summed over the shards, per stage, read from the API process's \`/metrics\`"
    echo "once a second. The drain rate is entries per second between the first sample below the peak and the first"
    echo "empty sample; the best window is the fastest 10 s between those two samples; time to empty also counts from the worker's"
    echo "launch (JVM start-up included). Redis memory is the instance's \`used_memory\` (every db, so other users'"
    echo "data too): the difference to before the queueing is the backlog's cost."
    [ -z "${SEARCH_ROWS:-}" ] || search_report
  } >"$md"
  log "wrote $md"
  cat "$md"
}

# drain_table SAMPLES LAUNCH: per stage, the drain rate (overall and best 10 s window) and the time to empty.
drain_table() {
  echo "| stage | peak entries | drain entries/s | best 10 s window entries/s | empty after s (from first drop) | from worker launch s | target |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  awk -v launch="$2" '
    $2 == "drain" { n++; t[n] = $1; v["persist", n] = $4; v["index", n] = $5 }
    END {
      split("persist index", stages, " ")
      for (k = 1; k <= 2; k++) {
        s = stages[k]; peak = 0; first = 0; empty = 0; best = -1
        for (i = 1; i <= n; i++) if (v[s, i] > peak) peak = v[s, i]
        # first: the last sample at the peak (draining starts after it); empty: the first empty sample after that
        for (i = 2; i <= n; i++) { if (!first && v[s, i] < peak) first = i - 1; if (first && !empty && v[s, i] == 0) empty = i }
        if (!empty) { printf "| %s | %d | not empty when sampling stopped | | | | 20,000+/s |\n", s, peak; continue }
        # windows of 10 s (give or take a sampling jitter) within the drain
        for (i = first; i <= empty; i++) for (j = i + 1; j <= empty && t[j] - t[i] <= 10.5; j++)
          if (t[j] - t[i] >= 9.5 && (v[s, i] - v[s, j]) / (t[j] - t[i]) > best) best = (v[s, i] - v[s, j]) / (t[j] - t[i])
        rate = peak / (t[empty] - t[first])
        window = best < 0 ? "(drained within 10 s)" : sprintf("%.0f", best)
        printf "| %s | %d | %.0f | %s | %.1f | %.1f | 20,000+/s |\n", s, peak, rate, window, t[empty] - t[first], t[empty] - launch
      }
    }' "$1"
}

# search_large_corpus: with the backlog indexed, seeds one more chat of $MESSAGES messages and searches it, one
# connection at a time (latency) and with $CONNECTIONS (throughput), into SEARCH_ROWS for search_report.
search_large_corpus() {
  local app docs row
  use_server api
  app=$(new_app "bench search")
  curl -sf -X POST "$API/$app/chats" >/dev/null
  seed "/api/v1/applications/$app/chats/1/messages" message "$MESSAGES" "$API/$app/chats/1" messages_count
  wait_drained
  # Every stored message must be searchable: wait (at most 120 s) until the index counts as many documents as MySQL
  # holds messages, and report both.
  STORED_MESSAGES=$(bench_sql -N -e "SELECT COUNT(*) FROM $BENCH_DB.messages")
  for INDEX_WAIT_S in $(seq 0 120); do
    curl -sf -X POST "http://127.0.0.1:9200/$BENCH_INDEX/_refresh" >/dev/null || true
    docs=$(curl -sf "http://127.0.0.1:9200/$BENCH_INDEX/_count" | json_field count)
    [ "${docs:-0}" -ge "$STORED_MESSAGES" ] && break
    sleep 1
  done
  SEARCH_DOCS=${docs:-0}
  SEARCH_ROWS=""
  local threads
  local scenario
  for scenario in search search_short; do
    for connections in 1 "$CONNECTIONS"; do
      threads=$((connections < THREADS ? connections : THREADS)) # wrk needs a connection per thread
      THREADS=$threads run_wrk "$scenario-warmup-$connections" "$scenario.lua" "$WARMUP" "$connections" "$app" 1 \
        >/dev/null
      row=$(THREADS=$threads run_wrk "$scenario-$connections" "$scenario.lua" "$DURATION" "$connections" "$app" 1)
      log "  $scenario at $connections connections: $row"
      SEARCH_ROWS+="$scenario $connections $row"$'\n'
    done
  done
}

# search_report: the table of search_large_corpus.
search_report() {
  echo
  echo "## Search in a chat of $MESSAGES messages among $SEARCH_DOCS indexed"
  echo
  echo "After the drain, one more chat of $MESSAGES messages was created through the API and indexed; the \`search\`"
  echo "scenario (a random word or word prefix of 3+ characters, limit 20) then ran for $DURATION at 1 connection"
  echo "(latency) and at $CONNECTIONS (throughput), against the API process, and after it \`search_short\` (one or two"
  echo "consecutive letters of a random word, at its start or inside it: almost every message matches). Latencies are of"
  echo "the requests as answered (wrk's correction for coordinated omission undone, see bench/lua/latency.lua)."
  echo
  echo "Stored and indexed: $STORED_MESSAGES messages in MySQL, $SEARCH_DOCS documents in Elasticsearch, counted"
  echo "$INDEX_WAIT_S s after the queue's index stage read empty (the last bulk requests and a refresh); a count below"
  echo "the stored one after 120 s would mean messages missing from search."
  echo
  echo "| scenario | connections | req/s | p50 ms | p90 ms | p95 ms | p99 ms | max ms | non-2xx | target |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  while read -r scenario connections row; do
    [ -n "$connections" ] || continue
    echo "| \`$scenario\` | $connections | $(value rps "$row") | $(ms "$(value p50_us "$row")") | $(ms "$(value p90_us "$row")") |" \
      "$(ms "$(value p95_us "$row")") | $(ms "$(value p99_us "$row")") | $(ms "$(value max_us "$row")") |" \
      "$(value status_errors "$row") | p95 < 30 ms |"
  done <<<"$SEARCH_ROWS"
}
