import type { ConfidentialClientApplication } from '@azure/msal-node'

import { RemoteAuthError } from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import type { HttpClient } from '../../shared/http.ts'
import { createMsalApp, msalFailure } from './msal-app.ts'
import { MsalNetwork } from './msal-network.ts'
import { TokenCache } from './token-cache.ts'

export interface TokenProvider {
  getToken(): Promise<string>
  /** Drops the cache and re-reads the secret. */
  refresh(): Promise<void>
}

export interface AppTokenOptions {
  /** e.g. `https://login.microsoftonline.com`; must be https. */
  readonly authorityHost: string
  /** Tenant id, or `botframework.com` for multi-tenant bots. */
  readonly tenant: string
  readonly clientId: string
  readonly clientSecretName: string
  /** One `.default` scope, e.g. `https://graph.microsoft.com/.default`. */
  readonly scope: string
  readonly secrets: SecretSource
  readonly http: HttpClient
  readonly clock: Clock
  readonly log: Logger
}

/** Rate and circuit key for token calls of one app registration. */
export const identityRateKey = (clientId: string) => `entra:${clientId}`

/**
 * Client-credentials tokens through MSAL. MSAL's own cache is bypassed (`skipCache`) because it
 * reads the wall clock; our TokenCache uses the injected clock and renews ahead of expiry.
 */
export function createAppTokenProvider(options: AppTokenOptions): TokenProvider {
  const network = new MsalNetwork(options.http, identityRateKey(options.clientId))
  // No tenant in the log context: a bot's tenant id is write-only (docs/api.md).
  const log = options.log.child({ clientId: options.clientId })
  let app: ConfidentialClientApplication | undefined

  const build = (secret: string) =>
    createMsalApp({
      authorityHost: options.authorityHost,
      tenant: options.tenant,
      clientId: options.clientId,
      clientSecret: secret,
      network,
      log,
    })

  const cache = new TokenCache(options.clock, async () => {
    app ??= build(await options.secrets.get(options.clientSecretName))
    const current = app
    const result = await network
      .withScope(() =>
        current.acquireTokenByClientCredential({ scopes: [options.scope], skipCache: true }),
      )
      .catch((error: unknown) => {
        throw msalFailure(error)
      })
    if (!result?.accessToken) throw new RemoteAuthError('token response had no access token')
    const expiresInMs = result.expiresOn ? result.expiresOn.getTime() - Date.now() : 0
    log.debug({ expiresInMs }, 'app token acquired')
    return { accessToken: result.accessToken, expiresInMs: Math.max(0, expiresInMs) }
  })

  return {
    getToken: () => cache.get(),
    async refresh() {
      cache.clear()
      app = build(await options.secrets.reload(options.clientSecretName))
      log.info({}, 'app credentials reloaded')
    },
  }
}
