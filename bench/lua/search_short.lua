-- Search one chat for one or two consecutive letters of a random word, at its start or inside it (every Chinese or
-- Japanese character is such a query word; each matches almost every message here): args TOKEN CHAT.
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
  local length = math.random(1, 2)
  local start = math.random(1, #word - length + 1)
  return wrk.format("GET", prefix .. string.sub(word, start, start + length - 1))
end
