import { type CryptoKey, importJWK, type JWK } from 'jose'
import { z } from 'zod'

import { RemoteRejectedError } from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { HttpClient } from '../../shared/http.ts'

export interface SigningKey {
  readonly kid: string
  readonly key: CryptoKey
  /** Bot Framework: channel ids this key may sign for (absent elsewhere). */
  readonly endorsements: readonly string[] | undefined
}

const metadataSchema = z.object({ issuer: z.string().optional(), jwks_uri: z.url() })
const jwksSchema = z.object({
  keys: z.array(
    z
      .object({
        kid: z.string().min(1),
        kty: z.string(),
        endorsements: z.array(z.string()).optional(),
      })
      .loose(),
  ),
})

export interface OpenIdKeysOptions {
  readonly openIdMetadataUrl: string
  readonly http: HttpClient
  readonly clock: Clock
  /** Keys are re-read after this long even without an unknown kid (default 24 h). */
  readonly maxAgeMs?: number
  /** Unknown kids trigger a re-read at most this often (default 60 s). */
  readonly minRefetchMs?: number
}

/**
 * Signing keys from an OpenID metadata document's `jwks_uri`, cached. Microsoft rotates keys
 * (Entra "daily"; botbuilder caches Bot Framework keys 5 days), so an unknown `kid` re-reads
 * the set, but at most once per `minRefetchMs`: forged kids must not turn us into a fetch
 * amplifier. RSA keys only, imported for RS256.
 */
export class OpenIdKeys {
  readonly #options: OpenIdKeysOptions
  #keys = new Map<string, SigningKey>()
  #fetchedAtMs: number | undefined
  #loading: Promise<void> | undefined

  constructor(options: OpenIdKeysOptions) {
    this.#options = options
  }

  async find(kid: string): Promise<SigningKey | undefined> {
    const now = this.#options.clock.nowMs()
    const age = this.#fetchedAtMs === undefined ? Infinity : now - this.#fetchedAtMs
    if (age >= (this.#options.maxAgeMs ?? 24 * 3600_000)) await this.#load()
    const known = this.#keys.get(kid)
    if (known) return known
    if (age >= (this.#options.minRefetchMs ?? 60_000)) {
      await this.#load()
      return this.#keys.get(kid)
    }
    return undefined
  }

  #load(): Promise<void> {
    this.#loading ??= this.#fetch().finally(() => {
      this.#loading = undefined
    })
    return this.#loading
  }

  async #fetch(): Promise<void> {
    const metadata = metadataSchema.safeParse(await this.#get(this.#options.openIdMetadataUrl))
    if (!metadata.success) throw new RemoteRejectedError('OpenID metadata has no jwks_uri')
    const jwks = jwksSchema.safeParse(await this.#get(metadata.data.jwks_uri))
    if (!jwks.success) throw new RemoteRejectedError('JWKS document is malformed')
    const keys = new Map<string, SigningKey>()
    for (const jwk of jwks.data.keys) {
      if (jwk.kty !== 'RSA') continue
      const { endorsements, ...material } = jwk
      const key = await importJWK({ ...(material as JWK), alg: 'RS256' }, 'RS256').catch(
        () => undefined,
      )
      if (key && !(key instanceof Uint8Array))
        keys.set(jwk.kid, { kid: jwk.kid, key, endorsements })
    }
    this.#keys = keys
    this.#fetchedAtMs = this.#options.clock.nowMs()
  }

  async #get(url: string): Promise<unknown> {
    const response = await this.#options.http.request({
      method: 'GET',
      url,
      rateKey: `openid:${new URL(url).host}`,
      idempotent: true,
      timeoutMs: 5_000,
      maxResponseBytes: 512 * 1024,
    })
    return response.json()
  }
}
