import { afterEach, beforeEach, expect, test } from 'vitest'

import type { ChatMessage, DeliveryAttempt } from './index.ts'
import { ALICE, BOB, chatSubscription, type Harness, startHarness } from './testing/harness.ts'
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts'

let h: Harness
let hook: WebhookReceiver
beforeEach(async () => {
  h = await startHarness()
  hook = await startReceiver()
})
afterEach(async () => {
  await h.graph.close()
  await hook.close()
})

const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`${h.graph.origin}/_emulator${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as T
}

test('the console can seed, act as a user with a pasted image, and read what happened', async () => {
  const chat = await control<{ id: string }>('POST', '/chats', { memberIds: [ALICE.id, BOB.id] })
  expect(chat.id).toBe(`19:${[ALICE.id, BOB.id].sort().join('_')}@unq.gbl.spaces`)
  expect(
    (await h.call('POST', '/subscriptions', { body: chatSubscription(h, hook.url) })).status,
  ).toBe(201)
  const png = Buffer.from('89504e47', 'hex').toString('base64')
  const sent = await control<ChatMessage>(
    'POST',
    `/chats/${encodeURIComponent(h.chatId)}/messages`,
    {
      userId: ALICE.id,
      text: 'screenshot',
      hostedImages: [{ bytes: png, contentType: 'image/png' }],
    },
  )
  expect(sent.body.contentType).toBe('html')
  const src = /src="([^"]+)"/.exec(sent.body.content)![1]!
  const image = await h.call('GET', src)
  expect(Buffer.from(await image.arrayBuffer()).toString('base64')).toBe(png)

  const messages = await control<ChatMessage[]>(
    'GET',
    `/chats/${encodeURIComponent(h.chatId)}/messages`,
  )
  expect(messages.map((m) => m.id)).toEqual([sent.id])
  await control('POST', '/idle')
  const deliveries = await control<DeliveryAttempt[]>('GET', '/deliveries')
  expect(deliveries.map((d) => d.kind)).toEqual(['validation', 'notification'])
})

test('control errors answer 400 with a reason', async () => {
  const res = await fetch(`${h.graph.origin}/_emulator/chats/nope/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: ALICE.id, text: 'x' }),
  })
  expect(res.status).toBe(400)
  expect(await res.json()).toEqual({ error: 'unknown chat nope' })
})

test('advancing the clock over HTTP runs due retries', async () => {
  expect(
    (await h.call('POST', '/subscriptions', { body: chatSubscription(h, hook.url) })).status,
  ).toBe(201)
  await control('POST', '/delivery-failures', { count: 1 })
  h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'later' })
  await control('POST', '/idle')
  expect(hook.notifications()).toHaveLength(0)
  await control('POST', '/clock/advance', { ms: 15_000 })
  expect(hook.notifications()).toHaveLength(1)
})
