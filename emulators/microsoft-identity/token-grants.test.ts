import { decodeJwt, importJWK, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { EmulatorClock } from '../kit/clock.ts'
import { emulatorFetch } from '../kit/tls-fetch.ts'
import { BOTFRAMEWORK_TENANT_ID, type IdentityEmulator, startIdentityEmulator } from './index.ts'

const TENANT = '11111111-2222-3333-4444-555555555555'
const APP = {
  appId: 'aaaaaaaa-0000-0000-0000-000000000001',
  secret: 's3cret~value',
  tenantId: TENANT,
}
const SINGLE = {
  appId: 'aaaaaaaa-0000-0000-0000-000000000002',
  secret: 'other',
  tenantId: TENANT,
  signInAudience: 'AzureADMyOrg' as const,
}

let idp: IdentityEmulator
const clock = new EmulatorClock()

beforeAll(async () => {
  idp = await startIdentityEmulator({ clock, apps: [APP, SINGLE] })
})
afterAll(() => idp.close())

async function token(tenant: string, form: Record<string, string>) {
  const res = await emulatorFetch(`${idp.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

const cc = (overrides: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: APP.appId,
  client_secret: APP.secret,
  scope: 'https://graph.microsoft.com/.default',
  ...overrides,
})

describe('client_credentials grant', () => {
  it('issues a v1 Graph app token signed with a published key', async () => {
    const { status, body } = await token(TENANT, cc())
    expect(status).toBe(200)
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 })
    const claims = decodeJwt(String(body['access_token']))
    expect(claims).toMatchObject({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${TENANT}/`,
      tid: TENANT,
      appid: APP.appId,
      idtyp: 'app',
      ver: '1.0',
    })
    expect(claims.exp! - claims.iat!).toBe(3599)
    const verified = await idp.verifyAccessToken(
      String(body['access_token']),
      'https://graph.microsoft.com',
    )
    expect(verified).toEqual({ appId: APP.appId, tenantId: TENANT, scopes: [] })
  })

  it('issues Bot Framework tokens from the botframework.com tenant', async () => {
    const { status, body } = await token(
      'botframework.com',
      cc({ scope: 'https://api.botframework.com/.default' }),
    )
    expect(status).toBe(200)
    const claims = decodeJwt(String(body['access_token']))
    expect(claims.iss).toBe(`https://sts.windows.net/${BOTFRAMEWORK_TENANT_ID}/`)
    expect(claims.aud).toBe('https://api.botframework.com')
    await expect(
      idp.verifyAccessToken(String(body['access_token']), 'https://graph.microsoft.com'),
    ).rejects.toThrow(/aud/)
  })

  it('carries granted application roles', async () => {
    idp.control.grantAppRoles(APP.appId, 'https://graph.microsoft.com', ['Chat.Read.All'])
    const { body } = await token(TENANT, cc())
    const verified = await idp.verifyAccessToken(
      String(body['access_token']),
      'https://graph.microsoft.com',
    )
    expect(verified.scopes).toEqual(['Chat.Read.All'])
    expect(idp.control.issuedTokenCount()).toBeGreaterThanOrEqual(3)
  })

  it.each([
    [
      'wrong secret',
      TENANT,
      cc({ client_secret: 'nope' }),
      401,
      'invalid_client',
      'AADSTS7000215: Invalid client secret provided.',
    ],
    ['no secret', TENANT, cc({ client_secret: '' }), 401, 'invalid_client', 'AADSTS7000218:'],
    [
      'unknown app',
      TENANT,
      cc({ client_id: 'ffffffff-0000-0000-0000-000000000000' }),
      400,
      'unauthorized_client',
      'AADSTS700016:',
    ],
    ['unknown tenant', 'nowhere.example', cc(), 400, 'invalid_request', 'AADSTS90002:'],
    ['common tenant', 'common', cc(), 400, 'invalid_request', 'AADSTS50059:'],
    [
      'scope without /.default',
      TENANT,
      cc({ scope: 'https://graph.microsoft.com/User.Read' }),
      400,
      'invalid_scope',
      'AADSTS1002012:',
    ],
    [
      'unknown resource',
      TENANT,
      cc({ scope: 'https://example.com/.default' }),
      400,
      'invalid_resource',
      'AADSTS500011:',
    ],
    [
      'single-tenant app elsewhere',
      'botframework.com',
      cc({ client_id: SINGLE.appId, client_secret: SINGLE.secret }),
      400,
      'unauthorized_client',
      'AADSTS700016:',
    ],
    [
      'unsupported grant',
      TENANT,
      cc({ grant_type: 'password' }),
      400,
      'unsupported_grant_type',
      'AADSTS70003:',
    ],
  ])('rejects %s like Entra', async (_name, tenant, form, status, error, prefix) => {
    const res = await token(tenant, form)
    expect(res.status).toBe(status)
    expect(res.body['error']).toBe(error)
    expect(String(res.body['error_description']).startsWith(prefix)).toBe(true)
    expect(res.body['error_codes']).toEqual([Number(prefix.slice(6, prefix.indexOf(':')))])
    expect(res.body['correlation_id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('rotating a secret stops the old one; expiring it gives AADSTS7000222', async () => {
    const app = { ...APP, appId: 'aaaaaaaa-0000-0000-0000-000000000003' }
    idp.control.addApp(app)
    const newSecret = idp.control.rotateSecret(app.appId)
    const old = await token(TENANT, cc({ client_id: app.appId }))
    expect(String(old.body['error_description'])).toMatch(/^AADSTS7000215/)
    const fresh = await token(TENANT, cc({ client_id: app.appId, client_secret: newSecret }))
    expect(fresh.status).toBe(200)
    idp.control.expireSecret(app.appId)
    const expired = await token(TENANT, cc({ client_id: app.appId, client_secret: newSecret }))
    expect(expired.status).toBe(401)
    expect(String(expired.body['error_description'])).toMatch(/^AADSTS7000222/)
  })

  it('expired tokens fail verification (after 5 minutes of skew)', async () => {
    const { body } = await token(TENANT, cc())
    const accessToken = String(body['access_token'])
    // Claims are whole seconds (iat rounds the issue time down): a second of margin each side.
    clock.advance(3599_000 + 298_000)
    await expect(
      idp.verifyAccessToken(accessToken, 'https://graph.microsoft.com'),
    ).resolves.toBeDefined()
    clock.advance(3_000)
    await expect(idp.verifyAccessToken(accessToken, 'https://graph.microsoft.com')).rejects.toThrow(
      /exp/,
    )
  })

  it('applies injected faults to the token route', async () => {
    idp.control.faults.add({ route: 'identity.token', status: 429, retryAfterSeconds: 7 })
    const res = await emulatorFetch(`${idp.url}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams(cc()).toString(),
    })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect((await token(TENANT, cc())).status).toBe(200)
  })
})

describe('signJwt', () => {
  it('signs with the Entra or the Bot Framework key, each verifiable from its JWKS', async () => {
    const jwt = await idp.signJwt(
      { iss: 'https://api.botframework.com', aud: 'bot' },
      {
        keySet: 'botframework',
        expiresInSeconds: 600,
      },
    )
    const bfKeys = idp.control.jwks('botframework')
    const key = (kid?: string) =>
      importJWK(
        bfKeys.keys.find((k) => k.kid === kid)!,
        'RS256',
      )
    const { payload } = await jwtVerify(jwt, (header) => key(header.kid), {
      currentDate: clock.now(),
    })
    expect(payload.exp! - payload.iat!).toBe(600)
    const entraKids = idp.control.jwks('entra').keys.map((k) => k.kid)
    expect(entraKids).not.toContain(decodeJwtHeaderKid(jwt))
  })
})

function decodeJwtHeaderKid(jwt: string): string {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()).kid
}
