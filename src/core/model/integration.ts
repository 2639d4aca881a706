import type { AccountId } from './account.ts'
import type { IntegrationId } from './ids.ts'
import type { JsonObject } from './json.ts'

/**
 * Stable connector kinds, stored in the database: never rename one, add a new one instead.
 * A `channel` connector is the Microsoft side (where customers write); a `backend` connector is
 * the contact-center side (where agents answer).
 */
export type ConnectorKind = 'microsoft-teams' | 'microsoft-teams-bot' | 'genesys-open-messaging'

export const CONNECTOR_KINDS: readonly ConnectorKind[] = [
  'microsoft-teams',
  'microsoft-teams-bot',
  'genesys-open-messaging',
]

export type Side = 'channel' | 'backend'

/**
 * One configured account on a remote system. `settings` are validated by the connector's own
 * schema; secrets are not in `settings` but referenced by name and kept in the SecretSource.
 */
export interface Integration<Settings = JsonObject> {
  readonly id: IntegrationId
  readonly kind: ConnectorKind
  readonly name: string
  readonly settings: Settings
  readonly enabled: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
  /** The admin-API account that owns it; absent for operator records (file, sandbox). */
  readonly accountId?: AccountId
  readonly description?: string
  /** Free key-value labels (filterable in the API). */
  readonly meta?: IntegrationMeta
  /** The latest Setup (credential check) result. */
  readonly setup?: SetupState
}

export type IntegrationMeta = Readonly<Record<string, string>>

/** Most meta keys one integration holds. */
export const MAX_META_KEYS = 50

/** Why a credential check failed, for machines; `reason` says it for people. */
export type SetupProblem =
  | 'missing-credentials'
  | 'wrong-secret'
  | 'unknown-app'
  | 'wrong-tenant'
  | 'refused'
  | 'unreachable'
  | 'not-supported'

/** The outcome of one credential check. */
export type SetupResult =
  | { readonly status: 'ok' }
  | {
      readonly status: 'failed'
      readonly problem: SetupProblem
      /** What a person can do about it; never a secret, never a remote's raw text. */
      readonly reason: string
      /** The API field to fix, e.g. `settings.appSecret`. */
      readonly field?: string
    }

export type SetupState = SetupResult & { readonly checkedAt: Date }

/** The customer-chat route: a Teams (channel) integration paired with a backend integration. */
export interface Route {
  readonly id: string
  readonly channelIntegrationId: IntegrationId
  readonly backendIntegrationId: IntegrationId
  readonly policy: RoutePolicy
}

export interface RoutePolicy {
  /** After this much silence a new conversation starts (default 24 h). */
  readonly threadingWindowMs: number
  /** How a Teams quoted reply reaches the backend. */
  readonly replyQuote: 'quote' | 'strip'
}

export const defaultRoutePolicy: RoutePolicy = {
  threadingWindowMs: 24 * 60 * 60 * 1000,
  replyQuote: 'quote',
}
