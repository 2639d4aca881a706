import type { ColumnType } from 'kysely'

/**
 * Row shapes as Kysely sees them. Values differ by dialect (SQLite: ISO text, JSON text, 0/1;
 * PostgreSQL: Date, parsed jsonb, boolean), so columns accept both and `codec.ts` decodes.
 */
export type Timestamp = ColumnType<Date | string, Date | string, Date | string>
export type JsonColumn = ColumnType<unknown, string, string>
export type BoolColumn = ColumnType<boolean | number, boolean | number, boolean | number>

export interface IntegrationsTable {
  id: string
  kind: string
  name: string
  settings: JsonColumn
  enabled: BoolColumn
  created_at: Timestamp
  updated_at: Timestamp
  account_id: string | null
  description: string | null
  meta: JsonColumn | null
  setup: JsonColumn | null
  deleted_at: Timestamp | null
}

export interface AccountsTable {
  id: string
  name: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface ApiKeysTable {
  id: string
  account_id: string
  name: string
  secret_hash: string
  scopes: JsonColumn
  created_at: Timestamp
  last_used_at: Timestamp | null
  revoked_at: Timestamp | null
}

export interface ContactsTable {
  id: string
  integration_id: string
  tenant_id: string
  aad_object_id: string
  name: string | null
  upn: string | null
  email: string | null
  created_at: Timestamp
  updated_at: Timestamp
  last_seen_at: Timestamp
}

export interface IntegrationEventsTable {
  id: string
  integration_id: string
  type: string
  dedupe_key: string | null
  data: JsonColumn
  occurred_at: Timestamp
  created_at: Timestamp
}

export interface RoutesTable {
  id: string
  channel_integration_id: string
  backend_integration_id: string
  policy: JsonColumn
  created_at: Timestamp
}

export interface ConversationsTable {
  id: string
  route_id: string
  channel_kind: string
  channel_integration_id: string
  channel_key: string
  channel_data: JsonColumn
  backend_kind: string
  backend_integration_id: string
  backend_key: string
  backend_data: JsonColumn
  customer: JsonColumn
  opened_at: Timestamp
  last_activity_at: Timestamp
  closed_at: Timestamp | null
}

export interface MessagesTable {
  id: string
  conversation_id: string
  direction: string
  sender: JsonColumn
  idempotency_key: string
  source_message_id: string
  delivered_message_id: string | null
  state: string
  error: string | null
  text: string
  attachments: JsonColumn
  mentions: JsonColumn
  reply_to: JsonColumn | null
  occurred_at: Timestamp
  created_at: Timestamp
}

export interface SubscriptionsTable {
  id: string
  integration_id: string
  resource: string
  expires_at: Timestamp
  created_at: Timestamp
  updated_at: Timestamp
}

export interface StateTable {
  namespace: string
  key: string
  value: JsonColumn
  updated_at: Timestamp
}

export interface KvEntriesTable {
  key: string
  value: JsonColumn
  revision: string
  expires_at: Timestamp | null
  updated_at: Timestamp
}

export interface Database {
  accounts: AccountsTable
  api_keys: ApiKeysTable
  contacts: ContactsTable
  integration_events: IntegrationEventsTable
  integrations: IntegrationsTable
  routes: RoutesTable
  conversations: ConversationsTable
  messages: MessagesTable
  subscriptions: SubscriptionsTable
  state: StateTable
  kv_entries: KvEntriesTable
}
