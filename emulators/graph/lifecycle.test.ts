import { afterEach, beforeEach, expect, test } from 'vitest'

import {
  ALICE,
  chatSubscription,
  type Harness,
  inMinutes,
  startHarness,
  TENANT,
} from './testing/harness.ts'
import { startReceiver, type WebhookReceiver } from './testing/webhook-receiver.ts'

let h: Harness
let hook: WebhookReceiver
let lifecycle: WebhookReceiver

beforeEach(async () => {
  h = await startHarness()
  hook = await startReceiver()
  lifecycle = await startReceiver()
})
afterEach(async () => {
  await h.graph.close()
  await hook.close()
  await lifecycle.close()
})

type Lifecycle = {
  value: Array<{
    subscriptionId: string
    lifecycleEvent: string
    clientState: string
    tenantId: string
    subscriptionExpirationDateTime: string
  }>
}

async function subscribe(
  minutes: number,
  resource = `/chats/${h.chatId}/messages`,
  token?: string,
): Promise<string> {
  const res = await h.call('POST', '/subscriptions', {
    ...(token ? { token } : {}),
    body: {
      changeType: 'created',
      notificationUrl: hook.url,
      lifecycleNotificationUrl: lifecycle.url,
      resource,
      expirationDateTime: inMinutes(h.clock, minutes),
      clientState: 'life',
    },
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

const events = () => lifecycle.notifications().map((n) => n.json<Lifecycle>().value[0]!)

test('reauthorizationRequired arrives before expiry, once, and reauthorize re-arms it', async () => {
  const id = await subscribe(120)
  await h.graph.control.advance(100 * 60_000)
  expect(events()).toEqual([])
  await h.graph.control.advance(6 * 60_000)
  expect(events()).toEqual([
    {
      subscriptionId: id,
      subscriptionExpirationDateTime: expect.any(String),
      tenantId: TENANT,
      clientState: 'life',
      lifecycleEvent: 'reauthorizationRequired',
    },
  ])
  await h.graph.control.advance(60_000)
  expect(events()).toHaveLength(1)
  expect((await h.call('POST', `/subscriptions/${id}/reauthorize`)).status).toBe(204)
  await h.graph.control.advance(60_000)
  expect(events()).toHaveLength(2)
})

test('renewing by PATCH extends the subscription; expiry removes it', async () => {
  const id = await subscribe(50)
  await h.graph.control.advance(40 * 60_000)
  const renewed = await h.call('PATCH', `/subscriptions/${id}`, {
    body: { expirationDateTime: inMinutes(h.clock, 55) },
  })
  expect(renewed.status).toBe(200)
  await h.graph.control.advance(30 * 60_000)
  expect((await h.call('GET', `/subscriptions/${id}`)).status).toBe(200)
  await h.graph.control.advance(30 * 60_000)
  expect((await h.call('GET', `/subscriptions/${id}`)).status).toBe(404)
  expect(h.graph.control.subscriptions()).toHaveLength(0)
  h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: 'after expiry' })
  await h.graph.control.idle()
  expect(hook.notifications()).toHaveLength(0)
})

test('renewing past one hour needs the lifecycle URL the subscription was created with', async () => {
  const res = await h.call('POST', '/subscriptions', { body: chatSubscription(h, hook.url) })
  const { id } = (await res.json()) as { id: string }
  const patch = await h.call('PATCH', `/subscriptions/${id}`, {
    body: { expirationDateTime: inMinutes(h.clock, 90) },
  })
  expect(patch.status).toBe(400)
})

test('subscriptionRemoved is sent and the subscription is gone; missed is Outlook-only', async () => {
  const id = await subscribe(50)
  expect(() => h.graph.control.fireLifecycle(id, 'missed')).toThrow(/does not send missed/)
  h.graph.control.fireLifecycle(id, 'subscriptionRemoved')
  await h.graph.control.idle()
  expect(events().map((e) => e.lifecycleEvent)).toEqual(['subscriptionRemoved'])
  expect((await h.call('GET', `/subscriptions/${id}`)).status).toBe(404)

  const alice = await h.userToken(ALICE)
  const mail = await subscribe(50, `/users/${ALICE.id}/messages`, alice)
  h.graph.control.fireLifecycle(mail, 'missed')
  await h.graph.control.idle()
  expect(events().map((e) => e.lifecycleEvent)).toEqual(['subscriptionRemoved', 'missed'])
})

test('expire now, through the HTTP control API', async () => {
  const id = await subscribe(50)
  const res = await fetch(`${h.graph.origin}/_emulator/subscriptions/${id}/expire`, {
    method: 'POST',
  })
  expect(res.status).toBe(200)
  expect((await h.call('GET', `/subscriptions/${id}`)).status).toBe(404)
})
