# Sourced by bench/run: `bench/run script`, create-message req/s over redis-benchmark's req/s of the same Lua script.
# shellcheck shell=bash

SCRIPT_REQUESTS="${BENCH_SCRIPT_REQUESTS:-500000}"
SCRIPT_CLIENTS="${BENCH_SCRIPT_CLIENTS:-64}"

# create_message_script: the CREATE_MESSAGE script exactly as the server sends it: the Java text block of
# chat-core's Scripts.java with its incidental indentation (that of the closing delimiter) removed.
create_message_script() {
  awk '/CREATE_MESSAGE = new Script\("""/ { on = 1; next }
    on && /^ *"""\);/ { exit }
    on { sub(/^            /, ""); sub(/[ \t]+$/, ""); print }' \
    "$ROOT/chat-core/src/main/java/dev/chatsystem/core/redis/Scripts.java"
}

# script_warm_round TOKEN CHATS: 40 s of the measured creates, unmeasured.
script_warm_round() { run_wrk script-warmup create_message_spread.lua 40s "$CONNECTIONS" "$1" "$2" >/dev/null; }

script_mode() {
  local md="$RESULTS/script.md" source sha token tag chats http bench on_server spread entries queued_persist queued_index
  prepare_stack
  start_server stack stack "$PORT"
  use_server stack
  source=$(create_message_script)
  [ -n "$source" ] || die "CREATE_MESSAGE not found in Scripts.java"
  sha=$(printf '%s\n' "$source" | sha1sum | cut -d' ' -f1)
  # The benchmark's keys carry a hash tag and a token of their own: the server never reads them, and its workers
  # never see the benchmark's stream. The counters say chats 0..CHATS-1 exist (redis-benchmark's __rand_int__ is
  # a 12-digit zero-padded number, so the message counters are named that way).
  token="bench-script-$$"
  tag="{chatbench:s0}"
  chats=$CHATS
  BENCH_SCRIPT_KEYS=("$tag:n:$token" "$tag:p:$token" "$tag:writes" "$tag:i:-:-")
  redis-cli -n 15 EVAL "redis.call('HSET', KEYS[1], 'c', ARGV[1])
    for i = 0, tonumber(ARGV[1]) - 1 do redis.call('HSET', KEYS[1], string.format('m:%012d', i), 0) end" \
    1 "${BENCH_SCRIPT_KEYS[0]}" "$chats" >/dev/null

  log "seeding $chats chats"
  spread=$(new_app "bench script")
  seed "/api/v1/applications/$spread/chats" chat "$chats" "$API/$spread" chats_count
  chats=$(curl -sf "$API/$spread" | json_field chats_count) # seeding can end a few short
  sleep 2
  wait_drained
  warm_jit stack script_warm_round "$spread" "$chats"
  wait_drained
  log "create message, $chats chats, through the server ($DURATION, $CONNECTIONS connections)"
  http=$(run_wrk script-http create_message_spread.lua "$DURATION" "$CONNECTIONS" "$spread" "$chats")
  log "  $http"
  # The workers drain what wrk queued on the same Redis and cores: drained first, lest they slow the EVALSHA run.
  wait_drained
  read -r queued_persist queued_index _ < <(queue_stages) || { queued_persist='?'; queued_index='?'; }
  on_server=$(redis-cli -n 15 SCRIPT EXISTS "$sha" | sed "s/^1$/yes/; s/^0$/no/")
  log "redis-benchmark: EVALSHA of CREATE_MESSAGE ($sha, on the server already: $on_server), $SCRIPT_CLIENTS clients, $SCRIPT_REQUESTS requests"
  [ "$(redis-cli -n 15 SCRIPT LOAD "$source"$'\n')" = "$sha" ] || die "SCRIPT LOAD answered another SHA-1"
  bench=$(redis-benchmark -h 127.0.0.1 -p 6379 --dbnum 15 -c "$SCRIPT_CLIENTS" -n "$SCRIPT_REQUESTS" -r "$chats" --csv \
    EVALSHA "$sha" 4 "${BENCH_SCRIPT_KEYS[@]}" "$token" __rand_int__ "alpha bravo wonderful weather meeting deploy" \
    "$(date +%s)000000" 1000000 "" 1 | tail -1)
  log "  $bench"
  entries=$(redis-cli -n 15 XLEN "${BENCH_SCRIPT_KEYS[2]}")
  redis-cli -n 15 DEL "${BENCH_SCRIPT_KEYS[@]}" >/dev/null
  BENCH_SCRIPT_KEYS=()
  wait_drained
  mkdir -p "$RESULTS"
  {
    echo "# Benchmark: create message over its Redis script alone (stack)"
    echo
    echo "Measured $(date -u +%Y-%m-%dT%H:%MZ) by \`bench/run script\` on $(nproc) cores, loopback, everything in the same box;"
    echo "commit $(commit_id). In one run: wrk creating messages in random chats of $chats through the"
    echo "server ($CONNECTIONS connections, $DURATION), then, once the workers drained it, \`redis-benchmark\` ($SCRIPT_CLIENTS clients,"
    echo "$SCRIPT_REQUESTS requests, db 15) running EVALSHA of the very script a create runs (\`CREATE_MESSAGE\` of"
    echo "\`Scripts.java\`, SHA-1 $sha; the server had loaded the same: $on_server) with the arguments a create passes,"
    echo "into chats 0..$((chats - 1)) of a token and hash tag of its own (\`$tag\`, deleted afterwards, $entries entries)."
    echo "Before it, the same creates through the server, unmeasured, in rounds of 40 s: ${WARMED[stack]}."
    echo "Between the two, the workers drained what wrk had queued: at redis-benchmark's start the queue held"
    echo "$queued_persist entries for the persist stage and $queued_index for the index stage (/metrics, all shards)."
    echo
    echo "| | req/s | p50 ms | p99 ms |"
    echo "|---|---:|---:|---:|"
    echo "| create message through the server (wrk) | $(value rps "$http") | $(ms "$(value p50_us "$http")") | $(ms "$(value p99_us "$http")") |"
    awk -F'","' '{ printf "| EVALSHA CREATE_MESSAGE alone (redis-benchmark) | %s | %s | %s |\n", $2, $5, $7 }' <<<"$bench"
    echo
    awk -F'","' -v http="$(value rps "$http")" '{ printf "**Ratio: %.1f %%** of the script'"'"'s req/s reach a client as a created message.\n", 100 * http / $2 }' <<<"$bench"
  } >"$md"
  log "wrote $md"
  cat "$md"
}
