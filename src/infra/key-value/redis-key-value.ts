import { randomUUID } from 'node:crypto'

import type { JsonValue } from '../../core/model/json.ts'
import type { KeyValueStore, KeyValueWriteOptions } from '../../core/ports/key-value.ts'
import { callRedis, type Redis } from '../redis/client.ts'
import { luaScript } from '../redis/lua-script.ts'

export interface RedisKeyValueOptions {
  readonly redis: Redis
  /** Prepended to every key (`{keyPrefix}{key}`), so several deployments can share a Redis. */
  readonly keyPrefix: string
}

// An entry is one string, "<revision> <json>" (a revision never holds a space), written with SET
// and PX: expiry is Redis's own. KEYS[1]; ARGV expected revision ('' = absent), entry, ttl ('').
const COMPARE_AND_SET = luaScript(`
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if current then return 0 end
elseif not current or string.sub(current, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then
  return 0
end
if ARGV[3] == '' then
  redis.call('SET', KEYS[1], ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 1
`)

/** The key-value port on Redis, for the scaled deployment. */
export function createRedisKeyValueStore(options: RedisKeyValueOptions): KeyValueStore {
  const { redis } = options
  const redisKey = (key: string) => `${options.keyPrefix}${key}`

  return {
    async get<T extends JsonValue = JsonValue>(key: string) {
      const entry = await callRedis('get', () => redis.get(redisKey(key)))
      if (entry === null) return undefined
      const space = entry.indexOf(' ')
      return { revision: entry.slice(0, space), value: JSON.parse(entry.slice(space + 1)) as T }
    },

    async set(key, value, writeOptions) {
      const entry = encode(value)
      const ttl = ttlOf(writeOptions)
      await callRedis('set', () =>
        ttl === undefined
          ? redis.set(redisKey(key), entry)
          : redis.set(redisKey(key), entry, 'PX', ttl),
      )
    },

    async compareAndSet(key, expected, value, writeOptions) {
      const args = [expected ?? '', encode(value), ttlOf(writeOptions) ?? '']
      const wrote = await callRedis('compare-and-set', () =>
        COMPARE_AND_SET(redis, [redisKey(key)], args),
      )
      return wrote === 1
    },

    async delete(key) {
      await callRedis('delete', () => redis.del(redisKey(key)))
    },
  }
}

function encode(value: JsonValue): string {
  return `${randomUUID()} ${JSON.stringify(value)}`
}

/** Whole milliseconds, at least 1 (Redis refuses PX 0). */
function ttlOf(options: KeyValueWriteOptions | undefined): number | undefined {
  return options?.ttlMs === undefined ? undefined : Math.max(1, Math.ceil(options.ttlMs))
}
