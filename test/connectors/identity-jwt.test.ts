import { base64url } from 'jose'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { createJwtVerifier } from '../../src/connectors/microsoft/identity/jwt.ts'
import { AuthenticationError } from '../../src/core/errors.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { bridgeHttpClient } from './identity-http.ts'
import {
  type OpenIdServer,
  signToken,
  startOpenIdServer,
  type TestSigner,
  testSigner,
} from './identity-openid-fixture.ts'

const issuer = 'https://api.botframework.com'
const audience = 'bot-app-id'
const expect_ = { issuer, audience }

describe('createJwtVerifier', () => {
  let signer: TestSigner
  let server: OpenIdServer
  let clock: ManualClock
  const now = () => Math.floor(clock.nowMs() / 1000)
  const verifier = () =>
    createJwtVerifier({
      openIdMetadataUrl: server.metadataUrl,
      http: bridgeHttpClient({ clock }),
      clock,
    })
  const token = (
    claims: Record<string, unknown> = {},
    times: { iat?: number; exp?: number } = {},
  ) =>
    signToken(
      signer,
      { iss: issuer, aud: audience, ...claims },
      { iat: times.iat ?? now(), exp: times.exp ?? now() + 3600 },
    )

  beforeAll(async () => {
    signer = await testSigner('k1', ['msteams'])
  })
  beforeEach(async () => {
    clock = new ManualClock()
    server = await startOpenIdServer(issuer, [signer])
  })
  afterEach(() => server.close())

  it('accepts a valid token and returns its claims and the key endorsements', async () => {
    const result = await verifier().verify(await token({ serviceurl: 'https://x/' }), expect_)
    expect(result.claims.serviceurl).toBe('https://x/')
    expect(result.endorsements).toEqual(['msteams'])
  })

  it('refuses a forged signature (same kid, other key)', async () => {
    const forger = await testSigner('k1')
    const forged = await signToken(
      forger,
      { iss: issuer, aud: audience },
      { iat: now(), exp: now() + 60 },
    )
    await expect(verifier().verify(forged, expect_)).rejects.toThrow('token signature invalid')
  })

  it('allows five minutes of clock skew and no more', async () => {
    const v = verifier()
    const expired = await token({}, { iat: now() - 7200, exp: now() - 299 })
    await expect(v.verify(expired, expect_)).resolves.toBeDefined()
    const tooOld = await token({}, { iat: now() - 7200, exp: now() - 301 })
    await expect(v.verify(tooOld, expect_)).rejects.toThrow('token expired')
    const early = await token({}, { iat: now() + 301, exp: now() + 3600 })
    await expect(v.verify(early, expect_)).rejects.toThrow('token claim invalid: nbf')
  })

  it('refuses a wrong audience or issuer', async () => {
    const v = verifier()
    await expect(v.verify(await token({ aud: 'other-bot' }), expect_)).rejects.toThrow(
      'token claim invalid: aud',
    )
    await expect(v.verify(await token({ iss: 'https://evil.example' }), expect_)).rejects.toThrow(
      'token claim invalid: iss',
    )
  })

  it('refuses alg none and HS256 without looking up a key', async () => {
    const body = base64url.encode(JSON.stringify({ iss: issuer, aud: audience, exp: now() + 60 }))
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'k1' }))}.${body}.`
    const hs = `${base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'k1' }))}.${body}.c2ln`
    const v = verifier()
    await expect(v.verify(none, expect_)).rejects.toThrow('token algorithm not allowed')
    await expect(v.verify(hs, expect_)).rejects.toThrow('token algorithm not allowed')
    await expect(v.verify('not-a-jwt', expect_)).rejects.toBeInstanceOf(AuthenticationError)
    expect(server.jwksReads).toBe(0)
  })

  it('re-reads the keys for an unknown kid (rotation), at most once a minute', async () => {
    const v = verifier()
    await v.verify(await token(), expect_)
    expect(server.jwksReads).toBe(1)

    const rotated = await testSigner('k2')
    const fresh = await signToken(
      rotated,
      { iss: issuer, aud: audience },
      { iat: now(), exp: now() + 60 },
    )
    await expect(v.verify(fresh, expect_)).rejects.toThrow('unknown key')
    expect(server.jwksReads).toBe(1) // fetched less than a minute ago

    server.keys = [signer, rotated]
    clock.advance(60_000)
    await expect(v.verify(fresh, expect_)).resolves.toBeDefined()
    expect(server.jwksReads).toBe(2)

    const bogus = await signToken(
      rotated,
      { iss: issuer, aud: audience },
      { iat: now(), exp: now() + 60, kid: 'nope' },
    )
    await expect(v.verify(bogus, expect_)).rejects.toThrow('unknown key')
    await expect(v.verify(bogus, expect_)).rejects.toThrow('unknown key')
    expect(server.jwksReads).toBe(2)
  })
})
