import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { integrationId } from '../../src/core/model/ids.ts'
import type { Redis } from '../../src/infra/redis/client.ts'
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { cleanUpRedis, openTestRedis, REDIS_TEST_URL, uniqueKeyPrefix } from '../support/redis.ts'
import { eventually, startTestSandbox } from '../support/sandbox.ts'

describe('customer chat scaled: PostgreSQL (store), pg-boss (queue), Redis (limits, sessions)', () => {
  const keyPrefix = uniqueKeyPrefix('scaled')
  let db: TestPostgresDatabase
  let redis: Redis
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    db = await createTestPostgresDatabase()
    redis = await openTestRedis()
    s = await startTestSandbox({
      overrides: {
        store: { url: db.url },
        queue: { url: db.url },
        redis: { url: REDIS_TEST_URL, keyPrefix },
      },
    })
  })
  afterAll(async () => {
    await s?.close()
    await db?.drop()
    if (redis) await cleanUpRedis(redis, keyPrefix)
  })

  it('carries messages both ways, once and in order', async () => {
    const texts = ['one', 'two', 'three', 'four', 'five']
    for (const text of texts) {
      s.graph.control.userSends({ chatId: s.demo.chatId, userId: s.demo.customer.id, text })
    }
    await eventually(
      'messages in Genesys',
      () => s.genesys.control.received().length === texts.length,
    )
    expect(s.genesys.control.received().map((m) => m.text)).toEqual(texts)

    await s.genesys.control.agentSends({
      integrationId: s.demo.genesys.integrationId,
      toId: s.genesys.control.received()[0]!.from.id,
      text: 'Thanks, on it',
    })
    await eventually('reply in Teams', () =>
      s.graph.control
        .messages(s.demo.chatId)
        .some((m) => m.from?.user?.id === s.demo.serviceAccount.id),
    )
    expect(await s.bridge.infra.store.conversations.count()).toBe(1)
    // The calls to Genesys and Graph were counted in Redis, for the whole fleet.
    const [, rateKeys] = await redis.scan('0', 'MATCH', `${keyPrefix}rate:*`, 'COUNT', 1000)
    expect(rateKeys.some((k) => k.startsWith(`${keyPrefix}rate:genesys:`))).toBe(true)
    expect(rateKeys.some((k) => k.startsWith(`${keyPrefix}rate:graph:`))).toBe(true)
    // So was the customer's directory lookup (UPN), cached for a day.
    const upnTtl = await redis.pttl(
      `${keyPrefix}graph-user:${s.demo.tenantId}:${s.demo.customer.id}`,
    )
    expect(upnTtl).toBeGreaterThan(23 * 3_600_000)
  })

  it('keeps bot sessions in Redis and reports Redis in /readyz', async () => {
    const key = { integrationId: integrationId('6685901b'), userId: 'aad-user-1' }
    await s.bridge.infra.sessions.append(key, [{ role: 'user', text: 'hi' }], {
      durationMs: 60_000,
    })
    const ttl = await redis.pttl(`${keyPrefix}teams-session-6685901b-aad-user-1`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)

    const ready = await fetch(`${s.bridge.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({
      checks: expect.arrayContaining([{ name: 'redis', ok: true }]),
    })
  })
})
