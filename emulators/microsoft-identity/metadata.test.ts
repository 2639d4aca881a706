import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { emulatorFetch } from '../kit/tls-fetch.ts'
import { BOTFRAMEWORK_TENANT_ID, type IdentityEmulator, startIdentityEmulator } from './index.ts'

const TENANT = '44444444-2222-3333-4444-555555555555'
let idp: IdentityEmulator

beforeAll(async () => {
  idp = await startIdentityEmulator({
    users: [{ id: 'u1', tenantId: TENANT, upn: 'megan@fabrikam.example', displayName: 'Megan' }],
  })
})
afterAll(() => idp.close())

const getJson = async (path: string) => {
  const res = await emulatorFetch(`${idp.url}${path}`)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
const trusting = { [customFetch]: (url: string, init: object) => emulatorFetch(url, init) as never }

describe('OpenID metadata and keys', () => {
  it('names the tenant by GUID, also when asked by domain', async () => {
    const { status, body } = await getJson(
      '/fabrikam.example/v2.0/.well-known/openid-configuration',
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({
      issuer: `${idp.url}/${TENANT}/v2.0`,
      token_endpoint: `${idp.url}/${TENANT}/oauth2/v2.0/token`,
      authorization_endpoint: `${idp.url}/${TENANT}/oauth2/v2.0/authorize`,
      jwks_uri: `${idp.url}/${TENANT}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
    })
    const bf = await getJson('/botframework.com/v2.0/.well-known/openid-configuration')
    expect(bf.body['issuer']).toBe(`${idp.url}/${BOTFRAMEWORK_TENANT_ID}/v2.0`)
    expect((await getJson('/unknown.example/v2.0/.well-known/openid-configuration')).status).toBe(
      400,
    )
  })

  it('publishes keys with kid = x5t and keeps retired keys until dropped', async () => {
    const first = await getJson(`/${TENANT}/discovery/v2.0/keys`)
    const [key] = first.body['keys'] as Array<Record<string, unknown>>
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', kid: key!['x5t'] })
    const oldToken = await idp.signJwt({ aud: 'x' })
    const newKid = await idp.control.rotateSigningKeys()
    const jwks = createRemoteJWKSet(new URL(`${idp.url}/${TENANT}/discovery/v2.0/keys`), trusting)
    await expect(jwtVerify(oldToken, jwks)).resolves.toBeDefined()
    const newToken = await idp.signJwt({ aud: 'x' })
    const { protectedHeader } = await jwtVerify(newToken, jwks)
    expect(protectedHeader.kid).toBe(newKid)
    await idp.control.rotateSigningKeys({ dropOld: true })
    const after = await getJson(`/${TENANT}/discovery/v2.0/keys`)
    expect((after.body['keys'] as unknown[]).length).toBe(1)
    const fresh = createRemoteJWKSet(new URL(`${idp.url}/${TENANT}/discovery/v2.0/keys`), trusting)
    await expect(jwtVerify(oldToken, fresh)).rejects.toThrow()
  })

  it('serves the Bot Framework channel metadata with endorsed keys', async () => {
    const { body } = await getJson('/botframework/v1/.well-known/openidconfiguration')
    expect(body).toEqual({
      issuer: 'https://api.botframework.com',
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${idp.url}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    })
    const keys = await getJson('/botframework/v1/.well-known/keys')
    const [key] = keys.body['keys'] as Array<Record<string, unknown>>
    expect(key!['endorsements']).toEqual(['msteams'])
    const channelToken = await idp.signJwt(
      { iss: 'https://api.botframework.com', aud: 'bot-app-id' },
      { keySet: 'botframework' },
    )
    const jwks = createRemoteJWKSet(new URL(String(body['jwks_uri'])), trusting)
    await expect(
      jwtVerify(channelToken, jwks, {
        issuer: 'https://api.botframework.com',
        audience: 'bot-app-id',
      }),
    ).resolves.toBeDefined()
  })

  it('exposes the control verbs over HTTP', async () => {
    const post = (path: string, body: unknown) =>
      emulatorFetch(`${idp.url}/_emulator${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await post('/apps', { appId: 'h1', secret: 'x', tenantId: TENANT })).status).toBe(201)
    const rotated = (await (await post('/apps/h1/secret/rotate', {})).json()) as { secret: string }
    expect(rotated.secret).not.toBe('x')
    expect((await post('/apps/nope/secret/expire', {})).status).toBe(400)
    const stats = await getJson('/_emulator/stats')
    expect(stats.body).toEqual({ issuedTokens: idp.control.issuedTokenCount() })
  })
})
