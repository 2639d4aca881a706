import { createHash } from 'node:crypto'

import type { Redis } from 'ioredis'

export type RedisArgument = string | number

/**
 * A Lua script run atomically by Redis: sent by its SHA-1 (EVALSHA), and in full only when the
 * server does not know it yet (after a restart or a SCRIPT FLUSH).
 */
export function luaScript(
  source: string,
): (redis: Redis, keys: readonly string[], args: readonly RedisArgument[]) => Promise<unknown> {
  const sha = createHash('sha1').update(source).digest('hex')
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return redis.eval(source, keys.length, ...keys, ...args)
    }
  }
}
