-- POST a message into one chat: args TOKEN CHAT.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local path
function init(args)
  common.seed()
  path = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages"
end
request = function()
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, common.body(6))
end
