import {
  AuthenticationError,
  ConfigError,
  NotFoundError,
  RemoteAuthError,
  RemoteRejectedError,
} from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { SecretStore } from '../../../core/ports/secrets.ts'
import type { HttpClient } from '../../shared/http.ts'
import type { TokenProvider } from './app-token.ts'
import { createPkcePair } from './pkce.ts'
import { TokenCache } from './token-cache.ts'
import {
  authorizeEndpoint,
  clientInfo,
  postTokenRequest,
  tokenEndpoint,
  type TokenResponse,
} from './token-endpoint.ts'

/** What the service account may do: post chat messages, and keep a refresh token. */
export const serviceAccountScope = 'https://graph.microsoft.com/ChatMessage.Send offline_access'

export interface DelegatedOptions {
  readonly authorityHost: string
  readonly tenant: string
  readonly clientId: string
  readonly clientSecretName: string
  /** Secret name the (encrypted) refresh token is stored under. */
  readonly refreshTokenName: string
  /**
   * The Entra object id the service account must have. A sign-in by anybody else is refused
   * before its token is stored, so nobody can make the bridge post as them.
   */
  readonly expectedUserId?: string
  readonly scope?: string
  readonly secrets: SecretStore
  readonly http: HttpClient
  readonly clock: Clock
  readonly log: Logger
}

export interface SignedInAccount {
  /** Entra object id of the account that signed in (from `client_info`), when reported. */
  readonly userId?: string
  readonly tenantId?: string
}

export interface DelegatedLogin {
  /**
   * The URL to send the operator's browser to; keep `codeVerifier` server-side with `state`, or
   * pass a function that makes the state from the verifier (sealing it inside).
   */
  beginLogin(input: { redirectUri: string; state: string | ((codeVerifier: string) => string) }): {
    url: string
    codeVerifier: string
  }
  /** Redeems the code (with the same redirect URI) and stores the refresh token encrypted. */
  completeLogin(code: string, codeVerifier: string, redirectUri: string): Promise<SignedInAccount>
  /** Access tokens for the signed-in account, redeemed from the stored refresh token. */
  readonly tokens: TokenProvider
}

/**
 * Authorization-code login with PKCE for the delegated service account, by direct calls to the
 * v2 endpoints rather than MSAL: MSAL deliberately never hands out refresh tokens (its cache
 * keeps them; see AzureAD/microsoft-authentication-library-for-js#3747), while we must store
 * the refresh token encrypted in our SecretStore and store each rotated one back. Going
 * through MSAL would mean serializing and parsing its private cache format.
 */
export function createDelegatedLogin(options: DelegatedOptions): DelegatedLogin {
  const scope = options.scope ?? serviceAccountScope
  const url = tokenEndpoint(options.authorityHost, options.tenant)
  const log = options.log.child({ clientId: options.clientId, secret: options.refreshTokenName })
  let readSecret = (name: string) => options.secrets.get(name)

  const store = async (response: TokenResponse) => {
    if (!response.refresh_token) return
    await options.secrets.put(options.refreshTokenName, response.refresh_token)
  }

  const cache = new TokenCache(options.clock, async () => {
    const refreshToken = await readSecret(options.refreshTokenName).catch((error: unknown) => {
      if (error instanceof NotFoundError)
        throw new RemoteAuthError('service account is not signed in', { cause: error })
      throw error
    })
    const response = await postTokenRequest(options.http, url, options.clientId, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope,
      client_secret: await readSecret(options.clientSecretName),
    }).catch((error: unknown) => {
      // invalid_grant: revoked, expired (90 days idle) or password changed; an operator must
      // sign in again. Retryable so the lane waits for that instead of failing messages.
      if (error instanceof RemoteRejectedError)
        throw new RemoteAuthError('service account must sign in again', { cause: error })
      throw error
    })
    await store(response)
    readSecret = (name) => options.secrets.get(name)
    log.debug({ rotated: Boolean(response.refresh_token) }, 'delegated token acquired')
    return { accessToken: response.access_token, expiresInMs: response.expires_in * 1000 }
  })

  return {
    beginLogin({ redirectUri, state }) {
      const pkce = createPkcePair()
      const query = new URLSearchParams({
        client_id: options.clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        response_mode: 'query',
        scope,
        state: typeof state === 'function' ? state(pkce.verifier) : state,
        code_challenge: pkce.challenge,
        code_challenge_method: 'S256',
        prompt: 'select_account',
      })
      return {
        url: `${authorizeEndpoint(options.authorityHost, options.tenant)}?${query}`,
        codeVerifier: pkce.verifier,
      }
    },

    async completeLogin(code, codeVerifier, redirectUri) {
      if (!code) throw new ConfigError('code', 'authorization code missing')
      const response = await postTokenRequest(options.http, url, options.clientId, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
        scope,
        client_secret: await options.secrets.get(options.clientSecretName),
      }).catch((error: unknown) => {
        // invalid_grant: a code that is forged, expired, already redeemed or not made for this
        // verifier (AADSTS9002313, 70008, 54005, 501481): the caller's doing, not Microsoft's.
        if (
          error instanceof RemoteRejectedError &&
          error.details?.['remoteCode'] === 'invalid_grant'
        )
          throw new AuthenticationError('sign-in code was refused', { cause: error })
        throw error instanceof RemoteRejectedError
          ? new RemoteRejectedError('sign-in code was refused', {
              cause: error,
              status: error.status,
            })
          : error
      })
      if (!response.refresh_token) {
        throw new RemoteRejectedError('sign-in returned no refresh token (offline_access missing)')
      }
      const account = clientInfo(response.client_info)
      if (
        options.expectedUserId &&
        account.userId?.toLowerCase() !== options.expectedUserId.toLowerCase()
      ) {
        log.warn(
          { userId: account.userId },
          'sign-in by another account than the service account refused',
        )
        throw new AuthenticationError(
          'signed in as another account than the configured service account',
        )
      }
      await store(response)
      cache.clear()
      log.info({ userId: account.userId }, 'service account signed in')
      return account
    },

    tokens: {
      getToken: () => cache.get(),
      async refresh() {
        cache.clear()
        // Next renewal bypasses any secret cache: a rotated client secret or a refresh token
        // written by another process.
        readSecret = (name) => options.secrets.reload(name)
      },
    },
  }
}
