-- wrk script: POST /assets with a fresh name and content hash per request.
-- The token comes from the environment (bench/http/run.sh registers a user first).
local token = os.getenv("ARTDAG_BENCH_TOKEN")
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  prefix = string.format("bench-%d-%d", os.time(), id)
end

local hex = "0123456789abcdef"
local function random_hash()
  local t = {}
  for i = 1, 64 do
    local n = math.random(1, 16)
    t[i] = hex:sub(n, n)
  end
  return table.concat(t)
end

function request()
  counter = counter + 1
  local body = string.format('{"name":"%s-%d","content_hash":"%s","asset_type":"image","tags":["bench"]}',
                             prefix, counter, random_hash())
  return wrk.format("POST", "/assets", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
