-- Search one chat for a random word or word prefix: args TOKEN CHAT.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local prefix
function init(args)
  common.seed()
  prefix = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages/search?limit=20&query="
end
request = function()
  local word = common.word()
  return wrk.format("GET", prefix .. string.sub(word, 1, math.random(3, #word)))
end
