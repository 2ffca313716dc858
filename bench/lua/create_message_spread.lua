-- POST a message into a random chat of 1..CHATS: args TOKEN CHATS.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local prefix, chats
function init(args)
  common.seed()
  prefix = "/api/v1/applications/" .. args[1] .. "/chats/"
  chats = tonumber(args[2])
end
request = function()
  return wrk.format("POST", prefix .. math.random(chats) .. "/messages",
    {["Content-Type"] = "application/json"}, common.body(6))
end
