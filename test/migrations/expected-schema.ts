/**
 * The schema the store expects once every migration has run, in dialect-neutral terms. When a
 * migration changes the schema, change this snapshot in the same commit.
 */
export type LogicalType = 'text' | 'timestamp' | 'json' | 'bool'

export interface ExpectedTable {
  readonly columns: Readonly<Record<string, { type: LogicalType; nullable: boolean }>>
  readonly primaryKey: readonly string[]
  /** `column -> table.column on delete ACTION` */
  readonly foreignKeys: readonly string[]
  readonly indexes: Readonly<Record<string, { columns: readonly string[]; unique: boolean }>>
}

const text = { type: 'text', nullable: false } as const
const optionalText = { type: 'text', nullable: true } as const
const timestamp = { type: 'timestamp', nullable: false } as const
const json = { type: 'json', nullable: false } as const

export const expectedSchema: Readonly<Record<string, ExpectedTable>> = {
  integrations: {
    columns: {
      id: text,
      kind: text,
      name: text,
      settings: json,
      enabled: { type: 'bool', nullable: false },
      created_at: timestamp,
      updated_at: timestamp,
      account_id: optionalText,
      description: optionalText,
      meta: { type: 'json', nullable: true },
      setup: { type: 'json', nullable: true },
      deleted_at: { type: 'timestamp', nullable: true },
    },
    primaryKey: ['id'],
    foreignKeys: [],
    indexes: {
      integrations_account: { columns: ['account_id', 'created_at', 'id'], unique: false },
    },
  },
  accounts: {
    columns: { id: text, name: text, created_at: timestamp, updated_at: timestamp },
    primaryKey: ['id'],
    foreignKeys: [],
    indexes: {},
  },
  api_keys: {
    columns: {
      id: text,
      account_id: text,
      name: text,
      secret_hash: text,
      scopes: json,
      created_at: timestamp,
      last_used_at: { type: 'timestamp', nullable: true },
      revoked_at: { type: 'timestamp', nullable: true },
    },
    primaryKey: ['id'],
    foreignKeys: ['account_id -> accounts.id on delete CASCADE'],
    indexes: { api_keys_account: { columns: ['account_id', 'created_at'], unique: false } },
  },
  contacts: {
    columns: {
      id: text,
      integration_id: text,
      tenant_id: text,
      aad_object_id: text,
      name: optionalText,
      upn: optionalText,
      email: optionalText,
      created_at: timestamp,
      updated_at: timestamp,
      last_seen_at: timestamp,
    },
    primaryKey: ['id'],
    foreignKeys: ['integration_id -> integrations.id on delete NO ACTION'],
    indexes: {
      contacts_identity: {
        columns: ['integration_id', 'tenant_id', 'aad_object_id'],
        unique: true,
      },
      contacts_integration: { columns: ['integration_id', 'created_at', 'id'], unique: false },
    },
  },
  integration_events: {
    columns: {
      id: text,
      integration_id: text,
      type: text,
      dedupe_key: optionalText,
      data: json,
      occurred_at: timestamp,
      created_at: timestamp,
    },
    primaryKey: ['id'],
    foreignKeys: ['integration_id -> integrations.id on delete NO ACTION'],
    indexes: {
      integration_events_created_at: { columns: ['created_at'], unique: false },
      integration_events_dedupe: { columns: ['integration_id', 'dedupe_key'], unique: true },
      integration_events_integration: {
        columns: ['integration_id', 'created_at', 'id'],
        unique: false,
      },
    },
  },
  routes: {
    columns: {
      id: text,
      channel_integration_id: text,
      backend_integration_id: text,
      policy: json,
      created_at: timestamp,
    },
    primaryKey: ['id'],
    foreignKeys: [
      'backend_integration_id -> integrations.id on delete NO ACTION',
      'channel_integration_id -> integrations.id on delete NO ACTION',
    ],
    indexes: {
      routes_backend_integration: { columns: ['backend_integration_id'], unique: false },
      routes_channel_integration: { columns: ['channel_integration_id'], unique: false },
    },
  },
  conversations: {
    columns: {
      id: text,
      route_id: text,
      channel_kind: text,
      channel_integration_id: text,
      channel_key: text,
      channel_data: json,
      backend_kind: text,
      backend_integration_id: text,
      backend_key: text,
      backend_data: json,
      customer: json,
      opened_at: timestamp,
      last_activity_at: timestamp,
      closed_at: { type: 'timestamp', nullable: true },
    },
    primaryKey: ['id'],
    foreignKeys: ['route_id -> routes.id on delete NO ACTION'],
    indexes: {
      conversations_backend_key: {
        columns: ['backend_integration_id', 'backend_key', 'opened_at'],
        unique: false,
      },
      conversations_channel_key: {
        columns: ['route_id', 'channel_key', 'opened_at'],
        unique: false,
      },
      conversations_last_activity: { columns: ['last_activity_at'], unique: false },
    },
  },
  messages: {
    columns: {
      id: text,
      conversation_id: text,
      direction: text,
      sender: json,
      idempotency_key: text,
      source_message_id: text,
      delivered_message_id: optionalText,
      state: text,
      error: optionalText,
      text: text,
      attachments: json,
      mentions: json,
      reply_to: { type: 'json', nullable: true },
      occurred_at: timestamp,
      created_at: timestamp,
    },
    primaryKey: ['id'],
    foreignKeys: ['conversation_id -> conversations.id on delete NO ACTION'],
    indexes: {
      messages_conversation: { columns: ['conversation_id', 'occurred_at'], unique: false },
      messages_delivered_id: {
        columns: ['conversation_id', 'delivered_message_id'],
        unique: false,
      },
      messages_idempotency_key: { columns: ['idempotency_key'], unique: true },
    },
  },
  subscriptions: {
    columns: {
      id: text,
      integration_id: text,
      resource: text,
      expires_at: timestamp,
      created_at: timestamp,
      updated_at: timestamp,
    },
    primaryKey: ['id'],
    foreignKeys: ['integration_id -> integrations.id on delete CASCADE'],
    indexes: {
      subscriptions_expires_at: { columns: ['expires_at'], unique: false },
      subscriptions_resource: { columns: ['integration_id', 'resource'], unique: false },
    },
  },
  state: {
    columns: { namespace: text, key: text, value: json, updated_at: timestamp },
    primaryKey: ['namespace', 'key'],
    foreignKeys: [],
    indexes: { state_updated_at: { columns: ['namespace', 'updated_at'], unique: false } },
  },
  kv_entries: {
    columns: {
      key: text,
      value: json,
      revision: text,
      expires_at: { type: 'timestamp', nullable: true },
      updated_at: timestamp,
    },
    primaryKey: ['key'],
    foreignKeys: [],
    indexes: { kv_entries_expires_at: { columns: ['expires_at'], unique: false } },
  },
}
