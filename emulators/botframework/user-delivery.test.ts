import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { emulatorFetch } from '../kit/tls-fetch.ts'
import type { DeliveryFault } from './index.ts'
import {
  BOT,
  type Harness,
  type ReceivedRequest,
  startBotEndpoint,
  startHarness,
  TENANT,
  USER,
} from './test-support.ts'

let h: Harness
let jwks: ReturnType<typeof createRemoteJWKSet>

/**
 * What a bot does with an inbound activity (botbuilder-js ChannelValidation + EndorsementsValidator):
 * Bearer JWT from the Bot Framework OpenID metadata, iss api.botframework.com, aud = app id,
 * 5 minutes skew, `serviceurl` claim == activity.serviceUrl, key endorsements ⊇ channelId.
 */
async function botAccepts(req: ReceivedRequest): Promise<number> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  if (!token) return 401
  try {
    const { payload, key } = await jwtVerify(token, jwks, {
      issuer: 'https://api.botframework.com',
      audience: BOT.appId,
      algorithms: ['RS256'],
      clockTolerance: 300,
      currentDate: h.clock.now(),
    }).then(async (r) => ({ ...r, key: r.protectedHeader.kid }))
    if (payload['serviceurl'] !== req.body['serviceUrl']) return 403
    const jwk = (await keysDoc()).keys.find((k) => k.kid === key)
    if (!jwk?.endorsements?.includes(String(req.body['channelId']))) return 403
    return 200
  } catch {
    return 401
  }
}

async function keysDoc() {
  const res = await emulatorFetch(`${h.identity.url}/botframework/v1/.well-known/keys`)
  return (await res.json()) as { keys: Array<{ kid: string; endorsements?: string[] }> }
}

beforeAll(async () => {
  h = await startHarness((req) => botAccepts(req))
  const meta = await emulatorFetch(
    `${h.identity.url}/botframework/v1/.well-known/openidconfiguration`,
  )
  const { jwks_uri } = (await meta.json()) as { jwks_uri: string }
  jwks = createRemoteJWKSet(new URL(jwks_uri), {
    [customFetch]: (url, init) => emulatorFetch(url, init as never) as never,
  })
})
afterAll(() => h.close())
beforeEach(() => {
  h.endpoint.received.length = 0
  h.teams.control.clearFaults()
})

describe('Teams user actor', () => {
  it('posts a real Teams message activity with a verifiable channel token', async () => {
    const result = await h.teams.control.userSends({ user: USER, text: 'Hello there' })
    expect(result.status).toBe(200)
    const [request] = h.endpoint.received
    const activity = request!.body
    expect(activity).toMatchObject({
      type: 'message',
      channelId: 'msteams',
      serviceUrl: h.teams.serviceUrl,
      text: 'Hello there',
      from: { id: USER.id, name: USER.name, aadObjectId: USER.aadObjectId },
      conversation: { conversationType: 'personal', tenantId: TENANT },
      recipient: { id: `28:${BOT.appId}`, name: 'Contoso Care' },
      channelData: { tenant: { id: TENANT } },
    })
    expect(String((activity['conversation'] as { id: string }).id)).toMatch(/^a:/)
    expect(activity['id']).toMatch(/^\d{13,}$/)
    expect(h.teams.serviceUrl).toBe(`${h.teams.url}/teams/`)
  })

  it('keeps one 1:1 conversation per user, gives unique ids, and carries mentions and replies', async () => {
    const first = await h.teams.control.userSends({ user: USER, text: 'one' })
    const second = await h.teams.control.userSends({
      user: USER,
      text: '<at>Contoso Care</at> two',
      mentions: [{ id: `28:${BOT.appId}`, name: 'Contoso Care' }],
      replyToId: String(first.activity['id']),
    })
    expect(second.activity['conversation']).toEqual(first.activity['conversation'])
    expect(second.activity['id']).not.toBe(first.activity['id'])
    expect(second.activity['replyToId']).toBe(first.activity['id'])
    expect(second.activity['entities']).toContainEqual({
      type: 'mention',
      mentioned: { id: `28:${BOT.appId}`, name: 'Contoso Care' },
      text: '<at>Contoso Care</at>',
    })
  })

  it('sends typing, installation and conversationUpdate activities', async () => {
    expect((await h.teams.control.userTyping({ user: USER })).activity['type']).toBe('typing')
    const [install, update] = await h.teams.control.installBot({ user: USER })
    expect(install!.activity).toMatchObject({ type: 'installationUpdate', action: 'add' })
    expect(update!.activity['membersAdded']).toEqual([
      { id: `28:${BOT.appId}` },
      { id: USER.id, aadObjectId: USER.aadObjectId },
    ])
    expect(h.endpoint.received.map((r) => r.body['type'])).toEqual([
      'typing',
      'installationUpdate',
      'conversationUpdate',
    ])
  })

  it.each<[DeliveryFault, number]>([
    ['badSignature', 401],
    ['expiredToken', 401],
    ['wrongAudience', 401],
    ['wrongIssuer', 401],
    ['entraKey', 401],
    ['noToken', 401],
    ['wrongServiceUrl', 403],
    ['unendorsedChannel', 403],
  ])('a %s delivery is refused by a correct bot (%i)', async (fault, status) => {
    h.teams.control.injectDelivery(fault)
    const result = await h.teams.control.userSends({ user: USER, text: 'x' })
    expect(result.status).toBe(status)
    expect((await h.teams.control.userSends({ user: USER, text: 'y' })).status).toBe(200)
  })

  it('duplicates, drops and reorders deliveries on request', async () => {
    h.teams.control.injectDelivery('duplicate')
    const dup = await h.teams.control.userSends({ user: USER, text: 'dup' })
    expect(dup.deliveries.map((d) => d.activityId)).toEqual([
      dup.activity['id'],
      dup.activity['id'],
    ])

    h.teams.control.injectDelivery('drop')
    expect((await h.teams.control.userSends({ user: USER, text: 'lost' })).status).toBe(0)

    h.teams.control.injectDelivery('reorder')
    const held = await h.teams.control.userSends({ user: USER, text: 'first' })
    const next = await h.teams.control.userSends({ user: USER, text: 'second' })
    expect(held.status).toBe(0)
    expect(h.endpoint.received.slice(-2).map((r) => r.body['text'])).toEqual(['second', 'first'])
    expect(next.deliveries.map((d) => d.status)).toEqual([200, 200])
    expect(h.endpoint.received.map((r) => r.body['text'])).not.toContain('lost')
  })

  it('reports 504 when the bot does not answer within the delivery timeout', async () => {
    const slow = await startBotEndpoint(
      () => new Promise<number>((resolve) => setTimeout(() => resolve(200), 500)),
    )
    try {
      h.teams.control.addBot({ appId: 'slow-bot', endpoint: slow.url })
      h.teams.control.setDeliveryTimeout(50)
      const result = await h.teams.control.userSends({
        user: USER,
        text: 'hi',
        botAppId: 'slow-bot',
      })
      expect(result.status).toBe(504)
    } finally {
      h.teams.control.setDeliveryTimeout(15_000)
      await slow.close()
    }
  })
})
