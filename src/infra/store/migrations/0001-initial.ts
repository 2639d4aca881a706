import type { Kysely } from 'kysely'

import type { ColumnTypes } from './column-types.ts'

// Foreign keys: a route keeps its integrations, a conversation its route and a message its
// conversation, so deleting an integration in use is a conflict; remote subscriptions die with
// their integration. NO ACTION rather than RESTRICT: SQLite reports RESTRICT as a trigger error
// (SQLITE_CONSTRAINT_TRIGGER) and NO ACTION as SQLITE_CONSTRAINT_FOREIGNKEY.
// SQLite lets a non-INTEGER primary key hold NULL (a legacy quirk): ids say NOT NULL explicitly.
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', t.json, (c) => c.notNull())
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('routes')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('channel_integration_id', 'text', (c) => c.notNull().references('integrations.id'))
    .addColumn('backend_integration_id', 'text', (c) => c.notNull().references('integrations.id'))
    .addColumn('policy', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute()
  await index(db, 'routes_channel_integration', 'routes', ['channel_integration_id'])
  await index(db, 'routes_backend_integration', 'routes', ['backend_integration_id'])

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('route_id', 'text', (c) => c.notNull().references('routes.id'))
    .addColumn('channel_kind', 'text', (c) => c.notNull())
    .addColumn('channel_integration_id', 'text', (c) => c.notNull())
    .addColumn('channel_key', 'text', (c) => c.notNull())
    .addColumn('channel_data', t.json, (c) => c.notNull())
    .addColumn('backend_kind', 'text', (c) => c.notNull())
    .addColumn('backend_integration_id', 'text', (c) => c.notNull())
    .addColumn('backend_key', 'text', (c) => c.notNull())
    .addColumn('backend_data', t.json, (c) => c.notNull())
    .addColumn('customer', t.json, (c) => c.notNull())
    .addColumn('opened_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_activity_at', t.timestamp, (c) => c.notNull())
    .addColumn('closed_at', t.timestamp)
    .execute()
  // latestByChannelKey / latestByBackendKey: equality prefix, newest by opened_at.
  await index(db, 'conversations_channel_key', 'conversations', [
    'route_id',
    'channel_key',
    'opened_at',
  ])
  await index(db, 'conversations_backend_key', 'conversations', [
    'backend_integration_id',
    'backend_key',
    'opened_at',
  ])

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('sender', t.json, (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('source_message_id', 'text', (c) => c.notNull())
    .addColumn('delivered_message_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('attachments', t.json, (c) => c.notNull())
    .addColumn('mentions', t.json, (c) => c.notNull())
    .addColumn('reply_to', t.json)
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute()
  // insertIfAbsent relies on this unique index (ON CONFLICT DO NOTHING).
  await db.schema
    .createIndex('messages_idempotency_key')
    .unique()
    .on('messages')
    .column('idempotency_key')
    .execute()
  await index(db, 'messages_conversation', 'messages', ['conversation_id', 'occurred_at'])
  await index(db, 'messages_delivered_id', 'messages', ['conversation_id', 'delivered_message_id'])
  await index(db, 'messages_source_id', 'messages', ['conversation_id', 'source_message_id'])

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('integration_id', 'text', (c) =>
      c.notNull().references('integrations.id').onDelete('cascade'),
    )
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute()
  await index(db, 'subscriptions_resource', 'subscriptions', ['integration_id', 'resource'])
  await index(db, 'subscriptions_expires_at', 'subscriptions', ['expires_at'])

  await db.schema
    .createTable('state')
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('state_pkey', ['namespace', 'key'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['state', 'subscriptions', 'messages', 'conversations', 'routes']) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.dropTable('integrations').execute()
}

function index(db: Kysely<unknown>, name: string, table: string, columns: string[]) {
  return db.schema.createIndex(name).on(table).columns(columns).execute()
}
