# Sourced by bench/run: `bench/run lag`, persistence and search lag under a steady create rate (stack).
# shellcheck shell=bash

LAG_RATE="${BENCH_RATE:-5000}"
LAG_DURATION="${BENCH_LAG_DURATION:-60}"
LAG_CONNECTIONS="${BENCH_LAG_CONNECTIONS:-128}"
LAG_WARMUP="${BENCH_LAG_WARMUP:-30}"
PROBE_INTERVAL="${BENCH_PROBE_INTERVAL_MS:-100}"
PROBE_POLL="${BENCH_PROBE_POLL_MS:-20}"
PROBE_SEARCH_POLL="${BENCH_PROBE_SEARCH_POLL_MS:-100}"
PROBE_TIMEOUT="${BENCH_PROBE_TIMEOUT:-120}"

lag_mode() {
  local per_app=$((CHATS / 8)) probe_chat load probe wrk_pid probe_pid md="$RESULTS/lag.md"
  prepare_stack
  start_server stack stack "$PORT"
  use_server stack
  log "seeding 8 applications (one per queue shard) of $per_app chats each"
  spread_apps "bench lag" "$per_app"
  per_app=$SPREAD_CHATS
  compile_probe
  # the probe writes into a chat of its own, after the load's chats of the first application (so in a loaded shard)
  probe_chat=$(curl -sf -X POST "$API/${APPS[0]}/chats" | json_field chat_number)
  sleep 2
  wait_drained
  # The same load first, unmeasured, so the JIT has compiled the create, persist and index paths: on two cores its
  # compiler threads take a large share of the CPU for the first minute, which is start-up, not lag.
  if [ "$LAG_WARMUP" -gt 0 ]; then
    log "warm-up: $LAG_RATE creates/s for ${LAG_WARMUP}s, unmeasured"
    (cd "$BENCH/lua" && WRK_CONNECTIONS=$LAG_CONNECTIONS exec wrk -t"$THREADS" -c"$LAG_CONNECTIONS" -d"${LAG_WARMUP}s" -s load.lua "$BASE" \
      -- "$LAG_RATE" 0 "$THREADS" "$per_app" "${APPS[@]}") >/dev/null 2>&1 || die "the warm-up load failed"
    wait_drained
  fi
  start_sampler stack "$WORK/samples"
  curl -sf "$BASE/metrics" >"$WORK/metrics-before.txt"
  echo load >"$WORK/current"
  log "load: $LAG_RATE creates/s for ${LAG_DURATION}s over 8 x $per_app chats, $LAG_CONNECTIONS connections; probe every ${PROBE_INTERVAL} ms"
  (cd "$BENCH/lua" && WRK_CONNECTIONS=$LAG_CONNECTIONS exec wrk -t"$THREADS" -c"$LAG_CONNECTIONS" -d"${LAG_DURATION}s" --latency -s load.lua "$BASE" \
    -- "$LAG_RATE" 0 "$THREADS" "$per_app" "${APPS[@]}") >"$WORK/lag-wrk.out" 2>&1 &
  wrk_pid=$!
  "$JAVA_HOME/bin/java" -cp "$WORK/probe:$ROOT/chat-http/target/chat-server.jar" Probe "$BASE" "${APPS[0]}" \
    "$probe_chat" "jdbc:mysql://127.0.0.1:3306/$BENCH_DB?user=$DB_USER&password=$DB_PASSWORD" "$LAG_DURATION" "$PROBE_INTERVAL" "$PROBE_POLL" \
    "$PROBE_SEARCH_POLL" "$PROBE_TIMEOUT" "$WORK/probes.txt" >"$WORK/probe.out" 2>"$WORK/probe.err" &
  probe_pid=$!
  wait "$wrk_pid" || { cat "$WORK/lag-wrk.out" >&2; die "wrk failed"; }
  echo after >"$WORK/current"
  load=$(grep '^RESULT ' "$WORK/lag-wrk.out") || { cat "$WORK/lag-wrk.out" >&2; die "no RESULT line from wrk"; }
  log "  $load"
  wait "$probe_pid" || { cat "$WORK/probe.err" >&2; die "the probe failed"; }
  probe=$(grep '^PROBE ' "$WORK/probe.out") || { cat "$WORK/probe.err" >&2; die "no PROBE line"; }
  log "  $probe"
  [ -s "$WORK/probe.err" ] && log "  probe stderr: $(sort "$WORK/probe.err" | uniq -c | sort -rn | head -3)"
  wait_drained
  curl -sf "$BASE/metrics" >"$WORK/metrics-after.txt"
  stop_helpers
  mkdir -p "$RESULTS"
  {
    echo "# Benchmark: persistence and search lag under a steady create rate (stack)"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`bench/run lag\` on $(nproc) cores, loopback, MariaDB, Redis,"
    echo "Elasticsearch, the server (role all, heap -Xmx$HEAP) and the load in the same box; commit $(commit_id)."
    echo "Load: wrk (\`bench/lua/load.lua\`), offered $LAG_RATE creates/s for ${LAG_DURATION} s over $LAG_CONNECTIONS connections"
    echo "into random chats of 8 applications (one on each queue shard) of $per_app chats each$(
      [ "$LAG_WARMUP" -gt 0 ] && echo ", after ${LAG_WARMUP} s of the same load unmeasured (the JIT's warm-up)")."
    echo
    lag_tables "$load" "$probe" "$WORK/samples"
  } >"$md"
  log "wrote $md"
  cat "$md"
}

# lag_tables WRK_RESULT PROBE_RESULT SAMPLES: the markdown tables of the lag section.
lag_tables() {
  local load=$1 probe=$2 samples=$3 seconds requests
  seconds=$(value seconds "$load")
  requests=$(value requests "$load")
  echo "| load (latencies of the creates as answered, see bench/lua/latency.lua) | offered/s | achieved/s | creates | p50 ms | p99 ms | max ms | non-2xx | socket errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| creates | $LAG_RATE | $(value rps "$load") | $requests in $seconds s | $(ms "$(value p50_us "$load")") | $(ms "$(value p99_us "$load")") | $(ms "$(value max_us "$load")") | $(value status_errors "$load") | $(value socket_errors "$load") |"
  echo
  echo "| lag from the 201 (probe) | probes seen | p50 ms | p99 ms | max ms | never seen | target |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  echo "| to persisted (row in MySQL) | $(value persisted_n "$probe") of $(value sent "$probe") | $(value persisted_p50_ms "$probe") | $(value persisted_p99_ms "$probe") | $(value persisted_max_ms "$probe") | $(value unpersisted "$probe") | p99 < 1000 ms |"
  echo "| to searchable (search finds it) | $(value searchable_n "$probe") of $(value sent "$probe") | $(value searchable_p50_ms "$probe") | $(value searchable_p99_ms "$probe") | $(value searchable_max_ms "$probe") | $(value unsearchable "$probe") | p99 < 2000 ms |"
  echo
  echo "| queue during the load (/metrics, once a second, all shards) | peak entries | peak oldest age s |"
  echo "|---|---:|---:|"
  awk '$2 == "load" || $2 == "after" { if ($4 > pe) pe = $4; if ($5 > ie) ie = $5; if ($6 > pa) pa = $6; if ($7 > ia) ia = $7 }
    END { printf "| persist stage | %d | %.3f |\n| index stage | %d | %.3f |\n", pe, pa, ie, ia }' "$samples"
  echo
  echo "| worker batches during the load and the drain after it (/metrics) | batches | mean entries per batch |"
  echo "|---|---:|---:|"
  batch_stats "$WORK/metrics-before.txt" "$WORK/metrics-after.txt"
  echo
  echo "How it is measured: a probe (\`bench/Probe.java\`) creates one message every $PROBE_INTERVAL ms in a chat of its own in"
  echo "a loaded shard, each with a word no other message has, and times from its 201 (probe create latency p50"
  echo "$(value create_p50_ms "$probe") ms, p99 $(value create_p99_ms "$probe") ms) until (a) its row is in the MySQL tables, read over JDBC (not"
  echo "through the API, which answers pending writes from Redis), and (b) \`GET …/messages/search\` finds it. MySQL is"
  echo "polled every $PROBE_POLL ms, search every $PROBE_SEARCH_POLL ms (a search costs the server far more), one query for all"
  echo "outstanding probes, so each lag is late by at most one poll interval and one query. The percentiles are over"
  echo "every probe sent: one never seen (within $PROBE_TIMEOUT s of the last create) counts as later than any, so"
  echo "a p99 shows as >$((PROBE_TIMEOUT * 1000)) ms once over 1 % were never seen. The peak ages cover every"
  echo "shard and also the queue draining after the load ended (\`after\`)."
}

# batch_stats BEFORE AFTER: per stage, the worker batches between two /metrics scrapes and their mean size.
batch_stats() {
  awk 'FNR == 1 { file++ }
    /^chat_worker_batch_entries_(sum|count)\{/ {
      match($0, /stage="[a-z]+"/); stage = substr($0, RSTART + 7, RLENGTH - 8)
      kind = $0 ~ /_sum\{/ ? "sum" : "count"
      v[stage, kind] += (file == 1 ? -1 : 1) * $NF; stages[stage] = 1 }
    END { for (s in stages) { n = v[s, "count"]; printf "| %s stage | %d | %.1f |\n", s, n, (n > 0 ? v[s, "sum"] / n : 0) } }' "$1" "$2" | sort
}
