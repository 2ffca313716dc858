-- Seeding, not a scenario: each thread sends COUNT/threads POSTs to PATH (a chat create, or a message create with a
-- random body when KIND is "message"), then stops. Args PATH KIND COUNT THREADS.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local path, kind, quota, sent, answered
function init(args)
  common.seed()
  path, kind = args[1], args[2]
  quota = math.floor(tonumber(args[3]) / tonumber(args[4]))
  if thread_id == 1 then quota = quota + tonumber(args[3]) % tonumber(args[4]) end
  -- wrk calls request() once on its first thread to check the script, and never sends that request: not a create
  sent, answered = thread_id == 1 and -1 or 0, 0
end
request = function()
  sent = sent + 1
  if sent > quota then
    -- wrk has no request budget: send harmless reads once the quota is out, until the last answer stops the thread
    return wrk.format("GET", "/health")
  end
  if kind == "message" then
    return wrk.format("POST", path, {["Content-Type"] = "application/json"}, common.body(8))
  end
  return wrk.format("POST", path)
end
response = function(status)
  -- count only the creates: stopping on a /health answer could abort a create still in flight
  if status == 201 then answered = answered + 1 end
  if answered >= quota then wrk.thread:stop() end
end
