import type { IntegrationId } from './ids.ts'
import type { JsonObject } from './json.ts'

/**
 * Stable connector kinds, stored in the database: never rename one, add a new one instead.
 * A `channel` connector is the Microsoft side (where customers write); a `backend` connector is
 * the contact-center side (where agents answer).
 */
export type ConnectorKind = 'microsoft-teams' | 'genesys-open-messaging'

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
}

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
