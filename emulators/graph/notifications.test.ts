import { afterEach, beforeEach, describe, expect, test } from 'vitest'

import { ALICE, type Harness, inMinutes, SERVICE, startHarness, TENANT } from './testing/harness.ts'
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts'

let h: Harness
let hook: WebhookReceiver

beforeEach(async () => {
  h = await startHarness({ seed: 7 })
  hook = await startReceiver()
})
afterEach(async () => {
  await h.graph.close()
  await hook.close()
})

type Collection = { value: Array<Record<string, unknown>>; validationTokens?: string[] }

async function subscribe(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.call('POST', '/subscriptions', {
    body: {
      changeType: 'created,updated,deleted',
      notificationUrl: hook.url,
      resource: `/chats/${h.chatId}/messages`,
      expirationDateTime: inMinutes(h.clock, 50),
      clientState: 'state-42',
      ...extra,
    },
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

describe('change notifications', () => {
  test('a Teams user message reaches the subscriber with clientState and resource ids', async () => {
    const subscriptionId = await subscribe()
    const message = h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'hello' })
    await h.graph.control.idle()
    const [notification] = hook.notifications()
    expect(notification!.contentType).toContain('application/json')
    const body = notification!.json<Collection>()
    const path = `chats('${h.chatId}')/messages('${message.id}')`
    expect(body.value).toEqual([
      {
        subscriptionId,
        subscriptionExpirationDateTime: expect.any(String),
        changeType: 'created',
        resource: path,
        resourceData: {
          id: message.id,
          '@odata.type': '#Microsoft.Graph.chatMessage',
          '@odata.id': path,
        },
        clientState: 'state-42',
        tenantId: TENANT,
      },
    ])
    expect(body.validationTokens).toBeUndefined()
    expect(h.graph.control.deliveries().at(-1)).toMatchObject({
      kind: 'notification',
      outcome: 'delivered',
      status: 202,
      attempt: 1,
      subscriptionIds: [subscriptionId],
    })
  })

  test('the service account’s own delegated POST is notified too (loop-guard input)', async () => {
    await subscribe()
    const res = await h.call('POST', `/chats/${h.chatId}/messages`, {
      token: h.serviceToken,
      body: { body: { contentType: 'html', content: '<p>from the desk</p>' } },
    })
    expect(res.status).toBe(201)
    await h.graph.control.idle()
    expect(hook.notifications()).toHaveLength(1)
    const posted = h.graph.control.messages(h.chatId).at(-1)!
    expect(posted.from.user?.id).toBe(SERVICE.id)
  })

  test('edits and deletes arrive as updated and deleted; unsubscribed change types do not', async () => {
    await subscribe({ changeType: 'created,deleted' })
    const message = h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'v1' })
    h.graph.control.userEdits({ chatId: h.chatId, messageId: message.id, text: 'v2' })
    h.graph.control.userDeletes({ chatId: h.chatId, messageId: message.id })
    await h.graph.control.idle()
    const changeTypes = hook
      .notifications()
      .flatMap((n) => n.json<Collection>().value.map((v) => v.changeType))
    expect(changeTypes).toEqual(['created', 'deleted'])
  })

  test('failed deliveries are retried with backoff until a 2xx', async () => {
    await subscribe()
    let calls = 0
    hook.respond(() => ({ status: ++calls < 3 ? 503 : 202 }))
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'retry me' })
    await h.graph.control.idle()
    expect(calls).toBe(1)
    await h.graph.control.advance(15_000)
    expect(calls).toBe(2)
    await h.graph.control.advance(29_000)
    expect(calls).toBe(2)
    await h.graph.control.advance(1_000)
    expect(calls).toBe(3)
    const attempts = h.graph.control.deliveries().filter((d) => d.kind === 'notification')
    expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 503, 'retry-scheduled'],
      [2, 503, 'retry-scheduled'],
      [3, 202, 'delivered'],
    ])
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1)
  })

  test('Graph gives up after four hours of failures', async () => {
    await subscribe({
      lifecycleNotificationUrl: hook.url,
      expirationDateTime: inMinutes(h.clock, 600),
    })
    hook.respond((req) =>
      req.query.has('validationToken')
        ? { status: 200, body: req.query.get('validationToken')!, contentType: 'text/plain' }
        : { status: 500 },
    )
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'lost' })
    await h.graph.control.idle()
    for (let i = 0; i < 30; i += 1) await h.graph.control.advance(10 * 60_000)
    const attempts = h.graph.control.deliveries().filter((d) => d.kind === 'notification')
    expect(attempts.at(-1)!.outcome).toBe('gave-up')
    const elapsed = Date.parse(attempts.at(-1)!.at) - Date.parse(attempts[0]!.at)
    expect(elapsed).toBeLessThanOrEqual(4 * 60 * 60_000)
    const count = attempts.length
    await h.graph.control.advance(60 * 60_000)
    expect(h.graph.control.deliveries().filter((d) => d.kind === 'notification')).toHaveLength(
      count,
    )
  })

  test('injected delivery failures retry without reaching the subscriber', async () => {
    await subscribe()
    h.graph.control.failDeliveries(1)
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'x' })
    await h.graph.control.idle()
    expect(hook.notifications()).toHaveLength(0)
    await h.graph.control.advance(15_000)
    expect(hook.notifications()).toHaveLength(1)
  })

  test('an answer slower than 3 s is a failed, slow attempt', async () => {
    const slow = await startHarness({ delivery: { timeoutMs: 200 } })
    try {
      const res = await slow.call('POST', '/subscriptions', {
        body: {
          changeType: 'created',
          notificationUrl: hook.url,
          resource: `/chats/${slow.chatId}/messages`,
          expirationDateTime: inMinutes(slow.clock, 50),
        },
      })
      expect(res.status).toBe(201)
      hook.respond(() => ({ status: 202, delayMs: 400 }))
      slow.graph.control.userSends({ chatId: slow.chatId, userId: ALICE.id, text: 'slow' })
      await slow.graph.control.idle()
      expect(slow.graph.control.deliveries().at(-1)).toMatchObject({
        outcome: 'retry-scheduled',
        slow: true,
        status: undefined,
      })
    } finally {
      await slow.graph.close()
    }
  })
})

describe('notification faults', () => {
  test('duplicate 100% sends each notification twice', async () => {
    await subscribe()
    h.graph.control.setNotificationFaults({ duplicatePercent: 100 })
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'twice' })
    await h.graph.control.idle()
    const bodies = hook.notifications().map((n) => n.body)
    expect(bodies).toHaveLength(2)
    expect(bodies[0]).toBe(bodies[1])
  })

  test('drop 100% logs the notification as dropped and sends nothing', async () => {
    await subscribe()
    h.graph.control.setNotificationFaults({ dropPercent: 100 })
    h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'gone' })
    await h.graph.control.idle()
    expect(hook.notifications()).toHaveLength(0)
    expect(h.graph.control.deliveries().at(-1)).toMatchObject({
      outcome: 'dropped',
      error: 'injected drop',
    })
  })

  test('a reorder window sends the held notifications newest first', async () => {
    await subscribe()
    h.graph.control.setNotificationFaults({ reorderWindow: 3 })
    const sent = ['one', 'two', 'three'].map((text) =>
      h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text }),
    )
    await h.graph.control.idle()
    const ids = hook
      .notifications()
      .flatMap((n) => n.json<Collection>().value.map((v) => (v.resourceData as { id: string }).id))
    expect(ids).toEqual(sent.map((m) => m.id).reverse())
  })

  test('reorderPercent swaps a notification with the next one of its subscription', async () => {
    await subscribe()
    h.graph.control.setNotificationFaults({ reorderPercent: 100, reorderHoldMs: 50 })
    const [one, two] = ['one', 'two'].map((text) =>
      h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text }),
    )
    await h.graph.control.idle()
    // 'two' was held in turn and went alone after the hold.
    await new Promise((resolve) => setTimeout(resolve, 100))
    await h.graph.control.idle()
    const ids = hook
      .notifications()
      .map((n) => (n.json<Collection>().value[0]!.resourceData as { id: string }).id)
    expect(ids).toEqual([two!.id, one!.id])
  })
})

test('tenant-wide getAllMessages stops after the evaluation quota without model=', async () => {
  const metered = await startHarness({ meteredEvaluationQuota: 2 })
  try {
    const res = await metered.call('POST', '/subscriptions', {
      body: {
        changeType: 'created',
        notificationUrl: hook.url,
        resource: '/chats/getAllMessages',
        expirationDateTime: inMinutes(metered.clock, 50),
      },
    })
    expect(res.status).toBe(201)
    for (const text of ['a', 'b', 'c'])
      metered.graph.control.userSends({ chatId: metered.chatId, userId: ALICE.id, text })
    await metered.graph.control.idle()
    expect(hook.notifications()).toHaveLength(2)
    const dropped = metered.graph.control.deliveries().filter((d) => d.outcome === 'dropped')
    expect(dropped).toHaveLength(1)
    expect(dropped[0]!.error).toContain('quota')
  } finally {
    await metered.graph.close()
  }
})
