-- wrk script for `npm run bench`: "mark as sent" (the tracker.markSent form action) by the
-- signed-in members, a different member each request, each on their own open opportunities in
-- turn. The requests (cookie, path, urlencoded form) come from the data file the bench writes.
--   wrk -t1 -c50 -d3s --latency -s bench/tracker-mark-sent.lua http://127.0.0.1:<port> -- <data.lua>
-- Success is a 303 to the entry with ?saved=sent; anything else (an error page, a 303 to the
-- sign-in page) is counted and reported as "unexpected status".
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local data = dofile(args[1])
  origin = data.origin
  cookies = data.cookies
  posts = data.posts
  counter = 0
  unexpected = 0
  first_unexpected = ""
end

function request()
  counter = counter + 1
  local member = (counter - 1) % #cookies + 1
  local own = posts[member]
  local post = own[math.floor((counter - 1) / #cookies) % #own + 1]
  return wrk.format("POST", post.path, {
    ["Cookie"] = cookies[member],
    ["Origin"] = origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, post.body)
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 303 or not string.find(location, "saved=sent", 1, true) then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. location
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
