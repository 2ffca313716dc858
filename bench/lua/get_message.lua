-- GET a random message 1..MESSAGES of one chat: args TOKEN CHAT MESSAGES.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local prefix, messages
function init(args)
  common.seed()
  prefix = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages/"
  messages = tonumber(args[3])
end
request = function() return wrk.format("GET", prefix .. math.random(messages)) end
