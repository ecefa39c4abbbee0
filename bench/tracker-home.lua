-- wrk script for `npm run bench`: GET /tracker as the signed-in members, a different member each
-- request (their session cookies come from the data file the bench writes after seeding).
--   wrk -t1 -c50 -d3s --latency -s bench/tracker-home.lua http://127.0.0.1:<port> -- <data.lua>
-- Anything but a 200 is counted and reported as "unexpected status" (wrk itself would count
-- a redirect to the sign-in page as a success).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  cookies = dofile(args[1]).cookies
  counter = 0
  unexpected = 0
  first_unexpected = ""
end

function request()
  counter = counter + 1
  return wrk.format("GET", "/tracker", { ["Cookie"] = cookies[(counter - 1) % #cookies + 1] })
end

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status)
    end
  end
end

function done(summary, latency, requests)
  local total, first = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("unexpected")
    if first == "" then
      first = thread:get("first_unexpected")
    end
  end
  io.write(string.format("unexpected status: %d %s\n", total, first))
end
