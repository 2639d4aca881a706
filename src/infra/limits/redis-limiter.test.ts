import { setTimeout as sleep } from 'node:timers/promises'

import { afterEach, describe, expect, it } from 'vitest'

import {
  cleanUpRedis,
  openTestRedis,
  REDIS_TEST_URL,
  uniqueKeyPrefix,
} from '../../../test/support/redis.ts'
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.ts'
import { RemoteUnavailableError } from '../../core/errors.ts'
import { systemClock } from '../clock/system-clock.ts'
import { createLogger } from '../logging/create-logger.ts'
import type { Redis } from '../redis/client.ts'
import { createRedisRateLimiter } from './redis-limiter.ts'

describe('Redis rate limiter when Redis is unreachable', () => {
  let proxy: TcpProxy | undefined
  let redis: Redis | undefined
  const keyPrefix = uniqueKeyPrefix('limiter-down')
  afterEach(async () => {
    await proxy?.restore()
    if (redis) await cleanUpRedis(redis, keyPrefix)
    await proxy?.close()
  })

  it('fails a budgeted acquire with a retryable error, lets unbudgeted keys go, recovers with Redis', async () => {
    const target = new URL(REDIS_TEST_URL)
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) })
    redis = await openTestRedis(`redis://127.0.0.1:${proxy.port}`)
    const lines: string[] = []
    const log = createLogger({ level: 'warn', destination: { write: (line) => lines.push(line) } })
    const limiter = createRedisRateLimiter({
      redis,
      keyPrefix,
      budgets: { g: { limit: 5, intervalMs: 1_000 } },
      clock: systemClock,
      log,
    })
    await limiter.acquire('g:org')

    await proxy.cut()
    await sleep(50)
    const failure = await limiter.acquire('g:org').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RemoteUnavailableError)
    expect((failure as RemoteUnavailableError).retryable).toBe(true)
    await limiter.acquire('openid:login.example') // no budget to overspend: goes ahead
    await limiter.pause('g:org', 1_000) // resolves all the same
    expect(lines.some((line) => line.includes('could not share a rate-limit pause'))).toBe(true)

    await proxy.restore()
    await expect.poll(() => redis!.status, { timeout: 10_000 }).toBe('ready')
    await limiter.acquire('g:org')
  })
})
