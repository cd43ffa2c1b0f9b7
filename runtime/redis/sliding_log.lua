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
-- them exactly (Redis passes a Lua number to a command in a form that parses back exactly).
-- Each redis.call costs more than the command it runs, so none is made that the decision
-- does not need.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])

-- An entry at exactly now - window has left the window.
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  -- Refused: nothing recorded, the key keeps the expiry its last admission gave it.
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, 0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', key, ARGV[1], ARGV[4])
-- The log lives one window past its newest entry (whole milliseconds, rounded up).
redis.call('PEXPIRE', key, math.floor((window + 999) / 1000))
-- The oldest entry is now itself when the log was empty (or, with a clock that stepped back,
-- when every other entry is newer).
local first = now
if count > 0 then
  local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
  if oldest < first then
    first = oldest
  end
end
return {1, limit - count - 1, first + window - now}
