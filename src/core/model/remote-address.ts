import type { IntegrationId } from './ids.ts'
import type { ConnectorKind } from './integration.ts'
import type { JsonValue } from './json.ts'

/** Opaque outside its connector: core stores and compares it, never parses `data`. */
export interface RemoteAddress {
  readonly kind: ConnectorKind
  readonly integrationId: IntegrationId
  /** Stable key for lookups, e.g. a Teams chat id or a Genesys customer (from.id). */
  readonly key: string
  /** What is needed to reach it later, e.g. a Bot Framework ConversationReference. */
  readonly data: JsonValue
}
