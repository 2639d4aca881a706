import { afterEach, beforeEach, describe, expect, test } from 'vitest'

import { ALICE, APP, type Harness, inMinutes, OTHER_APP, startHarness } from './testing/harness.ts'
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

const chatSubscription = (overrides: Record<string, unknown> = {}) => ({
  changeType: 'created,updated',
  notificationUrl: hook.url,
  resource: `/chats/${h.chatId}/messages`,
  expirationDateTime: inMinutes(h.clock, 55),
  clientState: 'secret-state',
  ...overrides,
})

describe('create subscription with the validation handshake', () => {
  test('validates the endpoint with a POST carrying the token, then answers 201', async () => {
    const res = await h.call('POST', '/subscriptions', { body: chatSubscription() })
    expect(res.status).toBe(201)
    const sub = (await res.json()) as Record<string, unknown>
    expect(sub).toMatchObject({
      '@odata.context': `${h.graph.url}/$metadata#subscriptions/$entity`,
      resource: `/chats/${h.chatId}/messages`,
      applicationId: APP,
      changeType: 'created,updated',
      clientState: 'secret-state',
      notificationUrl: hook.url,
      lifecycleNotificationUrl: null,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
    })
    expect(typeof sub.id).toBe('string')
    const validation = hook.received[0]!
    expect(validation.method).toBe('POST')
    expect(validation.contentType).toContain('text/plain')
    expect(validation.query.get('validationToken')).toMatch(
      /^Validation: Testing client application reachability/,
    )
    expect(h.graph.control.subscriptions()).toHaveLength(1)
    expect(h.graph.control.deliveries()[0]).toMatchObject({
      kind: 'validation',
      outcome: 'delivered',
      status: 200,
    })
  })

  test('fails with 400 when the subscriber echoes something else', async () => {
    hook.respond(() => ({ status: 200, body: 'not-the-token', contentType: 'text/plain' }))
    const res = await h.call('POST', '/subscriptions', { body: chatSubscription() })
    expect(res.status).toBe(400)
    const body = (await res.json()) as {
      error: { code: string; message: string; innerError: Record<string, string> }
    }
    expect(body.error.code).toBe('ValidationError')
    expect(body.error.message).toBe(
      'Subscription validation request failed. Response must exactly match validationToken query parameter.',
    )
    expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'))
    expect(h.graph.control.subscriptions()).toHaveLength(0)
  })

  test('fails when the subscriber answers the URL-encoded token', async () => {
    hook.respond((req) => ({
      status: 200,
      body: encodeURIComponent(req.query.get('validationToken') ?? ''),
      contentType: 'text/plain',
    }))
    const res = await h.call('POST', '/subscriptions', { body: chatSubscription() })
    expect(res.status).toBe(400)
  })

  test('fails when the subscriber answers 202 or JSON', async () => {
    hook.respond(() => ({ status: 202 }))
    expect((await h.call('POST', '/subscriptions', { body: chatSubscription() })).status).toBe(400)
    hook.respond((req) => ({
      status: 200,
      body: req.query.get('validationToken') ?? '',
      contentType: 'application/json',
    }))
    const res = await h.call('POST', '/subscriptions', { body: chatSubscription() })
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'text/plain',
    )
  })

  test('validates the lifecycle URL as well', async () => {
    const lifecycle = await startReceiver(() => ({ status: 500 }))
    try {
      const res = await h.call('POST', '/subscriptions', {
        body: chatSubscription({ lifecycleNotificationUrl: lifecycle.url }),
      })
      expect(res.status).toBe(400)
      expect(lifecycle.received).toHaveLength(1)
    } finally {
      await lifecycle.close()
    }
  })

  test('PATCH of notificationUrl validates the new endpoint', async () => {
    const created = (await (
      await h.call('POST', '/subscriptions', { body: chatSubscription() })
    ).json()) as { id: string }
    const other = await startReceiver(() => ({ status: 404 }))
    try {
      const res = await h.call('PATCH', `/subscriptions/${created.id}`, {
        body: { notificationUrl: other.url },
      })
      expect(res.status).toBe(400)
      other.respond((req) => ({
        status: 200,
        body: req.query.get('validationToken') ?? '',
        contentType: 'text/plain',
      }))
      const ok = await h.call('PATCH', `/subscriptions/${created.id}`, {
        body: { notificationUrl: other.url },
      })
      expect(ok.status).toBe(200)
      expect(((await ok.json()) as { notificationUrl: string }).notificationUrl).toBe(other.url)
    } finally {
      await other.close()
    }
  })
})

describe('create subscription rejects what Graph rejects', () => {
  const rejected = async (body: Record<string, unknown>, token?: string) => {
    const res = await h.call('POST', '/subscriptions', { body, ...(token ? { token } : {}) })
    return {
      status: res.status,
      message: ((await res.json()) as { error: { message: string } }).error.message,
    }
  }

  test('chat subscriptions beyond one hour need a lifecycleNotificationUrl', async () => {
    const result = await rejected(chatSubscription({ expirationDateTime: inMinutes(h.clock, 120) }))
    expect(result).toEqual({
      status: 400,
      message:
        'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour',
    })
    const withLifecycle = await h.call('POST', '/subscriptions', {
      body: chatSubscription({
        expirationDateTime: inMinutes(h.clock, 120),
        lifecycleNotificationUrl: hook.url,
      }),
    })
    expect(withLifecycle.status).toBe(201)
  })

  test('expiration beyond the maximum lifetime of the resource', async () => {
    const result = await rejected(
      chatSubscription({
        expirationDateTime: inMinutes(h.clock, 4321),
        lifecycleNotificationUrl: hook.url,
      }),
    )
    expect(result).toEqual({
      status: 400,
      message: 'Subscription expiration can only be 4320 minutes in the future.',
    })
  })

  test('an expiration under 45 minutes is raised to 45 minutes', async () => {
    const res = await h.call('POST', '/subscriptions', {
      body: chatSubscription({ expirationDateTime: inMinutes(h.clock, 5) }),
    })
    const sub = (await res.json()) as { expirationDateTime: string }
    expect(Date.parse(sub.expirationDateTime) - h.clock.nowMs()).toBeGreaterThanOrEqual(44 * 60_000)
  })

  test('plain HTTP only to loopback hosts', async () => {
    expect(
      (await rejected(chatSubscription({ notificationUrl: 'http://example.com/hook' }))).status,
    ).toBe(400)
  })

  test('clientState over 128 characters, unknown change types, unknown resources', async () => {
    expect((await rejected(chatSubscription({ clientState: 'x'.repeat(129) }))).status).toBe(400)
    expect((await rejected(chatSubscription({ changeType: 'created,moved' }))).status).toBe(400)
    expect((await rejected(chatSubscription({ resource: '/chats/getSomething' }))).status).toBe(400)
    expect(
      (
        await rejected(
          chatSubscription({ resource: 'https://graph.microsoft.com/v1.0/chats/getAllMessages' }),
        )
      ).status,
    ).toBe(400)
  })

  test('includeResourceData needs an encryption certificate and its id', async () => {
    const result = await rejected(chatSubscription({ includeResourceData: true }))
    expect(result.message).toContain('encryptionCertificate')
    const badCert = await rejected(
      chatSubscription({
        includeResourceData: true,
        encryptionCertificate: 'bm90IGEgY2VydA==',
        encryptionCertificateId: 'c1',
      }),
    )
    expect(badCert.status).toBe(400)
  })

  test('one subscription per app and chat', async () => {
    expect((await h.call('POST', '/subscriptions', { body: chatSubscription() })).status).toBe(201)
    const second = await h.call('POST', '/subscriptions', { body: chatSubscription() })
    expect(second.status).toBe(409)
  })

  test('tenant-wide subscriptions need application permissions; presence needs delegated', async () => {
    const alice = await h.userToken(ALICE)
    expect(
      (await rejected(chatSubscription({ resource: '/chats/getAllMessages' }), alice)).status,
    ).toBe(403)
    const presence = chatSubscription({
      resource: `/communications/presences/${ALICE.id}`,
      changeType: 'updated',
    })
    expect((await rejected(presence)).status).toBe(403)
    expect((await h.call('POST', '/subscriptions', { body: presence, token: alice })).status).toBe(
      201,
    )
  })

  test('lifecycleNotificationUrl cannot be added by PATCH', async () => {
    const created = (await (
      await h.call('POST', '/subscriptions', { body: chatSubscription() })
    ).json()) as { id: string }
    const res = await h.call('PATCH', `/subscriptions/${created.id}`, {
      body: { lifecycleNotificationUrl: hook.url },
    })
    expect(res.status).toBe(400)
  })
})

test('GET, list and DELETE only see the calling app', async () => {
  const created = (await (
    await h.call('POST', '/subscriptions', { body: chatSubscription() })
  ).json()) as { id: string }
  const otherApp = await h.tokens.app(OTHER_APP)
  expect((await h.call('GET', `/subscriptions/${created.id}`, { token: otherApp })).status).toBe(
    404,
  )
  const list = (await (await h.call('GET', '/subscriptions')).json()) as { value: unknown[] }
  expect(list.value).toHaveLength(1)
  expect((await h.call('DELETE', `/subscriptions/${created.id}`)).status).toBe(204)
  expect((await h.call('GET', `/subscriptions/${created.id}`)).status).toBe(404)
})
