-- 80 % reads (get a message or a page of 20), 15 % creates into random chats, 5 % searches:
-- args TOKEN CHAT MESSAGES SPREAD_TOKEN CHATS.
local common = dofile("common.lua")
setup = common.setup
done = common.done
local chat, messages, spread, chats
function init(args)
  common.seed()
  chat = "/api/v1/applications/" .. args[1] .. "/chats/" .. args[2] .. "/messages"
  messages = tonumber(args[3])
  spread = "/api/v1/applications/" .. args[4] .. "/chats/"
  chats = tonumber(args[5])
end
request = function()
  local roll = math.random(100)
  if roll <= 60 then
    return wrk.format("GET", chat .. "/" .. math.random(messages))
  elseif roll <= 80 then
    return wrk.format("GET", chat .. "?limit=20&after=" .. math.random(0, messages - 20))
  elseif roll <= 95 then
    return wrk.format("POST", spread .. math.random(chats) .. "/messages",
      {["Content-Type"] = "application/json"}, common.body(6))
  else
    return wrk.format("GET", chat .. "/search?limit=20&query=" .. common.word())
  end
end
