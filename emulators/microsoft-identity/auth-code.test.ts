import { createHash } from 'node:crypto'

import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { EmulatorClock } from '../kit/clock.ts'
import { emulatorFetch } from '../kit/tls-fetch.ts'
import { type IdentityEmulator, startIdentityEmulator } from './index.ts'

const TENANT = '55555555-2222-3333-4444-555555555555'
const REDIRECT = 'https://bridge.example/auth/callback'
const APP = { appId: 'cc000001', secret: 'pkce~secret', tenantId: TENANT, redirectUris: [REDIRECT] }
const USER = { id: 'u-55', tenantId: TENANT, upn: 'lee@tailspin.example', displayName: 'Lee Gu' }
const VERIFIER = 'a-long-random-verifier-value-with-enough-entropy-0123456789'
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url')

const clock = new EmulatorClock()
let idp: IdentityEmulator
beforeAll(async () => {
  idp = await startIdentityEmulator({ clock, apps: [APP], users: [USER] })
})
afterAll(() => idp.close())

async function authorize(params: Record<string, string>, tenant = TENANT) {
  const query = new URLSearchParams({
    client_id: APP.appId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'openid offline_access https://graph.microsoft.com/ChatMessage.Send',
    state: 's-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  })
  const res = await emulatorFetch(`${idp.url}/${tenant}/oauth2/v2.0/authorize?${query}`, {
    redirect: 'manual',
  })
  const location = res.headers.get('location')
  return { status: res.status, back: location ? new URL(location) : undefined, res }
}

async function redeem(form: Record<string, string>) {
  const res = await emulatorFetch(`${idp.url}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: APP.appId,
      client_secret: APP.secret,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      ...form,
    }).toString(),
  })
  return { status: res.status, body: (await res.json()) as Record<string, string> }
}

describe('authorization code + PKCE', () => {
  it('approves as the login_hint user and issues access, refresh and id tokens', async () => {
    const { status, back } = await authorize({ login_hint: USER.upn, nonce: 'n-1' })
    expect(status).toBe(302)
    expect(back!.origin + back!.pathname).toBe(REDIRECT)
    expect(back!.searchParams.get('state')).toBe('s-1')
    const { status: tokenStatus, body } = await redeem({ code: back!.searchParams.get('code')! })
    expect(tokenStatus).toBe(200)
    expect(body['scope']).toBe('https://graph.microsoft.com/ChatMessage.Send openid offline_access')
    expect(decodeJwt(body['access_token']!)).toMatchObject({
      scp: 'ChatMessage.Send',
      oid: USER.id,
      upn: USER.upn,
    })
    expect(decodeJwt(body['id_token']!)).toMatchObject({
      aud: APP.appId,
      nonce: 'n-1',
      tid: TENANT,
    })
    const refreshed = await redeem({
      grant_type: 'refresh_token',
      refresh_token: body['refresh_token']!,
    })
    expect(refreshed.status).toBe(200)
    idp.control.revokeRefreshTokens(USER.id)
    const revoked = await redeem({
      grant_type: 'refresh_token',
      refresh_token: body['refresh_token']!,
    })
    expect(revoked.body['error_description']).toMatch(/^AADSTS50173/)
  })

  it('rejects a wrong verifier, a reused code, a different redirect URI and an old code', async () => {
    idp.control.signIn(USER.id)
    const code = async () => (await authorize({})).back!.searchParams.get('code')!
    const wrong = await redeem({ code: await code(), code_verifier: 'x'.repeat(43) })
    expect([wrong.status, wrong.body['error']]).toEqual([400, 'invalid_grant'])
    expect(wrong.body['error_description']).toMatch(/^AADSTS501481/)

    const once = await code()
    expect((await redeem({ code: once })).status).toBe(200)
    expect((await redeem({ code: once })).body['error_description']).toMatch(/^AADSTS54005/)

    const other = await redeem({ code: await code(), redirect_uri: 'https://evil.example/cb' })
    expect(other.body['error_description']).toMatch(/^AADSTS50011/)

    const late = await code()
    clock.advance(10 * 60_000 + 1)
    expect((await redeem({ code: late })).body['error_description']).toMatch(/^AADSTS70008/)
    idp.control.signIn(undefined)
  })

  it('shows an error page for an unregistered redirect URI, and redirects other errors', async () => {
    const page = await authorize({ redirect_uri: 'https://evil.example/cb', login_hint: USER.upn })
    expect(page.status).toBe(400)
    expect(((await page.res.json()) as Record<string, string>)['error_description']).toMatch(
      /^AADSTS50011/,
    )
    const nobody = await authorize({})
    expect(nobody.back!.searchParams.get('error')).toBe('login_required')
    expect(nobody.back!.searchParams.get('state')).toBe('s-1')
    const foreign = await authorize({ login_hint: USER.upn }, 'botframework.com')
    expect(foreign.back!.searchParams.get('error_description')).toMatch(/^AADSTS50020/)
  })
})
