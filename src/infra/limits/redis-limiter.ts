import { RemoteUnavailableError } from '../../core/errors.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { RateLimiter } from '../../core/ports/rate-limiter.ts'
import { callRedis, type Redis } from '../redis/client.ts'
import { luaScript } from '../redis/lua-script.ts'
import { budgetFor, type RateBudgets } from './budgets.ts'
import { PAUSE, TAKE } from './redis-limiter-scripts.ts'
import { type Take, WaitLine } from './wait-line.ts'

export interface RedisRateLimiterOptions {
  readonly redis: Redis
  /** Prefix of every Redis key this limiter writes (`{keyPrefix}rate:{key}`). */
  readonly keyPrefix: string
  /** Budget per key prefix (the part of the key before the first `:`), the same in every process. */
  readonly budgets: RateBudgets
  /** Sleeps between tries; the budget itself runs on the Redis server's clock. */
  readonly clock: Clock
  readonly log: Logger
}

const take = luaScript(TAKE)
const pause = luaScript(PAUSE)

/**
 * One token bucket per key for the whole fleet, kept in Redis and changed only by atomic Lua
 * scripts. In each process the callers of a key wait in one line (./wait-line.ts): one call asks
 * Redis for a unit for every caller in the line and Redis grants what the bucket holds and names
 * the wait for the rest, so a busy key costs one Redis call per process per batch of callers. A pause
 * is stored beside the bucket and holds every process.
 *
 * When Redis cannot be reached, `acquire` on a budgeted key fails with a retryable
 * `RemoteUnavailableError` rather than falling back to per-process buckets: those would
 * multiply every budget by the number of processes and ignore the pauses of the others,
 * breaking the very promise made to the remotes. The job holding the call is retried with
 * backoff instead (docs/operations.md). Keys without a budget (signing-key fetches on the
 * webhook path) go ahead: they have no budget to overspend.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { redis, clock, log } = options
  const lines = new Map<string, WaitLine>()
  const redisKey = (key: string) => `${options.keyPrefix}rate:${key}`

  const lineOf = (key: string): WaitLine => {
    let line = lines.get(key)
    if (!line) {
      const budget = budgetFor(options.budgets, key)
      const args = [budget?.limit ?? 0, budget?.intervalMs ?? 0]
      const tryTake = async (wanted: number): Promise<Take> => {
        try {
          const [granted, waitMs] = (await callRedis('rate limit', () =>
            take(redis, [redisKey(key)], [...args, wanted]),
          )) as [number, number]
          return { granted, waitMs }
        } catch (error) {
          // Without a budget there is nothing to overspend: only others' pauses go unseen.
          if (!budget && error instanceof RemoteUnavailableError)
            return { granted: wanted, waitMs: 0 }
          throw error
        }
      }
      const created = new WaitLine(clock, tryTake, () => {
        if (created.idle && lines.get(key) === created) lines.delete(key)
      })
      line = created
      lines.set(key, line)
    }
    return line
  }

  return {
    // An aborted caller never creates a line (it would never be pumped, so never removed).
    acquire: (key, signal) =>
      signal?.aborted ? Promise.reject(signal.reason) : lineOf(key).wait(signal),

    async pause(key, retryAfterMs) {
      try {
        const ms = Number.isFinite(retryAfterMs) ? Math.max(0, retryAfterMs) : 0
        await callRedis('rate pause', () => pause(redis, [redisKey(key)], [String(ms)]))
      } catch (error) {
        log.warn({ key, retryAfterMs, err: error }, 'could not share a rate-limit pause')
      }
    },
  }
}
