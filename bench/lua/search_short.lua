-- Search one chat for one or two consecutive letters of a random word, at its start or inside it (every Chinese or
-- Japanese character is such a query word; each matches almost every message here): args TOKEN CHAT.
local common = dofile("common.lua")
setup = common.setup
done = common.done
init, request = common.search(function()
  local word = common.word()
  local length = math.random(1, 2)
  local start = math.random(1, #word - length + 1)
  return string.sub(word, start, start + length - 1)
end)
