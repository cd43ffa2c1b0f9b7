-- One sliding-window rate-limit decision, atomically (Redis runs a script without
-- interleaving). The algorithm is core/ratelimit/verdict.hpp's; the in-memory limiter and the
-- simulator's kv make the same decisions for the same arrivals.
--
-- KEYS[1]  the key's log: a sorted set, score = admission time in microseconds
-- ARGV[1]  now, microseconds since the epoch (the caller's clock; replicas must agree on it)
-- ARGV[2]  window, microseconds (> 0)
-- ARGV[3]  limit (> 0)
-- ARGV[4]  a member name unique to this request (two admissions in the same microsecond
--          must both count)
-- Returns {allowed (0/1), remaining, reset_after in microseconds}.
--
-- Times are below 2^53 microseconds (year 2255), so Lua's doubles and the set's scores hold
-- them exactly.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])

-- An entry at exactly now - window has left the window.
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now - window))
local count = redis.call('ZCARD', key)
local allowed = 0
local remaining = 0
if count < limit then
  redis.call('ZADD', key, ARGV[1], ARGV[4])
  count = count + 1
  allowed = 1
  remaining = limit - count
end
-- The log is empty only when a refusal found limit >= 1 entries, which cannot be, so the
-- key exists here; it lives one window past the newest entry, whole milliseconds.
redis.call('PEXPIRE', key, math.floor((window + 999) / 1000))
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local reset_after = tonumber(oldest[2]) + window - now
return {allowed, remaining, reset_after}
