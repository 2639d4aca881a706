// The shared state of one rate key is a Redis hash: `tokens` and `at` (the bucket, as of server
// time `at`) and `paused` (nobody sends before this server time). All times are the Redis
// server's TIME in milliseconds, so the processes' own clocks never matter. The hash expires
// once it is no longer needed: a bucket left alone refills completely within one interval.

const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
`

/**
 * KEYS[1] the key's hash; ARGV limit (0: no budget), intervalMs, wanted. Takes up to `wanted`
 * units and returns { granted, wait }: wait is the whole milliseconds (at least 1) until a try can
 * take one more, 0 when every unit wanted was granted.
 */
export const TAKE = `${NOW}
local wanted = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'paused')
local paused = tonumber(state[3]) or 0
if paused > now then return {0, math.max(1, math.ceil(paused - now))} end
local limit = tonumber(ARGV[1])
if limit <= 0 then return {wanted, 0} end
local interval = tonumber(ARGV[2])
local tokens = tonumber(state[1]) or limit
local at = tonumber(state[2]) or now
tokens = math.min(limit, tokens + math.max(0, now - at) * limit / interval)
local granted = math.min(wanted, math.floor(tokens))
tokens = tokens - granted
local wait = 0
if granted < wanted then
  wait = math.max(1, math.ceil((1 - tokens) * interval / limit))
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'at', string.format('%.3f', now))
redis.call('PEXPIRE', KEYS[1], math.ceil(interval) + 1000)
return {granted, wait}
`

/** KEYS[1] the key's hash; ARGV retryAfterMs (fractions allowed). Never shortens a pause. */
export const PAUSE = `${NOW}
local untilMs = now + math.max(0, tonumber(ARGV[1]))
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if untilMs <= paused then return 0 end
redis.call('HSET', KEYS[1], 'paused', string.format('%.3f', untilMs))
local keep = math.ceil(untilMs - now) + 1000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1
`
