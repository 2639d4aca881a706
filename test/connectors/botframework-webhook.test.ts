import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { botFrameworkWebhook } from '../../src/connectors/microsoft/botframework/webhook.ts'
import { AuthenticationError, InvalidInputError } from '../../src/core/errors.ts'
import type { RawRequest, WebhookRoute } from '../../src/core/ports/connector.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import {
  BOT_APP_ID,
  botSettings,
  SERVICE_URL,
  teamsActivity,
  teamsIntegration,
  testDeps,
} from './botframework-support.ts'
import {
  type OpenIdServer,
  signToken,
  startOpenIdServer,
  type TestSigner,
  testSigner,
} from './identity-openid-fixture.ts'

const ISSUER = 'https://api.botframework.com'

describe('Bot Framework webhook: Connector → bot authentication', () => {
  let teamsKey: TestSigner
  let bareKey: TestSigner
  let server: OpenIdServer
  let clock: ManualClock
  let route: WebhookRoute
  const now = () => Math.floor(clock.nowMs() / 1000)

  beforeAll(async () => {
    teamsKey = await testSigner('bf-1', ['msteams'])
    bareKey = await testSigner('bf-bare')
  })
  beforeEach(async () => {
    await server?.close()
    server = await startOpenIdServer(ISSUER, [teamsKey, bareKey])
    clock = new ManualClock(Date.UTC(2026, 0, 1, 10))
    route = botFrameworkWebhook(testDeps({ clock }))
  })
  afterAll(() => server.close())

  const integration = () => teamsIntegration(botSettings(server.metadataUrl))
  const request = (
    authorization: string | undefined,
    body: object = teamsActivity(),
  ): RawRequest => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    query: {},
    rawBody: Buffer.from(JSON.stringify(body)),
    url: 'https://bridge.example/webhooks/microsoft-teams/int-teams-1/messages',
  })
  const token = (
    claims: Record<string, unknown> = {},
    signer = teamsKey,
    times: { iat?: number; exp?: number } = {},
  ) =>
    signToken(
      signer,
      { iss: ISSUER, aud: BOT_APP_ID, serviceurl: SERVICE_URL, ...claims },
      { iat: times.iat ?? now() - 10, exp: times.exp ?? now() + 3600 },
    )
  const verify = async (authorization: string | undefined, body?: object) =>
    route.verify(request(authorization, body), integration())

  it('accepts a token the Connector would send', async () => {
    await expect(verify(`Bearer ${await token()}`)).resolves.toBeUndefined()
  })

  it('refuses a missing or non-bearer Authorization header', async () => {
    await expect(verify(undefined)).rejects.toBeInstanceOf(AuthenticationError)
    await expect(verify(`Basic ${Buffer.from('a:b').toString('base64')}`)).rejects.toBeInstanceOf(
      AuthenticationError,
    )
  })

  it('refuses a forged signature', async () => {
    const forger = await testSigner('bf-1', ['msteams'])
    await expect(verify(`Bearer ${await token({}, forger)}`)).rejects.toThrow('signature invalid')
  })

  it('refuses an expired token beyond the 5-minute skew', async () => {
    const expired = await token({}, teamsKey, { iat: now() - 7200, exp: now() - 301 })
    await expect(verify(`Bearer ${expired}`)).rejects.toThrow('token expired')
  })

  it('refuses a wrong audience or issuer', async () => {
    await expect(verify(`Bearer ${await token({ aud: 'another-bot' })}`)).rejects.toThrow('aud')
    await expect(
      verify(`Bearer ${await token({ iss: 'https://sts.windows.net/x/' })}`),
    ).rejects.toThrow('iss')
  })

  it('refuses a serviceurl claim that differs from the activity serviceUrl', async () => {
    const mismatched = await token({ serviceurl: 'https://smba.trafficmanager.net/emea/' })
    await expect(verify(`Bearer ${mismatched}`)).rejects.toThrow('serviceurl claim')
    const missing = await token({ serviceurl: undefined })
    await expect(verify(`Bearer ${missing}`)).rejects.toThrow('serviceurl claim')
    // A forged reference pointing elsewhere cannot ride on a genuine token either.
    const evil = teamsActivity({ serviceUrl: 'https://evil.example/' })
    await expect(verify(`Bearer ${await token()}`, evil)).rejects.toThrow('serviceurl claim')
  })

  it('refuses a key not endorsed for the activity channel', async () => {
    const webchat = teamsActivity({ channelId: 'webchat' })
    await expect(verify(`Bearer ${await token()}`, webchat)).rejects.toThrow('not endorsed')
    await expect(verify(`Bearer ${await token({}, bareKey)}`)).rejects.toThrow('not endorsed')
  })

  it('picks up a rotated key after an unknown kid', async () => {
    await verify(`Bearer ${await token()}`)
    const rotated = await testSigner('bf-2', ['msteams'])
    server.keys = [rotated]
    clock.advance(60_000)
    await expect(verify(`Bearer ${await token({}, rotated)}`)).resolves.toBeUndefined()
    expect(server.jwksReads).toBe(2)
  })

  it('answers a malformed body with InvalidInputError once the token is valid', async () => {
    const bad = request(`Bearer ${await token()}`)
    const garbage = { ...bad, rawBody: Buffer.from('{not json') }
    await expect(route.verify(garbage, integration())).rejects.toBeInstanceOf(InvalidInputError)
    await expect(route.parse(garbage, integration())).rejects.toBeInstanceOf(InvalidInputError)
    const noConversation = {
      ...bad,
      rawBody: Buffer.from(JSON.stringify(teamsActivity({ conversation: undefined }))),
    }
    await expect(route.parse(noConversation, integration())).rejects.toThrow('malformed')
  })
})
