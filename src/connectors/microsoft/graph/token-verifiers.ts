import type { Clock } from '../../../core/ports/clock.ts'
import type { HttpClient } from '../../shared/http.ts'
import { jwtVerifiers } from '../identity/index.ts'
import type { SignedTokenVerifier } from './validation-tokens.ts'

/**
 * Validation-token verifiers over identity's JWT verifier, one per OpenID metadata URL (each
 * caches its JWKS and refetches on an unknown key id), shared by all integrations using it.
 */
export function graphTokenVerifiers(deps: {
  readonly http: HttpClient
  readonly clock: Clock
}): (openIdMetadataUrl: string) => SignedTokenVerifier {
  const verifierFor = jwtVerifiers(deps)
  return (openIdMetadataUrl) => {
    const jwt = verifierFor(openIdMetadataUrl)
    return async (token, expect) => (await jwt.verify(token, expect)).claims
  }
}
