import { ForbiddenError } from '../errors.ts'
import type { Brand } from './ids.ts'

export type AccountId = Brand<string, 'AccountId'>
export type ApiKeyId = Brand<string, 'ApiKeyId'>

export const accountId = (value: string) => value as AccountId
export const apiKeyId = (value: string) => value as ApiKeyId

/**
 * A tenant of the admin API: it owns integrations (and through them contacts and events).
 * Every API key belongs to exactly one account and sees nothing of another.
 */
export interface Account {
  readonly id: AccountId
  readonly name: string
  readonly createdAt: Date
  readonly updatedAt: Date
}

/**
 * What a key may do. `integrations:read` lists and fetches integrations; `integrations:write`
 * creates, updates, deletes them and runs Setup; `contacts:read` and `events:read` read an
 * integration's contacts and event log; `keys:write` lists, creates and revokes the account's
 * keys (never with more scopes than the caller's own); `jobs:admin` is the operator API for
 * parked queue lanes, which spans every account.
 */
export const API_SCOPES = [
  'integrations:read',
  'integrations:write',
  'contacts:read',
  'events:read',
  'keys:write',
  'jobs:admin',
] as const

export type ApiScope = (typeof API_SCOPES)[number]

/** Scopes a new account's first key gets unless others are asked for (not `jobs:admin`). */
export const DEFAULT_KEY_SCOPES: readonly ApiScope[] = API_SCOPES.filter((s) => s !== 'jobs:admin')

export const isApiScope = (value: string): value is ApiScope =>
  (API_SCOPES as readonly string[]).includes(value)

/** A stored API key: only a hash of its secret part is kept; the key itself is shown once. */
export interface ApiKey {
  readonly id: ApiKeyId
  readonly accountId: AccountId
  readonly name: string
  readonly scopes: readonly ApiScope[]
  /** Hex SHA-256 of the key's secret part. */
  readonly secretHash: string
  readonly createdAt: Date
  readonly lastUsedAt?: Date
  readonly revokedAt?: Date
}

/** Who is calling the admin API: a key of one account, with its scopes. */
export interface Principal {
  readonly accountId: AccountId
  readonly keyId: ApiKeyId
  readonly scopes: readonly ApiScope[]
}

/** Throws ForbiddenError (403) unless the principal holds the scope. */
export function requireScope(principal: Principal, scope: ApiScope): void {
  if (!principal.scopes.includes(scope)) {
    throw new ForbiddenError(`this API key lacks the ${scope} scope`, { details: { scope } })
  }
}
