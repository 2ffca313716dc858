-- Shared by every scenario: per-thread random seeds, the words bodies and queries are made of, and the result line
-- bench/run parses. Scripts are run with bench/lua as the working directory, so dofile("common.lua") finds this.
local common = {}

common.words = {
  "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
  "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
  "xray", "yankee", "zulu", "wonderful", "weather", "meeting", "deploy", "release", "invoice", "customer",
  "support", "refund", "shipping", "password", "account", "morning", "evening"
}

local counter = 0
-- setup() runs in the main Lua state once per thread: give each thread its own id (and so its own random seed).
function common.setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function common.seed()
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
end

function common.word()
  return common.words[math.random(#common.words)]
end

-- The init and request functions of a search scenario (args TOKEN CHAT): query() picks each query word.
function common.search(query)
  local prefix
  local function init(args)
    common.seed()
    prefix = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages/search?limit=20&query="
  end
  local function request()
    return wrk.format("GET", prefix .. query())
  end
  return init, request
end

function common.body(n)
  local parts = {}
  for i = 1, n do parts[i] = common.word() end
  return '{"body":"' .. table.concat(parts, " ") .. '"}'
end

-- One machine-readable line: bench/run greps "^RESULT " and reads key=value pairs (latencies in microseconds).
-- p50..p99 are of the requests as answered (latency.lua undoes wrk's coordinated-omission correction; bench/run sets
-- WRK_CONNECTIONS for it); wrk_p99_us is wrk's own, corrected p99. A request count the undoing does not reproduce
-- means it is wrong for this wrk: the line says latency_check=failed and bench/run stops.
function common.done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local connections = assert(tonumber(os.getenv("WRK_CONNECTIONS")), "WRK_CONNECTIONS must be wrk's -c")
  local answered = dofile("latency.lua").per_request(latency, summary, connections)
  local check = answered.total == summary.requests - errors.timeout and "ok" or "failed"
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d " ..
    "wrk_p99_us=%d status_errors=%d socket_errors=%d latency_check=%s\n",
    summary.requests, seconds, summary.requests / seconds,
    answered.percentile(50), answered.percentile(90), answered.percentile(95), answered.percentile(99), latency.max,
    latency:percentile(99), errors.status, errors.connect + errors.read + errors.write + errors.timeout, check))
end

return common
