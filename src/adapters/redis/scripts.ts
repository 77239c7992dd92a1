/**
 * The Lua scripts of the Redis adapter. Each touches exactly one key, so each runs on Redis
 * Cluster too. Presence values are `<nodeId>|<connSeq>|<connectedAtMs>`.
 */

/** KEYS[1] presence; ARGV value, ttl → previous value (nil when none). Newest connection wins. */
export const CLAIM = `
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return previous`;

/**
 * KEYS[1] presence; ARGV value, ttl, connectedAt → nil when ARGV[1] holds the key afterwards
 * (renewed, or re-created after data loss, or replacing an older connection), else the holder.
 */
export const REFRESH = `
local current = redis.call('GET', KEYS[1])
local at = current and tonumber(string.match(current, '|(%d+)$')) or 0
if (not current) or current == ARGV[1] or at < tonumber(ARGV[3]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return false
end
return current`;

/** KEYS[1] presence; ARGV value → deletes only our own record. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * KEYS[1] node registry (zset, score = last heartbeat on the Redis clock, so node clocks need
 * not agree); ARGV nodeId, lossAfterMs, forgetAfterMs → the nodes live within lossAfterMs.
 */
export const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
return redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[2]), '+inf')`;
