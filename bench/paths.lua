-- wrk script: GET a rotating list of paths (one per line in the file given after `--`),
-- e.g. FAQ articles, search queries with typos, or status links of different requests.
-- Each thread starts at a different offset so that the two threads do not move in step.

local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
  for line in file:lines() do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  file:close()
  assert(#paths > 0, "the paths file is empty")
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
