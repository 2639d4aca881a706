import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { emulatorFetch } from '../../emulators/kit/tls-fetch.ts'
import {
  BOTFRAMEWORK_RESOURCE,
  GRAPH_RESOURCE,
  type IdentityEmulator,
  startIdentityEmulator,
} from '../../emulators/microsoft-identity/index.ts'
import {
  createAppTokenProvider,
  createDelegatedLogin,
  createJwtVerifier,
  httpAuth,
} from '../../src/connectors/microsoft/identity/index.ts'
import { RemoteAuthError, RemoteUnavailableError } from '../../src/core/errors.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { memorySecrets, silentLog } from './botframework-support.ts'
import { bridgeHttpClient } from './identity-http.ts'

const TENANT = '44444444-0000-0000-0000-000000000001'
const BOT = {
  appId: 'b0b0b0b0-0000-0000-0000-000000000001',
  secret: 'bot~secret',
  tenantId: TENANT,
}
const APP = {
  appId: 'a0a0a0a0-0000-0000-0000-000000000001',
  secret: 'graph~secret',
  tenantId: TENANT,
  redirectUris: ['https://bridge.example/admin/login/callback'],
}
const AGENT = {
  id: '55555555-0000-0000-0000-000000000001',
  tenantId: TENANT,
  upn: 'svc-bridge@contoso.example',
  displayName: 'Bridge Service',
}

let idp: IdentityEmulator
const http = bridgeHttpClient({ clock: systemClock })
beforeAll(async () => {
  idp = await startIdentityEmulator({ apps: [BOT, APP], users: [AGENT] })
})
afterAll(() => idp.close())

describe('identity against the identity emulator', () => {
  it('gets a Bot Connector token through MSAL for the botframework.com authority', async () => {
    const secrets = memorySecrets({ 'bot-password': BOT.secret })
    const tokens = createAppTokenProvider({
      authorityHost: idp.url,
      tenant: 'botframework.com',
      clientId: BOT.appId,
      clientSecretName: 'bot-password',
      scope: `${BOTFRAMEWORK_RESOURCE}/.default`,
      secrets,
      http,
      clock: systemClock,
      log: silentLog,
    })
    const token = await tokens.getToken()
    const verified = await idp.verifyAccessToken(token, BOTFRAMEWORK_RESOURCE)
    expect(verified).toBeDefined()
    expect(await tokens.getToken()).toBe(token)
  })

  const botTokens = (clock = new ManualClock(Date.now()), authorityHost = idp.url) =>
    createAppTokenProvider({
      authorityHost,
      tenant: 'botframework.com',
      clientId: BOT.appId,
      clientSecretName: 'bot-password',
      scope: `${BOTFRAMEWORK_RESOURCE}/.default`,
      secrets: memorySecrets({ 'bot-password': BOT.secret }),
      http,
      clock,
      log: silentLog,
    })

  it('caches the token by the injected clock and renews it five minutes before expiry', async () => {
    const clock = new ManualClock(Date.now())
    const tokens = botTokens(clock)
    const issued = idp.control.issuedTokenCount()
    const first = await tokens.getToken()
    expect(await tokens.getToken()).toBe(first)
    // MSAL reports expiry in whole seconds (rounded), hence a second of slack either way.
    clock.advance(3600_000 - 302_000)
    expect(await tokens.getToken()).toBe(first)
    clock.advance(3_000)
    expect(await tokens.getToken()).not.toBe(first)
    expect(idp.control.issuedTokenCount() - issued).toBe(2)
    // Everything so far in this file came from the bot's token providers.
    expect(new Set(http.calls.map((c) => c.rateKey))).toEqual(new Set([`entra:${BOT.appId}`]))
  })

  it('keeps the HttpClient classification of a 429 instead of MSAL network_error', async () => {
    // Beyond the shared client's 30 s inline wait, so the classified error surfaces.
    idp.control.faults.add({ route: 'identity.token', status: 429, retryAfterSeconds: 120 })
    const failure = await botTokens()
      .getToken()
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RemoteUnavailableError)
    expect((failure as RemoteUnavailableError).retryAfterMs).toBe(120_000)
  })

  it('refuses a plain-http authority host with a ConfigError', async () => {
    await expect(
      botTokens(undefined, idp.url.replace('https:', 'http:')).getToken(),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })

  it('recovers from a rotated client secret through httpAuth.refresh', async () => {
    const secrets = memorySecrets({ 'graph-secret': APP.secret })
    const auth = httpAuth(
      createAppTokenProvider({
        authorityHost: idp.url,
        tenant: TENANT,
        clientId: APP.appId,
        clientSecretName: 'graph-secret',
        scope: `${GRAPH_RESOURCE}/.default`,
        secrets,
        http,
        clock: systemClock,
        log: silentLog,
      }),
    )
    const rotated = idp.control.rotateSecret(APP.appId)
    await expect(auth.header()).rejects.toBeInstanceOf(RemoteAuthError)
    secrets.values.set('graph-secret', rotated)
    await auth.refresh()
    expect(await auth.header()).toMatch(/^Bearer ey/)
    APP.secret = rotated
  })

  it('signs the service account in with PKCE, stores and rotates its refresh token', async () => {
    const secrets = memorySecrets({ 'graph-secret': APP.secret })
    const login = createDelegatedLogin({
      authorityHost: idp.url,
      tenant: TENANT,
      clientId: APP.appId,
      clientSecretName: 'graph-secret',
      refreshTokenName: 'svc-refresh',
      secrets,
      http,
      clock: systemClock,
      log: silentLog,
    })
    const redirectUri = APP.redirectUris[0]!
    const { url, codeVerifier } = login.beginLogin({ redirectUri, state: 'st-1' })
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256')

    idp.control.signIn(AGENT.id)
    const answer = await emulatorFetch(url, { redirect: 'manual' })
    expect(answer.status).toBe(302)
    const back = new URL(answer.headers.get('location') ?? '')
    expect(back.searchParams.get('state')).toBe('st-1')
    const code = back.searchParams.get('code') ?? ''

    // A wrong verifier is refused (PKCE), and the code stays unredeemed.
    await expect(login.completeLogin(code, 'x'.repeat(43), redirectUri)).rejects.toThrow(
      'sign-in code was refused',
    )
    expect(await secrets.has('svc-refresh')).toBe(false)

    const again = await emulatorFetch(url, { redirect: 'manual' })
    const code2 = new URL(again.headers.get('location') ?? '').searchParams.get('code') ?? ''
    // `url` carries the first challenge; the first verifier belongs to it.
    const account = await login.completeLogin(code2, codeVerifier, redirectUri)
    expect(account.userId).toBe(AGENT.id)
    const first = secrets.values.get('svc-refresh')
    expect(first).toBeTruthy()

    const token = await login.tokens.getToken()
    const verified = await idp.verifyAccessToken(token, GRAPH_RESOURCE)
    expect(verified.userId).toBe(AGENT.id)
    expect(verified.appId).toBe(APP.appId)
    expect(verified.scopes).toContain('ChatMessage.Send')
    expect(secrets.values.get('svc-refresh')).not.toBe(first)

    idp.control.revokeRefreshTokens(AGENT.id)
    await login.tokens.refresh()
    await expect(login.tokens.getToken()).rejects.toThrow('must sign in again')
  })

  it('verifies a Bot Framework channel token with the emulator-published endorsed keys', async () => {
    const verifier = createJwtVerifier({
      openIdMetadataUrl: `${idp.url}/botframework/v1/.well-known/openidconfiguration`,
      http,
      clock: systemClock,
    })
    const token = await idp.signJwt(
      { iss: 'https://api.botframework.com', aud: BOT.appId, serviceurl: 'https://x/' },
      { keySet: 'botframework' },
    )
    const result = await verifier.verify(token, {
      issuer: 'https://api.botframework.com',
      audience: BOT.appId,
    })
    expect(result.endorsements).toContain('msteams')
    const entraSigned = await idp.signJwt({ iss: 'https://api.botframework.com', aud: BOT.appId })
    await expect(
      verifier.verify(entraSigned, { issuer: 'https://api.botframework.com', audience: BOT.appId }),
    ).rejects.toThrow('unknown key')
  })
})
