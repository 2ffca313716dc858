# Sourced by bench/run: the wrk scenarios of `embedded`, `stack` and `compare`, their seed data and the report.
# shellcheck shell=bash

declare -a NAMES=(health create_message_hot create_message_spread create_chat get_message list_messages search search_short mixed)
declare -A LABEL=() ARGS=() RESULT=() CPU=() JIT=() SEEDED_CHATS=() SEEDED_MESSAGES=()

# seed_scenarios SERVER: seeds the data the scenarios read and write on SERVER and records their wrk arguments
# as ARGS[SERVER:scenario].
seed_scenarios() {
  local server=$1 hot spread read fresh chats messages
  use_server "$server"
  log "seeding $server: $CHATS chats, $MESSAGES messages in the read/search chat"
  hot=$(new_app "bench hot")
  curl -sf -X POST "$API/$hot/chats" >/dev/null
  spread=$(new_app "bench spread")
  seed "/api/v1/applications/$spread/chats" chat "$CHATS" "$API/$spread" chats_count
  read=$(new_app "bench read")
  curl -sf -X POST "$API/$read/chats" >/dev/null
  seed "/api/v1/applications/$read/chats/1/messages" message "$MESSAGES" "$API/$read/chats/1" messages_count
  fresh=$(new_app "bench chats")
  sleep 2
  [ "$server" = embedded ] || wait_drained
  chats=$(curl -sf "$API/$spread" | json_field chats_count)
  messages=$(curl -sf "$API/$read/chats/1" | json_field messages_count)
  log "seeded $server: $chats chats, $messages messages"
  SEEDED_CHATS[$server]=$chats
  SEEDED_MESSAGES[$server]=$messages
  ARGS[$server:health]=""
  ARGS[$server:create_message_hot]="$hot 1"
  ARGS[$server:create_message_spread]="$spread $chats"
  ARGS[$server:create_chat]="$fresh"
  ARGS[$server:get_message]="$read 1 $messages"
  ARGS[$server:list_messages]="$read 1 $messages"
  ARGS[$server:search]="$read 1"
  ARGS[$server:search_short]="$read 1"
  ARGS[$server:mixed]="$read 1 $messages $spread $chats"
  LABEL=(
    [health]="GET /health (ceiling)"
    [create_message_hot]="create message, one hot chat"
    [create_message_spread]="create message, $chats chats"
    [create_chat]="create chat"
    [get_message]="get message"
    [list_messages]="list messages (page of 100)"
    [search]="search, chat of $messages messages"
    [search_short]="search for 1-2 letters, same chat"
    [mixed]="mixed 80/15/5 read/write/search")
}

# run_scenario SERVER NAME: drives one scenario against SERVER (seeded by seed_scenarios, sampled by a sampler
# reading $WORK/current) into RESULT[SERVER:NAME], then lets the stack's queue drain.
run_scenario() {
  local server=$1 name=$2 pid=${SERVER_PID[$1]}
  use_server "$server"
  echo "$server:$name" >"$WORK/current"
  log "scenario $name on $server ($DURATION, $CONNECTIONS connections, $THREADS threads)"
  local server_before box_before jit_before server_after
  server_before=$(process_cpu_ticks "$pid")
  box_before=$(box_cpu_ticks)
  jit_before=$(jit_cpu_ticks "$pid")
  # shellcheck disable=SC2086 # the arguments are words
  RESULT[$server:$name]=$(run_wrk "$server-$name" "$name.lua" "$DURATION" "$CONNECTIONS" ${ARGS[$server:$name]})
  server_after=$(process_cpu_ticks "$pid")
  CPU[$server:$name]="$(cpu_per_request "$server_before" "$server_after" "${RESULT[$server:$name]}") $(cpu_per_request "$box_before" "$(box_cpu_ticks)" "${RESULT[$server:$name]}")"
  JIT[$server:$name]=$(percent "$(($(jit_cpu_ticks "$pid") - jit_before))" "$((server_after - server_before))")
  log "  ${RESULT[$server:$name]} cpu_us_per_request(server box)=${CPU[$server:$name]} jit_percent=${JIT[$server:$name]}"
  echo idle >"$WORK/current"
  [ "$server" = embedded ] || wait_drained
  sleep 1
}

# warm_up SERVER: every scenario for BENCH_WARMUP (5s), unmeasured, in rounds until the JIT is quiet (warm_jit).
warm_up() {
  use_server "$1"
  warm_jit "$1" warm_round "$1"
  [ "$1" = embedded ] || wait_drained
}

# warm_round SERVER: one unmeasured run of every scenario against SERVER.
warm_round() {
  local name
  for name in "${NAMES[@]}"; do
    # shellcheck disable=SC2086 # the arguments are words
    run_wrk "$1-warmup-$name" "$name.lua" "$WARMUP" "$CONNECTIONS" ${ARGS[$1:$name]} >/dev/null
  done
}

# peak_queue SAMPLES LABEL: "<peak entries of both stages> <peak oldest age of either stage>" while LABEL ran.
peak_queue() {
  awk -v n="$2" '$2 == n { q = $4 + $5; if (q > e) e = q; if ($6 > a) a = $6; if ($7 > a) a = $7 }
    END { printf "%d %.3f\n", e, a }' "$1"
}

# write_scenario_report MODE SERVER: bench/results/MODE.md and MODE.png from the scenarios run on SERVER.
write_scenario_report() {
  local mode=$1 server=$2 md="$RESULTS/$1.md" dat="$WORK/plot.dat" health_rps i=0 name r rps ratio peak_entries
  local peak_age peak_rss
  mkdir -p "$RESULTS"
  health_rps=$(value rps "${RESULT[$server:health]}")
  {
    echo "# Benchmark: $mode"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`bench/run $mode\` on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"
    echo "loopback, wrk in the same box: $THREADS wrk threads, $CONNECTIONS connections, $DURATION per scenario,"
    echo "server heap -Xmx$HEAP, commit $(commit_id)."
    echo "The machine is shared with other engineers' builds and tests: absolute figures are noisy; the ratio to"
    echo "\`/health\` is measured in the same run and is the figure to compare."
    echo
    echo "| scenario | req/s | vs /health | p50 ms | p90 ms | p99 ms | max ms | wrk's p99 ms | non-2xx | socket errors | peak queue | peak lag s | server CPU µs/req | box CPU µs/req | JIT % of server CPU |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  } >"$md"
  : >"$dat"
  for name in "${NAMES[@]}"; do
    r="${RESULT[$server:$name]}"
    rps=$(value rps "$r")
    ratio=$(awk -v a="$rps" -v b="$health_rps" 'BEGIN { printf "%.0f %%", 100 * a / b }')
    read -r peak_entries peak_age < <(peak_queue "$WORK/samples" "$server:$name")
    echo "| ${LABEL[$name]} | $rps | $ratio | $(ms "$(value p50_us "$r")") | $(ms "$(value p90_us "$r")") | $(ms "$(value p99_us "$r")") | $(ms "$(value max_us "$r")") | $(ms "$(value wrk_p99_us "$r")") | $(value status_errors "$r") | $(value socket_errors "$r") | $peak_entries | $peak_age | ${CPU[$server:$name]% *} | ${CPU[$server:$name]#* } | ${JIT[$server:$name]} |" >>"$md"
    echo "$i \"$name\" $rps $(ms "$(value p50_us "$r")") $(ms "$(value p99_us "$r")")" >>"$dat"
    i=$((i + 1))
  done
  # the sample of the largest RSS: MB, what was running, anonymous MB, mapped files MB
  read -r peak_rss peak_during peak_anon peak_file < <(awk '$3 > m { m = $3; l = $2; a = $8; f = $9 }
    END { printf "%.0f %s %.0f %.0f\n", m / 1024, l, a / 1024, f / 1024 }' "$WORK/samples")
  {
    echo
    echo "Latencies are those of the requests as answered, from wrk's histogram with its correction for coordinated"
    echo "omission undone (bench/lua/latency.lua): wrk adds made-up samples for each request slower than twice the mean"
    echo "interval between a connection's requests, which in a closed loop at full load multiplies rare slow requests."
    echo "wrk's own p99, corrected so, is the column after max."
    echo
    echo "Peak lag is the largest age of the oldest queued write not yet persisted/indexed, sampled once a second from"
    echo "\`/metrics\` (\`chat_queue_oldest_age_seconds\`); in embedded mode writes are committed before the answer, so"
    echo "it only shows writes waiting for the group-commit writer."
    echo
    echo "CPU per request is the CPU time used during the scenario divided by the requests answered: of the server process"
    echo "(for the stack in role \`all\`, its workers included) and of the whole box (every process: wrk, the server, and"
    echo "for the stack MariaDB, Redis and Elasticsearch). Unlike req/s it hardly depends on what else shares the machine."
    echo
    echo "Warm-up before the first scenario: ${WARMED[$server]} (${WARMUP} per scenario). The last column is the JIT compiler threads' share"
    echo "of the server's CPU during each scenario: near 0 is the steady state the figures are meant to show."
    echo
    echo "- Peak server RSS over the run: **$peak_rss MB** (sampled once a second), during \`$peak_during\`: $peak_anon MB"
    echo "  anonymous (heap, the JVM's own memory, native buffers) and $peak_file MB of mapped files' resident pages (the"
    echo "  jar, the JVM's libraries and, embedded, Lucene's index files)."
    echo "- Seeded: ${SEEDED_CHATS[$server]} chats in one application, ${SEEDED_MESSAGES[$server]} messages in the chat read and searched."
    echo
    echo "From \`/metrics\` at the end of the run:"
    echo
    echo '```'
    grep -E '^(hikaricp_connections(_active|_pending)?\{|jvm_memory_used_bytes\{area="heap"|jvm_threads_live_threads|jvm_gc_pause_seconds_(count|sum)|chat_queue_entries\{shard="0")' "$WORK/metrics-$server.txt" | head -20
    echo '```'
    echo
    echo "![throughput and latency per scenario]($mode.png)"
  } >>"$md"

  gnuplot <<GNUPLOT
set terminal pngcairo noenhanced size 1100,700 font "sans,9"
set output "$RESULTS/$mode.png"
set multiplot layout 2,1 title "chat-system, $mode: $CONNECTIONS connections, $DURATION per scenario"
set style fill solid 0.8
set boxwidth 0.6
set grid ytics
set xtics rotate by -20
set ylabel "requests/s"
set yrange [0:*]
plot "$dat" using 1:3:xtic(2) with boxes lc rgb "#3a7bd5" title "throughput"
set ylabel "latency ms (log)"
set logscale y
set yrange [*:*]
plot "$dat" using (\$1-0.15):4:(0.3) with boxes lc rgb "#7fb800" title "p50", \
     "$dat" using (\$1+0.15):5:(0.3):xtic(2) with boxes lc rgb "#d62728" title "p99"
unset multiplot
GNUPLOT
  log "wrote $md and $RESULTS/$mode.png"
  cat "$md"
}

# scenarios_mode MODE: `bench/run embedded|stack`: one server, every scenario, MODE.md and MODE.png.
scenarios_mode() {
  local mode=$1 name
  [ "$mode" = embedded ] || prepare_stack
  start_server "$mode" "$mode" "$PORT"
  seed_scenarios "$mode"
  warm_up "$mode"
  start_sampler "$mode" "$WORK/samples"
  for name in "${NAMES[@]}"; do run_scenario "$mode" "$name"; done
  curl -sf "$BASE/metrics" >"$WORK/metrics-$mode.txt"
  stop_helpers
  write_scenario_report "$mode" "$mode"
}

# compare_mode: `bench/run compare`: both servers, each scenario on embedded then on stack back to back, compare.md.
compare_mode() {
  local name server md="$RESULTS/compare.md" e s
  prepare_stack
  start_server embedded embedded "$PORT"
  start_server stack stack "$((PORT + 1))"
  seed_scenarios embedded
  seed_scenarios stack
  warm_up embedded
  warm_up stack
  # one sampler per server; each labels only what runs on its own server
  start_sampler embedded "$WORK/samples-embedded"
  start_sampler stack "$WORK/samples-stack"
  for name in "${NAMES[@]}"; do
    for server in embedded stack; do run_scenario "$server" "$name"; done
  done
  stop_helpers
  mkdir -p "$RESULTS"
  {
    echo "# Benchmark: stack over embedded"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`bench/run compare\` on $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"
    echo "loopback, wrk in the same box: $THREADS wrk threads, $CONNECTIONS connections, $DURATION per scenario and server,"
    echo "server heap -Xmx$HEAP each, commit $(commit_id). Both servers run during the whole"
    echo "run (the idle one costs little); each scenario runs on embedded, then at once on stack, so both see the same"
    echo "moment of this shared, noisy machine. The stack's queue is drained between scenarios. Seeded on each: as in"
    echo "\`bench/run embedded|stack\` (embedded ${SEEDED_CHATS[embedded]} chats / ${SEEDED_MESSAGES[embedded]} messages, stack ${SEEDED_CHATS[stack]} / ${SEEDED_MESSAGES[stack]})."
    echo
    echo "| scenario | embedded req/s | stack req/s | stack / embedded | embedded p99 ms | stack p99 ms | p99 stack / embedded | non-2xx e / s | stack peak queue | stack peak lag s | server CPU µs/req e / s | box CPU µs/req e / s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for name in "${NAMES[@]}"; do
      e="${RESULT[embedded:$name]}"
      s="${RESULT[stack:$name]}"
      awk -v l="${LABEL[$name]}" -v er="$(value rps "$e")" -v sr="$(value rps "$s")" \
        -v ep="$(value p99_us "$e")" -v sp="$(value p99_us "$s")" \
        -v errors="$(value status_errors "$e") / $(value status_errors "$s")" -v peak="$(peak_queue "$WORK/samples-stack" "stack:$name")" \
        -v ecpu="${CPU[embedded:$name]}" -v scpu="${CPU[stack:$name]}" \
        'BEGIN { split(peak, q, " "); split(ecpu, ec, " "); split(scpu, sc, " ")
          printf "| %s | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f | %s | %d | %.3f | %s / %s | %s / %s |\n", l, er, sr, sr / er, ep / 1000, sp / 1000, sp / ep, errors, q[1], q[2], ec[1], sc[1], ec[2], sc[2] }'
    done
    echo
    echo "A ratio above 1 in req/s means the stack serves more; in p99, that the stack's tail is longer. p99 is of the"
    echo "requests as answered (wrk's correction for coordinated omission undone, see bench/lua/latency.lua). CPU per request:"
    echo "CPU time during the scenario over the requests answered, of the server process (the stack's in role \`all\`,"
    echo "workers included) and of the whole box (both servers are running; the idle one costs little)."
  } >"$md"
  log "wrote $md"
  cat "$md"
}
