import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { emulatorTls } from '../../emulators/kit/server.ts'
import { createAppTokenProvider, httpAuth } from '../../src/connectors/microsoft/identity/index.ts'
import { RemoteAuthError, RemoteUnavailableError } from '../../src/core/errors.ts'
import type { Logger } from '../../src/core/ports/logger.ts'
import type { SecretSource } from '../../src/core/ports/secrets.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { type FakeIdp, startFakeIdp } from './identity-fake-idp.ts'
import { testHttpClient } from './identity-test-http.ts'

const silent: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silent,
}

function secretsWith(value: () => string): SecretSource & { reloads: number } {
  const source = {
    reloads: 0,
    get: async () => value(),
    reload: async () => {
      source.reloads += 1
      return value()
    },
  }
  return source
}

describe('createAppTokenProvider (MSAL over our HttpClient, HTTPS authority)', () => {
  let idp: FakeIdp
  let clock: ManualClock
  let secret: string
  let http: ReturnType<typeof testHttpClient>
  beforeEach(async () => {
    idp = await startFakeIdp()
    clock = new ManualClock()
    secret = 's3cret'
    http = testHttpClient(emulatorTls().cert)
  })
  afterEach(() => idp.close())

  const provider = (secrets = secretsWith(() => secret)) =>
    createAppTokenProvider({
      authorityHost: idp.url,
      tenant: 'botframework.com',
      clientId: 'app-1',
      clientSecretName: 'bot-secret',
      scope: 'https://api.botframework.com/.default',
      secrets,
      http,
      clock,
      log: silent,
    })

  it('acquires a client-credentials token and caches it until near expiry', async () => {
    const tokens = provider()
    expect(await tokens.getToken()).toBe('token-1')
    expect(await tokens.getToken()).toBe('token-1')
    const form = idp.tokenRequests[0]
    expect(form?.get('grant_type')).toBe('client_credentials')
    expect(form?.get('client_id')).toBe('app-1')
    expect(form?.get('scope')).toBe('https://api.botframework.com/.default')
    // Every call went to our authority, none to Microsoft's instance discovery.
    expect(http.calls.every((c) => c.url.startsWith(idp.url))).toBe(true)
    expect(http.calls.every((c) => c.rateKey === 'entra:app-1')).toBe(true)

    // MSAL reports expiry in whole seconds (rounded), hence a second of slack either way.
    clock.advance(3600_000 - 302_000)
    expect(await tokens.getToken()).toBe('token-1')
    clock.advance(3_000)
    expect(await tokens.getToken()).toBe('token-2')
    expect(idp.tokenRequests).toHaveLength(2)
  })

  it('re-reads a rotated secret on refresh()', async () => {
    const secrets = secretsWith(() => secret)
    const tokens = provider(secrets)
    idp.secret = 'rotated'
    await expect(tokens.getToken()).rejects.toBeInstanceOf(RemoteAuthError)
    secret = 'rotated'
    await tokens.refresh()
    expect(secrets.reloads).toBe(1)
    expect(await tokens.getToken()).toBe('token-1')
  })

  it('keeps the HttpClient classification of a 429 (Retry-After) instead of MSAL network_error', async () => {
    idp.failNext(429, { error: 'temporarily_unavailable' }, { 'retry-after': '7' })
    const failure = await provider()
      .getToken()
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RemoteUnavailableError)
    expect((failure as RemoteUnavailableError).retryAfterMs).toBe(7000)
  })

  it('httpAuth gives a bearer header and refreshes through the provider', async () => {
    const secrets = secretsWith(() => secret)
    const auth = httpAuth(provider(secrets))
    expect(await auth.header()).toBe('Bearer token-1')
    await auth.refresh()
    expect(secrets.reloads).toBe(1)
    expect(await auth.header()).toBe('Bearer token-2')
  })

  it('refuses a plain-http authority host with a ConfigError', async () => {
    const tokens = createAppTokenProvider({
      authorityHost: idp.url.replace('https:', 'http:'),
      tenant: 't',
      clientId: 'app-1',
      clientSecretName: 'x',
      scope: 's/.default',
      secrets: secretsWith(() => 'x'),
      http,
      clock,
      log: silent,
    })
    await expect(tokens.getToken()).rejects.toMatchObject({ code: 'CONFIG_INVALID' })
  })
})
