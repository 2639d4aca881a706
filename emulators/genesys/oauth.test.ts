import { afterEach, beforeEach, describe, expect, test } from 'vitest'

import { EmulatorClock } from '../kit/clock.ts'
import { type GenesysEmulator, startGenesysEmulator } from './index.ts'
import { inboundMessage, inboundPath, postJson, testSeed } from './test-helpers.ts'

const FORM = 'application/x-www-form-urlencoded'
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

let genesys: GenesysEmulator
let clock: EmulatorClock

beforeEach(async () => {
  clock = new EmulatorClock()
  genesys = await startGenesysEmulator({
    clock,
    seed: testSeed('http://127.0.0.1:9/hook', {
      clients: [
        { clientId: 'short', clientSecret: 'short-secret', orgId: 'org-a', tokenTtlSeconds: 300 },
        {
          clientId: 'code-only',
          clientSecret: 'code-secret',
          orgId: 'org-a',
          grantTypes: ['authorization_code'],
        },
      ],
    }),
  })
})
afterEach(() => genesys.close())

function token(headers: Record<string, string>, body: string) {
  return fetch(`${genesys.url}/oauth/token`, { method: 'POST', headers, body })
}

describe('POST /oauth/token', () => {
  test('issues a bearer token for Basic client credentials', async () => {
    const response = await token(
      { authorization: basic('client-a', 'secret-a'), 'content-type': FORM },
      'grant_type=client_credentials',
    )
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 86399,
    })
  })

  test('accepts client_id and client_secret in the form body', async () => {
    const response = await token(
      { 'content-type': FORM },
      'grant_type=client_credentials&client_id=short&client_secret=short-secret',
    )
    expect(response.status).toBe(200)
    expect(((await response.json()) as { expires_in: number }).expires_in).toBe(299)
  })

  test.each([
    [
      'wrong secret',
      { authorization: basic('client-a', 'nope') },
      'grant_type=client_credentials',
      'invalid_client',
      'authentication failed',
    ],
    [
      'unknown client',
      { authorization: basic('ghost', 'x') },
      'grant_type=client_credentials',
      'invalid_client',
      'client not found',
    ],
    [
      'no credentials',
      {},
      'grant_type=client_credentials',
      'invalid_client',
      'authentication failed',
    ],
    [
      'missing grant_type',
      { authorization: basic('client-a', 'secret-a') },
      '',
      'invalid_request',
      'grant_type is required',
    ],
    [
      'unknown grant',
      { authorization: basic('client-a', 'secret-a') },
      'grant_type=magic',
      'unsupported_grant_type',
      'unsupported grant type',
    ],
    [
      'password grant',
      { authorization: basic('client-a', 'secret-a') },
      'grant_type=password',
      'unauthorized_client',
      'client is not authorized to use the password grant type',
    ],
    [
      'client without the grant',
      { authorization: basic('code-only', 'code-secret') },
      'grant_type=client_credentials',
      'unauthorized_client',
      'client is not authorized to use the client_credential grant type',
    ],
    [
      'two auth methods',
      { authorization: basic('client-a', 'secret-a') },
      'grant_type=client_credentials&client_id=client-a&client_secret=secret-a',
      'invalid_request',
      'multiple client credentials',
    ],
  ])('%s → 400 %s', async (_name, headers, body, error, description) => {
    const response = await token({ ...headers, 'content-type': FORM }, body)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error, description, error_description: description })
  })

  test('refuses a JSON body', async () => {
    const response = await token(
      { authorization: basic('client-a', 'secret-a'), 'content-type': 'application/json' },
      JSON.stringify({ grant_type: 'client_credentials' }),
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request')
  })
})

describe('bearer tokens on the API', () => {
  async function issue(clientId: string, secret: string) {
    const response = await token(
      { authorization: basic(clientId, secret), 'content-type': FORM },
      'grant_type=client_credentials',
    )
    return ((await response.json()) as { access_token: string }).access_token
  }
  const send = (bearer: string) =>
    postJson(inboundPath(genesys.url, 'message'), bearer, inboundMessage('c1', 'hi'))

  async function expectBadCredentials(response: Response) {
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      message: 'Invalid login credentials.',
      code: 'bad.credentials',
      status: 401,
      contextId: expect.any(String),
      details: [],
      errors: [],
    })
  }

  test('a token works until its lifetime passes', async () => {
    const bearer = await issue('short', 'short-secret')
    expect((await send(bearer)).status).toBe(200)
    clock.advance(299_000)
    expect((await send(bearer)).status).toBe(200)
    clock.advance(1_000)
    await expectBadCredentials(await send(bearer))
  })

  test('expireTokens() invalidates every issued token; a new one works', async () => {
    const bearer = await issue('client-a', 'secret-a')
    genesys.control.expireTokens()
    await expectBadCredentials(await send(bearer))
    expect((await send(await issue('client-a', 'secret-a'))).status).toBe(200)
  })

  test('unknown and missing tokens are 401', async () => {
    await expectBadCredentials(await send('not-a-token'))
    const response = await fetch(inboundPath(genesys.url, 'message'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inboundMessage('c1', 'hi')),
    })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { code: string }).code).toBe('bad.credentials')
  })
})
