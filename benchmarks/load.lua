-- wrk script of benchmarks/load.py: one endpoint per run, every status counted.
--
-- Arguments after `--`, as key=value: method, path, expect (the one status that counts as
-- right), token (sent as `Authorization: Token …`), gzip (1: `Accept-Encoding: gzip`, as
-- mobile HTTP clients send it), body (a file sent as the JSON body),
-- kind: "get" (the same request each time), "review" (POST reviews/: the next of `cards`,
-- a rating 1–4 in turn and a client_id never sent before: `nonce` + thread + counter) or
-- "submit" (POST attempts/{id}/submit/ with `body`, each attempt once: thread t of
-- `threads` takes lines t, t + threads, … of the `ids` file).
--
-- done() prints one line `LOADJSON {…}`: requests, duration, latency percentiles (µs),
-- socket errors, the count of each status, the first unexpected answer of each thread,
-- and how many requests each thread made (load.py moves past the attempt ids used).

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

local opts, headers, body = {}, {}, nil
local ids, cards = {}, {}
sent = 0          -- globals: done() reads them through thread:get()
exhausted = 0
statuses = {}
sample = ""

function init(args)
   for _, arg in ipairs(args) do
      local key, value = arg:match("^([%w_]+)=(.*)$")
      opts[key] = value
   end
   if opts.token then headers["Authorization"] = "Token " .. opts.token end
   if opts.gzip == "1" then headers["Accept-Encoding"] = "gzip" end
   if opts.body then
      local file = assert(io.open(opts.body, "rb"))
      body = file:read("*a")
      file:close()
   end
   if opts.method == "POST" then headers["Content-Type"] = "application/json" end
   if opts.ids then
      local all = {}
      for line in io.lines(opts.ids) do all[#all + 1] = line end
      for i = tid, #all, tonumber(opts.threads) do ids[#ids + 1] = all[i] end
   end
   if opts.cards then
      for card in opts.cards:gmatch("%d+") do cards[#cards + 1] = card end
   end
end

function request()
   sent = sent + 1
   local path, payload = opts.path, body
   if opts.kind == "submit" then
      local id = ids[sent]
      if id == nil then -- ran out: an id that is nobody's answers 404, and load.py says why
         exhausted = exhausted + 1
         id = "0"
      end
      path = "/api/v1/attempts/" .. id .. "/submit/"
   elseif opts.kind == "review" then
      payload = string.format(
         '{"flashcard": %s, "rating": %d, "client_id": "%s-%04x-4000-8000-%012x"}',
         cards[(sent - 1) % #cards + 1], (sent - 1) % 4 + 1, opts.nonce, tid, sent
      )
   end
   return wrk.format(opts.method, path, headers, payload)
end

function response(status, _, answer)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if key ~= opts.expect and sample == "" then
      sample = key .. " " .. string.sub(answer or "", 1, 300)
   end
end

local function quoted(text)
   return '"' .. text:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, _)
   local counts, samples, made, out_of = {}, {}, {}, 0
   for _, thread in ipairs(threads) do
      for key, count in pairs(thread:get("statuses")) do
         counts[key] = (counts[key] or 0) + count
      end
      local first = thread:get("sample")
      if first ~= "" then samples[#samples + 1] = quoted(first) end
      made[#made + 1] = tostring(thread:get("sent"))
      out_of = out_of + thread:get("exhausted")
   end
   local status_items = {}
   for key, count in pairs(counts) do status_items[#status_items + 1] = quoted(key) .. ": " .. count end
   local errors = summary.errors
   io.write(string.format(
      'LOADJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
         .. '"mean_us": %.1f, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
         .. '"timeout": %d, "status": %d}, "statuses": {%s}, "samples": [%s], "sent": [%s], '
         .. '"exhausted": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.mean, latency.max, errors.connect, errors.read,
      errors.write, errors.timeout, errors.status, table.concat(status_items, ", "),
      table.concat(samples, ", "), table.concat(made, ", "), out_of
   ))
end
