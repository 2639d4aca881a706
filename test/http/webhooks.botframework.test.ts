import { generateKeyPair, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { DeliveryFault } from '../../emulators/botframework/index.ts'
import {
  expectNothingAccepted,
  expectProblem,
  startWebhookHarness,
  type WebhookHarness,
  WEBHOOKS,
} from './webhook-harness.ts'
import { BOT_CONNECTOR_ISSUER, botActivity, botToken, botUser } from './webhook-requests.ts'

const FAULTS: DeliveryFault[] = [
  'noToken',
  'badSignature',
  'expiredToken',
  'wrongAudience',
  'wrongIssuer',
  'wrongServiceUrl',
  'entraKey',
  'unendorsedChannel',
]

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('Bot Framework webhook: only the Connector, for this bot, gets in', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
  })
  afterAll(async () => h?.close())

  const post = (authorization: string | undefined, activity: object = botActivity(h.s)) =>
    h.inject({
      method: 'POST',
      url: WEBHOOKS.bot,
      payload: JSON.stringify(activity),
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
    })
  const refused = async (authorization: string | undefined, activity?: object) =>
    expectNothingAccepted(h, async () => {
      const problem = expectProblem(await post(authorization, activity), 401, 'AUTH_FAILED')
      // The token never comes back in the answer.
      const token = authorization?.split(' ')[1]
      if (token && token.length > 8) expect(JSON.stringify(problem)).not.toContain(token)
    })
  const now = () => Math.floor(Date.now() / 1000)

  it.each(FAULTS)('answers a Connector delivery with the %s fault with 401', async (fault) => {
    await expectNothingAccepted(h, async () => {
      h.s.botframework.control.injectDelivery(fault)
      const result = await h.s.botframework.control.userSends({
        user: botUser(h.s),
        text: `delivered with ${fault}`,
      })
      expect(result.status).toBe(401)
    })
  })

  it('refuses a missing, non-bearer, empty or malformed Authorization header', async () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'Bearer not-a-jwt',
      'Bearer a.b.c',
      `Bearer ${'A'.repeat(20_000)}`,
      'Bearer <script>alert(1)</script>',
    ]) {
      await refused(header)
    }
  })

  it('refuses a token signed with a key of our own under the Connector key id', async () => {
    const kid = h.s.identity.control.jwks('botframework').keys[0]!.kid!
    const { privateKey } = await generateKeyPair('RS256')
    const claims = {
      iss: BOT_CONNECTOR_ISSUER,
      aud: h.s.demo.botApp.appId,
      serviceurl: h.s.botframework.serviceUrl,
    }
    for (const keyId of [kid, 'unknown-kid']) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: keyId, typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey)
      await refused(`Bearer ${forged}`)
    }
  })

  it('refuses alg none and HS256 signed with the bot password (algorithm confusion)', async () => {
    const claims = {
      iss: BOT_CONNECTOR_ISSUER,
      aud: h.s.demo.botApp.appId,
      serviceurl: h.s.botframework.serviceUrl,
      exp: now() + 3600,
    }
    await refused(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)
    const hs256 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(h.s.demo.botApp.secret))
    await refused(`Bearer ${hs256}`)
  })

  it('refuses an expired token, a token not yet valid and one without exp', async () => {
    await refused(`Bearer ${await botToken(h.s, { iat: now() - 7200, exp: now() - 600 })}`)
    await refused(`Bearer ${await botToken(h.s, { nbf: now() + 3600 })}`)
    await refused(`Bearer ${await botToken(h.s, { exp: undefined })}`)
  })

  it('refuses a wrong audience, a wrong issuer and the Entra key', async () => {
    await refused(`Bearer ${await botToken(h.s, { aud: h.s.demo.graphApp.appId })}`)
    await refused(`Bearer ${await botToken(h.s, { aud: 'https://api.botframework.com' })}`)
    await refused(
      `Bearer ${await botToken(h.s, { iss: `https://sts.windows.net/${h.s.demo.tenantId}/` })}`,
    )
    const entra = await h.s.identity.signJwt({
      iss: BOT_CONNECTOR_ISSUER,
      aud: h.s.demo.botApp.appId,
      serviceurl: h.s.botframework.serviceUrl,
    })
    await refused(`Bearer ${entra}`)
  })

  it('refuses a serviceurl claim that is missing or differs from the activity', async () => {
    await refused(
      `Bearer ${await botToken(h.s, { serviceurl: 'https://smba.trafficmanager.net/emea/' })}`,
    )
    await refused(`Bearer ${await botToken(h.s, { serviceurl: undefined })}`)
    const elsewhere = botActivity(h.s, { serviceUrl: 'https://evil.example/teams/' })
    await refused(`Bearer ${await botToken(h.s)}`, elsewhere)
  })

  it('refuses a genuine token over an activity of another channel', async () => {
    await refused(`Bearer ${await botToken(h.s)}`, botActivity(h.s, { channelId: 'webchat' }))
  })

  it('answers a genuine token over a malformed activity with 400', async () => {
    const token = `Bearer ${await botToken(h.s)}`
    for (const activity of [
      botActivity(h.s, { conversation: undefined }),
      botActivity(h.s, { from: 'not an account' }),
      botActivity(h.s, { id: '' }),
      botActivity(h.s, { text: 42 }),
    ]) {
      await expectNothingAccepted(h, async () =>
        expectProblem(await post(token, activity), 400, 'INPUT_INVALID'),
      )
    }
  })

  it('accepts the same request with a genuine token (the checks above are not vacuous)', async () => {
    const before = h.webhookJobs().length
    const response = await post(`Bearer ${await botToken(h.s)}`)
    expect(response.statusCode).toBeLessThan(300)
    expect(h.webhookJobs().length).toBe(before + 1)
  })
})
