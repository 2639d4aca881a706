import type { HttpAuth } from '../../shared/http.ts'
import type { TokenProvider } from './app-token.ts'

export type { AppTokenOptions, TokenProvider } from './app-token.ts'
export { createAppTokenProvider, identityRateKey } from './app-token.ts'
export type { DelegatedLogin, DelegatedOptions, SignedInAccount } from './delegated.ts'
export { createDelegatedLogin, serviceAccountScope } from './delegated.ts'
export type { JwtExpectations, JwtVerifier, JwtVerifierOptions, VerifiedJwt } from './jwt.ts'
export { createJwtVerifier, jwtVerifiers } from './jwt.ts'

/** Bearer auth for `HttpRequest.auth`: a 401 makes the HttpClient call `refresh()` once. */
export function httpAuth(provider: TokenProvider): HttpAuth {
  return {
    header: async () => `Bearer ${await provider.getToken()}`,
    refresh: () => provider.refresh(),
  }
}
