import { setTimeout as sleep } from 'node:timers/promises'

import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { createRedisRateLimiter } from '../../src/infra/limits/redis-limiter.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import type { Redis } from '../../src/infra/redis/client.ts'
import { uniqueKeyPrefix, useTestRedisPair } from '../support/redis.ts'
import { describeRateLimiterContract } from './rate-limiter.contract.ts'

const keyPrefix = uniqueKeyPrefix('rate-limiter')
const connections = useTestRedisPair(keyPrefix)

// Two connections stand for two processes; time is real (the budget runs on Redis's clock).
describeRateLimiterContract('redis', async (budgets) => {
  const log = createLogger({ level: 'silent' })
  const open = (redis: Redis) =>
    createRedisRateLimiter({ redis, keyPrefix, budgets, clock: systemClock, log })
  const [first, second] = connections()
  return {
    limiter: open(first),
    peer: open(second),
    now: () => Date.now(),
    advance: (ms) => sleep(ms),
    close: async () => {},
  }
})
