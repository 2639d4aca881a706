import { setTimeout as sleep } from 'node:timers/promises'

import { afterAll, beforeAll } from 'vitest'

import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { createRedisRateLimiter } from '../../src/infra/limits/redis-limiter.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import type { Redis } from '../../src/infra/redis/client.ts'
import { cleanUpRedis, openTestRedis, uniqueKeyPrefix } from '../support/redis.ts'
import { describeRateLimiterContract } from './rate-limiter.contract.ts'

const keyPrefix = uniqueKeyPrefix('rate-limiter')
let first: Redis
let second: Redis

beforeAll(async () => {
  ;[first, second] = await Promise.all([openTestRedis(), openTestRedis()])
})
afterAll(async () => {
  await cleanUpRedis(first, keyPrefix)
  await second?.quit()
})

// Two connections stand for two processes; time is real (the budget runs on Redis's clock).
describeRateLimiterContract('redis', async (budgets) => {
  const log = createLogger({ level: 'silent' })
  const open = (redis: Redis) =>
    createRedisRateLimiter({ redis, keyPrefix, budgets, clock: systemClock, log })
  return {
    limiter: open(first),
    peer: open(second),
    now: () => Date.now(),
    advance: (ms) => sleep(ms),
    close: async () => {},
  }
})
