-- Search one chat for a random word or word prefix of 3+ letters: args TOKEN CHAT.
local common = dofile("common.lua")
setup = common.setup
done = common.done
init, request = common.search(function()
  local word = common.word()
  return string.sub(word, 1, math.random(3, #word))
end)
