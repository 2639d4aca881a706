import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify } from 'jose'

import { AuthenticationError } from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { HttpClient } from '../../shared/http.ts'
import { OpenIdKeys } from './openid-keys.ts'

export interface JwtExpectations {
  readonly issuer: string | readonly string[]
  readonly audience: string | readonly string[]
}

export interface VerifiedJwt {
  readonly claims: JWTPayload & Record<string, unknown>
  /** The signing key's endorsements (Bot Framework channel ids), when the JWKS lists any. */
  readonly endorsements: readonly string[] | undefined
}

export interface JwtVerifier {
  /** Throws AuthenticationError for any token that is not valid; remote failures pass through. */
  verify(token: string, expect: JwtExpectations): Promise<VerifiedJwt>
}

export interface JwtVerifierOptions {
  readonly openIdMetadataUrl: string
  readonly http: HttpClient
  readonly clock: Clock
  readonly maxKeyAgeMs?: number
  readonly minKeyRefetchMs?: number
}

/**
 * One verifier (and so one key cache) per OpenID metadata URL, made on first use and shared by
 * every integration that names the URL.
 */
export function jwtVerifiers(deps: {
  readonly http: HttpClient
  readonly clock: Clock
}): (openIdMetadataUrl: string) => JwtVerifier {
  const verifiers = new Map<string, JwtVerifier>()
  return (openIdMetadataUrl) => {
    let verifier = verifiers.get(openIdMetadataUrl)
    if (!verifier) {
      verifier = createJwtVerifier({ openIdMetadataUrl, http: deps.http, clock: deps.clock })
      verifiers.set(openIdMetadataUrl, verifier)
    }
    return verifier
  }
}

/** "Industry-standard clock-skew is 5 minutes" (Bot Framework connector authentication docs). */
const clockToleranceSeconds = 5 * 60

/**
 * RS256 only: `none` and HS* are refused before any key is looked up, which rules out the
 * algorithm-confusion class of bugs (CVE-2022-23540/23541 in jsonwebtoken).
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const keys = new OpenIdKeys({
    openIdMetadataUrl: options.openIdMetadataUrl,
    http: options.http,
    clock: options.clock,
    maxAgeMs: options.maxKeyAgeMs,
    minRefetchMs: options.minKeyRefetchMs,
  })
  return {
    async verify(token, expect) {
      const header = readHeader(token)
      if (header.alg !== 'RS256') throw new AuthenticationError('token algorithm not allowed')
      if (!header.kid) throw new AuthenticationError('token has no key id')
      const key = await keys.find(header.kid)
      if (!key) throw new AuthenticationError('token signed by an unknown key')
      try {
        const { payload } = await jwtVerify(token, key.key, {
          algorithms: ['RS256'],
          issuer: expect.issuer as string | string[],
          audience: expect.audience as string | string[],
          clockTolerance: clockToleranceSeconds,
          currentDate: options.clock.now(),
          requiredClaims: ['exp'],
        })
        return { claims: payload as VerifiedJwt['claims'], endorsements: key.endorsements }
      } catch (error) {
        throw new AuthenticationError(reason(error), { cause: error })
      }
    },
  }
}

function readHeader(token: string): { alg?: string; kid?: string } {
  try {
    return decodeProtectedHeader(token)
  } catch {
    throw new AuthenticationError('token is not a JWT')
  }
}

function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired'
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim invalid: ${error.claim}`
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid'
  return 'token invalid'
}
