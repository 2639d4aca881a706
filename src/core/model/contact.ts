import type { IntegrationId } from './ids.ts'
import type { JsonObject } from './json.ts'

/**
 * A person who talked to a bot integration (recorded when the integration collects contacts).
 * Identified by tenant and Entra object id; name, UPN and e-mail as Teams reported them last.
 */
export interface Contact {
  readonly id: string
  readonly integrationId: IntegrationId
  readonly tenantId: string
  readonly aadObjectId: string
  readonly name?: string
  readonly upn?: string
  readonly email?: string
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly lastSeenAt: Date
}

export type NewContact = Pick<
  Contact,
  'integrationId' | 'tenantId' | 'aadObjectId' | 'name' | 'upn' | 'email'
> & { readonly seenAt: Date }

/**
 * One entry of an integration's event log: Bot Framework `conversationUpdate` and
 * `installationUpdate` activities, Setup results. `data` holds the safe, structured part
 * (action, member ids, conversation id), never a secret or a message text.
 */
export interface IntegrationEvent {
  readonly id: string
  readonly integrationId: IntegrationId
  /** e.g. `conversationUpdate`, `installationUpdate`, `setup`. */
  readonly type: string
  /** Makes a redelivered activity count once (e.g. `activity:{id}`); absent: always recorded. */
  readonly dedupeKey?: string
  readonly data: JsonObject
  readonly occurredAt: Date
  readonly createdAt: Date
}

export type NewIntegrationEvent = Omit<IntegrationEvent, 'id' | 'createdAt'>
