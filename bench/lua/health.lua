-- GET /health: the framework ceiling every other figure is divided by.
local common = dofile("common.lua")
setup = common.setup
done = common.done
request = function() return wrk.format("GET", "/health") end
