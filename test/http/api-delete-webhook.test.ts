import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../src/core/model/ids.ts'
import { accountAdmin } from '../../src/flows/admin/accounts.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { eventually } from '../support/sandbox.ts'
import { as } from './api-harness.ts'
import { startWebhookHarness, type WebhookHarness, WEBHOOKS } from './webhook-harness.ts'
import { botActivity, genuineRequest } from './webhook-requests.ts'

/** The whole bridge: deleting an integration through the API closes its webhook at once. */
describe('admin API delete on the running bridge', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
  })
  afterAll(() => h?.close())

  it('stops the bot webhook on the next request, without waiting for cached lookups to expire', async () => {
    const store = h.s.bridge.infra.store
    const issued = await accountAdmin({ store, clock: systemClock }).createAccount('Contoso')
    const id = 'demo-teams-bot' as IntegrationId
    await store.integrations.update(id, { accountId: issued.account.id })

    const activity = () => JSON.stringify(botActivity(h.s))
    // Accepted (and the webhook's integration lookup is now cached), then forwarded.
    expect((await h.inject(await genuineRequest(h.s, 'bot', activity()))).statusCode).toBe(202)
    const conversations = await eventually('the activity forwarded', async () => {
      const n = await store.conversations.count()
      return n > 0 ? n : undefined
    })
    const listed = await h.inject(as(issued.token, { method: 'GET', url: '/api/v1/integrations' }))
    expect((listed.json() as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual([id])

    const deleted = await h.inject(
      as(issued.token, { method: 'DELETE', url: `/api/v1/integrations/${id}` }),
    )
    expect(deleted.statusCode).toBe(204)
    const after = await h.inject(await genuineRequest(h.s, 'bot', activity()))
    expect(after.statusCode).toBe(404)
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(WEBHOOKS.bot).toContain(id)
    // The conversation history stays.
    expect(await store.conversations.count()).toBe(conversations)
  })
})
