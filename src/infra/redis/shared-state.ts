import type { Clock } from '../../core/ports/clock.ts'
import type { KeyValueStore } from '../../core/ports/key-value.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { RateLimiter } from '../../core/ports/rate-limiter.ts'
import { createRedisKeyValueStore } from '../key-value/redis-key-value.ts'
import type { RateBudgets } from '../limits/budgets.ts'
import { createRedisRateLimiter } from '../limits/redis-limiter.ts'
import { closeRedis, openRedis } from './client.ts'

export interface RedisSharedState {
  readonly limiter: RateLimiter
  readonly keyValue: KeyValueStore
  /** Throws when Redis does not answer (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The scaled deployment's shared state: one Redis connection for limits, sessions and caches. */
export async function openRedisSharedState(options: {
  readonly url: string
  readonly keyPrefix: string
  readonly budgets: RateBudgets
  readonly clock: Clock
  readonly log: Logger
}): Promise<RedisSharedState> {
  const { keyPrefix, clock, log } = options
  const redis = await openRedis({ url: options.url, log })
  return {
    limiter: createRedisRateLimiter({ redis, keyPrefix, budgets: options.budgets, clock, log }),
    keyValue: createRedisKeyValueStore({ redis, keyPrefix }),
    async ping() {
      await redis.ping()
    },
    close: () => closeRedis(redis),
  }
}
