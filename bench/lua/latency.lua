-- Per-request latency percentiles from wrk's histogram.
--
-- Before done() runs, wrk 4 "corrects" its latency histogram for coordinated omission (stats_correct): it takes
-- each connection to have meant one request every `interval` µs (the run's duration over the requests per connection)
-- and, for every request slower than twice that, adds made-up samples at its latency minus one, two, ... intervals.
-- In a closed-loop run at full load that multiplies the few slow requests: 5 % of searches taking 300 ms turned the
-- mixed scenario's per-request p90 of 14 ms into a p90 of 114 ms. This module undoes the correction exactly (the
-- counts it recovers add up to wrk's request count, which the caller checks), so the reports give the latencies the
-- requests had, and wrk's own p99 beside them.
local ffi = require("ffi")
local latency = {}

-- The histogram as ascending distinct values (µs) and their counts. wrk's stats userdata points to
-- { uint64 count, limit, min, max, data[limit] }; read it directly when its fields agree with what wrk's Lua API says,
-- else through the API, whose latency(i) walks the histogram from its start on every call (quadratic).
local function buckets(stats)
  local values, counts = {}, {}
  local ok, raw = pcall(function() return ffi.cast("uint64_t **", stats)[0] end)
  if ok and tonumber(raw[2]) == stats.min and tonumber(raw[3]) == stats.max then
    local total = 0
    for v = stats.min, stats.max do
      local c = tonumber(raw[4 + v])
      if c > 0 then
        values[#values + 1], counts[#counts + 1], total = v, c, total + c
      end
    end
    if total == tonumber(raw[0]) then
      return values, counts
    end
    values, counts = {}, {}
  end
  for i = 1, #stats do
    values[i], counts[i] = stats(i)
  end
  return values, counts
end

-- Undoes stats_correct: a bucket above the interval holds its own requests plus one made-up sample for each request
-- one, two, ... intervals above it, so walking down, each bucket gives back what the requests above it in its residue
-- class added.
local function uncorrected(values, counts, interval)
  local added, result = {}, {}
  for i = #values, 1, -1 do
    local v, c = values[i], counts[i]
    if v > interval then
      local class = v % interval
      c = c - (added[class] or 0)
      added[class] = (added[class] or 0) + c
    end
    result[i] = c
  end
  return result
end

-- { total = requests recorded, percentile = function(p) -> µs } of the requests as they were answered, for a run of
-- `connections` connections summarized by wrk's `summary`.
function latency.per_request(stats, summary, connections)
  local values, counts = buckets(stats)
  local per_connection = math.floor(summary.requests / connections)
  if per_connection > 0 then
    counts = uncorrected(values, counts, math.floor(summary.duration / per_connection))
  end
  local total = 0
  for i = 1, #counts do total = total + counts[i] end
  return {
    total = total,
    percentile = function(p)
      local rank, seen = math.min(total, math.floor(p / 100 * total) + 1), 0 -- wrk's rank
      for i = 1, #counts do
        seen = seen + counts[i]
        if seen >= rank then return values[i] end
      end
      return 0
    end,
  }
end

return latency
