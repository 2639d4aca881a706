import { z } from 'zod'

import { RemoteAuthError, RemoteRejectedError } from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import type { HttpAuth, HttpClient } from '../../shared/http.ts'

export interface GenesysCredentials {
  /** e.g. `https://login.mypurecloud.ie`: the login host of the org's region. */
  readonly loginBaseUrl: string
  readonly clientId: string
  readonly clientSecretName: string
}

export interface GenesysAuthDeps {
  readonly http: HttpClient
  readonly clock: Clock
  readonly secrets: SecretSource
  readonly log: Logger
}

/** Bearer tokens for one OAuth client; usable directly as the HttpClient `auth` hook. */
export interface GenesysTokenSource extends HttpAuth {
  /** A valid access token, fetched when none is cached or the cached one is about to expire. */
  token(): Promise<string>
}

// Fields the SDKs read (platform-client-sdk-javascript ApiClient.js loginClientCredentialsGrant).
// Lifetime is 300..172800 s, 86400 by default (https://help.mypurecloud.com/?p=188023).
const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive(),
})

/**
 * The login host answers a bad client id or secret with 400 `invalid_client` (OAuth 2.0,
 * RFC 6749 §5.2; emulators/README.md records the captured body), some gateways with 401.
 */
function isRefusedClient(error: unknown): boolean {
  if (error instanceof RemoteAuthError) return true
  return error instanceof RemoteRejectedError && error.details?.remoteCode === 'invalid_client'
}

/** Renew five minutes ahead, or halfway through a short lifetime, so no call carries a dying token. */
const renewalMarginMs = (lifetimeMs: number) => Math.min(5 * 60_000, lifetimeMs / 2)

/**
 * Client-credentials grant against `POST {loginBaseUrl}/oauth/token` with HTTP Basic client
 * authentication and `grant_type=client_credentials` (developercenter-tutorials
 * oauth-client-credentials). One request in flight at a time; `refresh()` re-reads the secret,
 * for the 401 after a rotation, and fetches a new token.
 */
export function createGenesysTokenSource(
  credentials: GenesysCredentials,
  deps: GenesysAuthDeps,
): GenesysTokenSource {
  const log = deps.log.child({ clientId: credentials.clientId })
  const url = `${credentials.loginBaseUrl.replace(/\/+$/, '')}/oauth/token`
  let secret: Promise<string> | undefined
  let cached: { value: string; renewAtMs: number } | undefined
  let inFlight: Promise<string> | undefined
  let generation = 0

  /** The client secret, read once; a failed read is not remembered. */
  function readSecret(reload: boolean): Promise<string> {
    if (secret && !reload) return secret
    const pending = reload
      ? deps.secrets.reload(credentials.clientSecretName)
      : deps.secrets.get(credentials.clientSecretName)
    secret = pending
    pending.catch(() => {
      if (secret === pending) secret = undefined
    })
    return pending
  }

  async function requestToken(clientSecret: string) {
    const basic = Buffer.from(`${credentials.clientId}:${clientSecret}`).toString('base64')
    return deps.http.request({
      method: 'POST',
      url,
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      form: { grant_type: 'client_credentials' },
      idempotent: true,
    })
  }

  async function fetchToken(): Promise<string> {
    const started = generation
    const response = await requestToken(await readSecret(false)).catch(async (error: unknown) => {
      // The login host refusing the client usually means the secret was rotated: re-read it once.
      if (!isRefusedClient(error)) throw error
      log.info({}, 'genesys login refused the client secret; reloading it')
      return requestToken(await readSecret(true)).catch((again: unknown) => {
        if (!isRefusedClient(again)) throw again
        throw new RemoteAuthError('Genesys login refused the OAuth client', { cause: again })
      })
    })
    const parsed = tokenResponse.safeParse(response.json())
    if (!parsed.success) throw new RemoteAuthError('Genesys token response had no access token')
    const lifetimeMs = parsed.data.expires_in * 1000
    if (started === generation) {
      cached = {
        value: parsed.data.access_token,
        renewAtMs: deps.clock.nowMs() + lifetimeMs - renewalMarginMs(lifetimeMs),
      }
    }
    log.debug({ expiresInMs: lifetimeMs }, 'genesys token acquired')
    return parsed.data.access_token
  }

  function token(): Promise<string> {
    if (cached && deps.clock.nowMs() < cached.renewAtMs) return Promise.resolve(cached.value)
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined
    })
    return inFlight
  }

  return {
    token,
    async header() {
      return `Bearer ${await token()}`
    },
    async refresh() {
      generation += 1
      cached = undefined
      inFlight = undefined
      await readSecret(true)
      log.info({}, 'genesys client secret reloaded')
      await token()
    },
  }
}
