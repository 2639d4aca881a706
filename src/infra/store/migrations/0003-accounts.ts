import type { Kysely } from 'kysely'

import type { ColumnTypes } from './column-types.ts'

// Accounts of the admin API, their keys, the account and management columns of integrations,
// and what bot integrations record: contacts and an event log. Integrations are deleted softly
// (`deleted_at`) so contacts, events and conversations keep their integration row.
// SQLite adds one column per ALTER TABLE and cannot drop a column that is part of a foreign
// key, so `integrations.account_id` has none (accounts are never deleted); the new integration
// columns are nullable, which SQLite requires of added columns without a default.
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('account_id', 'text', (c) =>
      c.notNull().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('scopes', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_used_at', t.timestamp)
    .addColumn('revoked_at', t.timestamp)
    .execute()
  await index(db, 'api_keys_account', 'api_keys', ['account_id', 'created_at'])

  await db.schema.alterTable('integrations').addColumn('account_id', 'text').execute()
  await db.schema.alterTable('integrations').addColumn('description', 'text').execute()
  await db.schema.alterTable('integrations').addColumn('meta', t.json).execute()
  await db.schema.alterTable('integrations').addColumn('setup', t.json).execute()
  await db.schema.alterTable('integrations').addColumn('deleted_at', t.timestamp).execute()
  // An account's page of integrations: equality on the account, keyset on (created_at, id).
  await index(db, 'integrations_account', 'integrations', ['account_id', 'created_at', 'id'])

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('aad_object_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('upn', 'text')
    .addColumn('email', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
    .execute()
  // upsert relies on this unique index (ON CONFLICT).
  await db.schema
    .createIndex('contacts_identity')
    .unique()
    .on('contacts')
    .columns(['integration_id', 'tenant_id', 'aad_object_id'])
    .execute()
  await index(db, 'contacts_integration', 'contacts', ['integration_id', 'created_at', 'id'])

  await db.schema
    .createTable('integration_events')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull().references('integrations.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('data', t.json, (c) => c.notNull())
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute()
  // NULL dedupe keys never collide (both dialects treat NULLs as distinct in unique indexes).
  await db.schema
    .createIndex('integration_events_dedupe')
    .unique()
    .on('integration_events')
    .columns(['integration_id', 'dedupe_key'])
    .execute()
  await index(db, 'integration_events_integration', 'integration_events', [
    'integration_id',
    'created_at',
    'id',
  ])
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('integration_events').execute()
  await db.schema.dropTable('contacts').execute()
  await db.schema.dropIndex('integrations_account').execute()
  for (const column of ['deleted_at', 'setup', 'meta', 'description', 'account_id']) {
    await db.schema.alterTable('integrations').dropColumn(column).execute()
  }
  await db.schema.dropTable('api_keys').execute()
  await db.schema.dropTable('accounts').execute()
}

function index(db: Kysely<unknown>, name: string, table: string, columns: string[]) {
  return db.schema.createIndex(name).on(table).columns(columns).execute()
}
