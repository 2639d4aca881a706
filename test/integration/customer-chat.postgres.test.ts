import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { eventually, startTestSandbox } from '../support/sandbox.ts'

describe('customer chat on PostgreSQL (store) and pg-boss (queue)', () => {
  let db: TestPostgresDatabase
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    db = await createTestPostgresDatabase()
    s = await startTestSandbox({ overrides: { store: { url: db.url }, queue: { url: db.url } } })
  })
  afterAll(async () => {
    await s?.close()
    await db?.drop()
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
  })
})
