-- INCRBY that gives a new key a TTL and leaves an existing key's expiry alone, atomically
-- (two pipelined commands could leave a key without a TTL if the connection broke between them).
--
-- KEYS[1]  the counter
-- ARGV[1]  delta
-- ARGV[2]  ttl in milliseconds for a key that has none
-- Returns the new value.
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'NX')
return value
