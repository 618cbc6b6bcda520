-- wrk script: POST FOIA request submissions to /foia/request, each with its own form_token.
--
-- Arguments after `--`: a run prefix (so that tokens of different runs never collide).
-- Tokens are "<prefix>-<thread>-<counter>"; the benchmark afterwards counts the stored requests
-- with this prefix to check that every submission was stored exactly once.
-- Responses other than the 303 redirect to the confirmation page are counted per thread and
-- printed at the end (wrk itself counts only statuses >= 400 as errors).

local threads = {}
local prefix = "bench"
-- Globals, not locals: done() reads them from each thread with thread:get().
counter = 0
unexpected = 0
redirects = 0

function setup(thread)
  thread:set("thread_number", #threads + 1)
  threads[#threads + 1] = thread
end

local function urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local subjects = {
  "community policing hiring grants awarded to Springfield, Illinois",
  "the body-worn camera pilot program in fiscal year 2024",
  "school violence prevention grants and their progress reports",
  "technical assistance provided to police departments on de-escalation",
}

function init(args)
  prefix = args[1] or prefix
end

function request()
  counter = counter + 1
  local token = prefix .. "-" .. thread_number .. "-" .. counter
  local fields = {
    { "form_token", token },
    { "first_name", "Bench" },
    { "last_name", "Requester " .. thread_number },
    { "email", "bench" .. thread_number .. "." .. counter .. "@example.com" },
    { "phone", "(202) 555-0100" },
    { "city", "Springfield" },
    { "state", "IL" },
    { "country", "United States" },
    { "description", "All grant award documents about " .. subjects[(counter % #subjects) + 1] .. "." },
    { "fee_category", "other" },
    { "fee_limit", "50" },
    { "delivery_format", "electronic" },
    { "website", "" },
  }
  local body = {}
  for i, pair in ipairs(fields) do
    body[i] = pair[1] .. "=" .. urlencode(pair[2])
  end
  return wrk.format("POST", "/foia/request",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, table.concat(body, "&"))
end

function response(status, headers, body)
  if status == 303 then
    redirects = redirects + 1
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local total_redirects, total_unexpected, sent = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_redirects = total_redirects + thread:get("redirects")
    total_unexpected = total_unexpected + thread:get("unexpected")
    sent = sent + thread:get("counter")
  end
  io.write(string.format("BENCH-POST redirects=%d unexpected=%d sent=%d\n",
    total_redirects, total_unexpected, sent))
end
