import { ConfidentialClientApplication, type INetworkModule } from '@azure/msal-node'
import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { emulatorFetch } from '../kit/tls-fetch.ts'
import { type IdentityEmulator, startIdentityEmulator } from './index.ts'

const TENANT = '22222222-2222-3333-4444-555555555555'
const APP = {
  appId: 'bbbbbbbb-0000-0000-0000-000000000001',
  secret: 'msal~secret',
  tenantId: TENANT,
}
const USER = {
  id: '33333333-0000-0000-0000-000000000001',
  tenantId: TENANT,
  upn: 'adele@contoso.example',
  displayName: 'Adele Vance',
}

let idp: IdentityEmulator
beforeAll(async () => {
  idp = await startIdentityEmulator({ apps: [APP], users: [USER] })
})
afterAll(() => idp.close())

/**
 * MSAL's default client uses the global fetch, which trusts only the system CAs. A custom
 * `system.networkClient` that trusts the emulator certificate is one of the two documented
 * options (the other is NODE_EXTRA_CA_CERTS for the whole process).
 */
const networkClient: INetworkModule = {
  async sendGetRequestAsync(url, options) {
    const res = await emulatorFetch(url, { headers: options?.headers ?? {} })
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: (await res.json()) as never,
    }
  },
  async sendPostRequestAsync(url, options) {
    const res = await emulatorFetch(url, {
      method: 'POST',
      headers: options?.headers ?? {},
      body: options?.body ?? '',
    })
    return {
      status: res.status,
      headers: Object.fromEntries(res.headers),
      body: (await res.json()) as never,
    }
  },
}

function msalApp(secret = APP.secret, tenant = TENANT) {
  return new ConfidentialClientApplication({
    auth: {
      clientId: APP.appId,
      clientSecret: secret,
      authority: `${idp.url}/${tenant}`,
      knownAuthorities: [new URL(idp.url).host],
    },
    system: { networkClient },
  })
}

describe('MSAL node against the identity emulator', () => {
  it('acquires a client-credentials token and caches it', async () => {
    const before = idp.control.issuedTokenCount()
    const msal = msalApp()
    const result = await msal.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    })
    expect(result?.accessToken).toBeTruthy()
    const claims = decodeJwt(result!.accessToken)
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', appid: APP.appId })
    await msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] })
    expect(idp.control.issuedTokenCount()).toBe(before + 1)

    const jwks = createRemoteJWKSet(new URL(`${idp.url}/${TENANT}/discovery/v2.0/keys`), {
      [customFetch]: (url, init) => emulatorFetch(url, init as never) as never,
    })
    const { payload } = await jwtVerify(result!.accessToken, jwks, {
      issuer: `https://sts.windows.net/${TENANT}/`,
      audience: 'https://graph.microsoft.com',
    })
    expect(payload['tid']).toBe(TENANT)
  })

  it('surfaces the AADSTS error for a wrong secret', async () => {
    await expect(
      msalApp('wrong').acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
      }),
    ).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringMatching(/7000215/),
    })
  })

  it('redeems an auth code with PKCE and refreshes it', async () => {
    idp.control.addRedirectUri(APP.appId, 'http://localhost:3978/auth/callback')
    const msal = msalApp()
    const verifier = 'v'.repeat(43)
    const { createHash } = await import('node:crypto')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const url = await msal.getAuthCodeUrl({
      scopes: ['https://graph.microsoft.com/Chat.ReadWrite', 'offline_access'],
      redirectUri: 'http://localhost:3978/auth/callback',
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      loginHint: USER.upn,
      state: 'xyz',
    })
    const res = await emulatorFetch(url, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const back = new URL(res.headers.get('location')!)
    expect(back.searchParams.get('state')).toBe('xyz')
    const result = await msal.acquireTokenByCode({
      code: back.searchParams.get('code')!,
      scopes: ['https://graph.microsoft.com/Chat.ReadWrite', 'offline_access'],
      redirectUri: 'http://localhost:3978/auth/callback',
      codeVerifier: verifier,
    })
    expect(result.account?.username).toBe(USER.upn)
    const verified = await idp.verifyAccessToken(result.accessToken, 'https://graph.microsoft.com')
    expect(verified).toMatchObject({ userId: USER.id, scopes: ['Chat.ReadWrite'] })
    const before = idp.control.issuedTokenCount()
    const silent = await msal.acquireTokenSilent({
      account: result.account!,
      scopes: ['https://graph.microsoft.com/Chat.ReadWrite'],
      forceRefresh: true,
    })
    expect(silent.accessToken).not.toBe(result.accessToken)
    expect(idp.control.issuedTokenCount()).toBe(before + 1)
  })
})
