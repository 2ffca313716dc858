-- GET a page of 100 messages at a random offset of one chat: args TOKEN CHAT MESSAGES.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local prefix, messages
function init(args)
  common.seed()
  prefix = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages?limit=100&after="
  messages = tonumber(args[3])
end
request = function() return wrk.format("GET", prefix .. math.random(0, messages - 100)) end
