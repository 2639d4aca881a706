import type { Kysely } from 'kysely'

import type { ColumnTypes } from './column-types.ts'

// The embedded deployment's key-value store (sessions, caches; Redis in the scaled one). Rows
// past expires_at read as absent and are purged now and then; NULL never expires.
export async function up(db: Kysely<unknown>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('kv_entries')
    .addColumn('key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('value', t.json, (c) => c.notNull())
    .addColumn('revision', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp)
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('kv_entries_expires_at')
    .on('kv_entries')
    .column('expires_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('kv_entries').execute()
}
