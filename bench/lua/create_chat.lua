-- POST a chat: args TOKEN.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local path
function init(args)
  path = "/api/v1/applications/" .. args[1] .. "/chats"
end
request = function() return wrk.format("POST", path) end
