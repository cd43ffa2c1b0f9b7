-- wrk script for bench/http/checkout_load.sh: every customer alternates
-- POST /cart/items (one unit of the next product in its rotation) and
-- POST /orders/checkout (a fresh Idempotency-Key each time).
--
-- wrk keeps Lua state per thread, not per connection, and request() is not told which
-- connection it writes for. So each thread owns a queue of idle customers: request() takes
-- one, tags the request with a unique X-Request-ID, and response() finds the customer again
-- through that header (the gateway echoes it), times the exchange, moves the customer to
-- its next step and queues it again. A connection asks for a request only when it has
-- nothing in flight, so with at least as many customers as connections the queue is never
-- empty unless a request was lost with its connection (then the oldest one is reclaimed).
--
-- Environment (set by checkout_load.sh):
--   QM_BENCH_TOKENS    file with one access token per line (one customer each)
--   QM_BENCH_PRODUCTS  comma-separated product ids
--   QM_BENCH_THREADS   wrk's thread count (customers are dealt out round-robin)
--   QM_BENCH_RUN       short tag making this run's idempotency keys unique
--
-- done() prints "key value" lines for the shell: counts by step and status, and latency
-- percentiles of the successful exchanges of each step, from a histogram with 1% buckets.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } qm_bench_timespec;
int clock_gettime(int clock_id, qm_bench_timespec *tp);
]]
local clock_monotonic = 1
local timespec = ffi.new("qm_bench_timespec")

local function now_us()
  ffi.C.clock_gettime(clock_monotonic, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
end

-- Latency histogram: bucket b holds samples in [1.01^b, 1.01^(b+1)) microseconds. Bounded:
-- a minute is bucket 1800.
local bucket_log = math.log(1.01)
local max_bucket = 2400

local function bucket_of(us)
  if us < 1 then
    us = 1
  end
  local b = math.floor(math.log(us) / bucket_log)
  if b > max_bucket then
    b = max_bucket
  end
  return b
end

-- ---------------------------------------------------------------- main state: threads
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

-- ---------------------------------------------------------------- per-thread state
local run_tag = os.getenv("QM_BENCH_RUN") or "r"
local customers = {}
local ready = {}         -- ring buffer of idle customers, capacity #customers
local ready_head = 1
local ready_count = 0
local in_flight = {}     -- request id -> { customer, step, start_us }
local products = {}
local request_seq = 0
-- wrk 4 calls request() once on its first thread right after init() to check the script's
-- requests, and never sends that one: it gets a throwaway request instead of a customer.
local verification_pending = false
local address_body = '{"address":"12 MG Road, Bengaluru","location":{"lat":12.975,"lon":77.605}}'

-- Read by done() through thread:get, which copies flat tables only (a nested table crashes
-- wrk 4.1), hence one table per step.
add_statuses = {}         -- status -> count
checkout_statuses = {}
add_histogram = {}        -- bucket -> count, 2xx replies only
checkout_histogram = {}
lost = 0          -- customers reclaimed after their request vanished with its connection
stray = 0         -- responses that matched no request in flight

local function push_ready(customer)
  -- each customer is either idle here or in flight, never both
  assert(ready_count < #customers, "more idle customers than customers")
  local slot = (ready_head + ready_count - 1) % #customers + 1
  ready[slot] = customer
  ready_count = ready_count + 1
end

local function pop_ready()
  if ready_count == 0 then
    return nil
  end
  local customer = ready[ready_head]
  ready[ready_head] = nil
  ready_head = ready_head % #customers + 1
  ready_count = ready_count - 1
  return customer
end

-- Every customer is in flight and a connection still asks for a request: one request was
-- lost with its connection. Take back the customer that has waited longest.
local function reclaim_oldest()
  local oldest_id, oldest_start = nil, math.huge
  for id, entry in pairs(in_flight) do
    if entry.start_us < oldest_start then
      oldest_id, oldest_start = id, entry.start_us
    end
  end
  local entry = in_flight[oldest_id]
  in_flight[oldest_id] = nil
  lost = lost + 1
  return entry.customer
end

function init(args)
  local thread_total = tonumber(os.getenv("QM_BENCH_THREADS") or "1")
  for id in string.gmatch(os.getenv("QM_BENCH_PRODUCTS") or "", "%d+") do
    table.insert(products, id)
  end
  assert(#products > 0, "QM_BENCH_PRODUCTS names no product")
  local file = assert(io.open(os.getenv("QM_BENCH_TOKENS") or "", "r"), "QM_BENCH_TOKENS unreadable")
  local index = 0
  for token in file:lines() do
    if token ~= "" then
      if index % thread_total == thread_index then
        table.insert(customers, {
          number = index,
          authorization = "Bearer " .. token,
          next_step = "add",
          product_cursor = index % #products,
          keys_used = 0,
        })
      end
      index = index + 1
    end
  end
  file:close()
  assert(#customers > 0, "thread " .. thread_index .. " got no customer")
  for _, customer in ipairs(customers) do
    push_ready(customer)
  end
  verification_pending = thread_index == 0
end

function request()
  if verification_pending then
    verification_pending = false
    return wrk.format("GET", "/health")
  end
  local customer = pop_ready()
  if customer == nil then
    customer = reclaim_oldest()
  end
  request_seq = request_seq + 1
  local id = string.format("qmb-%s-%d-%d", run_tag, thread_index, request_seq)
  local headers = {
    ["Authorization"] = customer.authorization,
    ["Content-Type"] = "application/json",
    ["X-Request-ID"] = id,
  }
  local step = customer.next_step
  local text
  if step == "add" then
    customer.product_cursor = customer.product_cursor % #products + 1
    local body = '{"product_id":' .. products[customer.product_cursor] .. ',"quantity":1}'
    text = wrk.format("POST", "/cart/items", headers, body)
  else
    customer.keys_used = customer.keys_used + 1
    headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run_tag, customer.number, customer.keys_used)
    text = wrk.format("POST", "/orders/checkout", headers, address_body)
  end
  in_flight[id] = { customer = customer, step = step, start_us = now_us() }
  return text
end

local function header_value(headers, wanted)
  for name, value in pairs(headers) do
    if string.lower(name) == wanted then
      return value
    end
  end
  return nil
end

function response(status, headers, body)
  local finished_us = now_us()
  local id = header_value(headers, "x-request-id")
  local entry = id and in_flight[id]
  if not entry then
    stray = stray + 1
    return
  end
  in_flight[id] = nil
  local by_status = checkout_statuses
  local histogram = checkout_histogram
  if entry.step == "add" then
    by_status = add_statuses
    histogram = add_histogram
  end
  by_status[status] = (by_status[status] or 0) + 1
  if status >= 200 and status < 300 then
    local b = bucket_of(finished_us - entry.start_us)
    histogram[b] = (histogram[b] or 0) + 1
  end
  local customer = entry.customer
  -- A refused add (409 quantity_limit, 404) still leaves a cart to check out; a failed one
  -- (503, 5xx) may not, so the customer tries the add again.
  if entry.step == "add" and status < 500 then
    customer.next_step = "checkout"
  else
    customer.next_step = "add"
  end
  push_ready(customer)
end

-- ---------------------------------------------------------------- main state: report
local function percentile_ms(histogram, total, fraction)
  if total == 0 then
    return "nan"
  end
  local buckets = {}
  for b in pairs(histogram) do
    table.insert(buckets, b)
  end
  table.sort(buckets)
  local rank = math.ceil(total * fraction)
  local seen = 0
  for _, b in ipairs(buckets) do
    seen = seen + histogram[b]
    if seen >= rank then
      -- the bucket's geometric middle, in milliseconds
      return string.format("%.2f", math.exp((b + 0.5) * bucket_log) / 1000)
    end
  end
  return "nan"
end

function done(summary, latency, requests)
  local merged_counts = { add = {}, checkout = {} }
  local merged_histograms = { add = {}, checkout = {} }
  local merged_lost, merged_stray = 0, 0
  for _, thread in ipairs(threads) do
    for _, step in ipairs({ "add", "checkout" }) do
      for status, n in pairs(thread:get(step .. "_statuses")) do
        merged_counts[step][status] = (merged_counts[step][status] or 0) + n
      end
      for b, n in pairs(thread:get(step .. "_histogram")) do
        merged_histograms[step][b] = (merged_histograms[step][b] or 0) + n
      end
    end
    merged_lost = merged_lost + thread:get("lost")
    merged_stray = merged_stray + thread:get("stray")
  end
  print(string.format("duration_s %.3f", summary.duration / 1000000))
  for _, step in ipairs({ "add", "checkout" }) do
    local ok_total = 0
    for _, n in pairs(merged_histograms[step]) do
      ok_total = ok_total + n
    end
    local statuses = {}
    for status in pairs(merged_counts[step]) do
      table.insert(statuses, status)
    end
    table.sort(statuses)
    for _, status in ipairs(statuses) do
      print(string.format("%s_status %d %d", step, status, merged_counts[step][status]))
    end
    print(string.format("%s_ok %d", step, ok_total))
    print(string.format("%s_p50_ms %s", step, percentile_ms(merged_histograms[step], ok_total, 0.50)))
    print(string.format("%s_p99_ms %s", step, percentile_ms(merged_histograms[step], ok_total, 0.99)))
  end
  print(string.format("lost %d", merged_lost))
  print(string.format("stray %d", merged_stray))
  local e = summary.errors
  print(string.format("socket_errors %d", e.connect + e.read + e.write + e.timeout))
  print(string.format("wrk_requests %d", summary.requests))
  print(string.format("wrk_p50_ms %.2f", latency:percentile(50) / 1000))
  print(string.format("wrk_p99_ms %.2f", latency:percentile(99) / 1000))
end
