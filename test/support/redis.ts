import { randomUUID } from 'node:crypto'

import { afterAll, beforeAll } from 'vitest'

import { createLogger } from '../../src/infra/logging/create-logger.ts'
import { closeRedis, openRedis, type Redis } from '../../src/infra/redis/client.ts'

/** The server the test suites use (README: Redis on 127.0.0.1:6379). */
export const REDIS_TEST_URL = process.env.CXB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A connection to the test Redis; fails (never skips) when Redis is down. */
export function openTestRedis(url = REDIS_TEST_URL): Promise<Redis> {
  return openRedis({ url, log: createLogger({ level: 'silent' }), commandTimeoutMs: 2_000 })
}

/** A key prefix no other test file or run shares. */
export function uniqueKeyPrefix(suite: string): string {
  return `cxb-test:${suite}:${randomUUID().slice(0, 8)}:`
}

/** Deletes every key under `prefix`, then closes the connection. */
export async function cleanUpRedis(redis: Redis, prefix: string): Promise<void> {
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    await closeRedis(redis)
  }
}

/**
 * Registers hooks that open two connections to the test Redis for this file (two processes)
 * and delete everything under `keyPrefix` after it; returns a getter for them.
 */
export function useTestRedisPair(keyPrefix: string): () => readonly [Redis, Redis] {
  let pair: [Redis, Redis] | undefined
  beforeAll(async () => {
    pair = await Promise.all([openTestRedis(), openTestRedis()])
  })
  afterAll(async () => {
    if (!pair) return
    await cleanUpRedis(pair[0], keyPrefix)
    await closeRedis(pair[1])
  })
  return () => {
    if (!pair) throw new Error('the Redis connections are opened in beforeAll')
    return pair
  }
}
