-- Creates messages in random chats 1..CHATS of random applications, paced or as fast as possible, with or without
-- a budget. Args RATE TOTAL THREADS CHATS TOKEN...
--   RATE   messages per second over all threads (0: as fast as the connections go). wrk has no rate limit: each
--          thread hands out send slots RATE/THREADS a second apart through delay(), so the connections of a thread
--          share its schedule and a slow answer on one connection does not lower the rate while others are free.
--          Slots missed while every connection waited for an answer are sent as soon as one is free, up to one
--          second of them (an open-loop offer, within reason); beyond that they are lost: compare the achieved
--          rate with RATE, and give it connections enough (RATE x latency).
--   TOTAL  creates over all threads (0: no budget, wrk's duration ends the load); once a thread has its share
--          answered with 201 it stops (bench/run then interrupts wrk: wrk always sleeps its full duration).
local common = dofile("common.lua")
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
setup = common.setup
done = common.done
local now_ts = ffi.new("bench_timespec")
local interval, next_slot, quota, sent, answered, chats
local tokens = {}

local function now_ms()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end

function init(args)
  common.seed()
  local rate, total, threads = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  chats = tonumber(args[4])
  for i = 5, #args do tokens[#tokens + 1] = "/api/v1/applications/" .. args[i] .. "/chats/" end
  interval = rate > 0 and 1000 * threads / rate or 0
  next_slot = now_ms()
  quota = total > 0 and math.floor(total / threads) + (thread_id == 1 and total % threads or 0) or math.huge
  -- wrk calls request() once on its first thread to check the script, and never sends that request: not a create
  sent, answered = thread_id == 1 and -1 or 0, 0
end

function delay()
  if interval == 0 then return 0 end
  local now = now_ms()
  if next_slot < now - 1000 then next_slot = now - 1000 end
  local wait = next_slot - now
  next_slot = next_slot + interval
  return wait > 0 and math.floor(wait) or 0
end

request = function()
  sent = sent + 1
  if sent > quota then
    -- the budget is out: harmless reads until the last create is answered
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", tokens[math.random(#tokens)] .. math.random(chats) .. "/messages",
    {["Content-Type"] = "application/json"}, common.body(6))
end

response = function(status)
  if status == 201 then answered = answered + 1 end
  if answered >= quota then wrk.thread:stop() end
end
