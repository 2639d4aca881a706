import { type Kysely, sql } from 'kysely'

// Fewer B-trees to write per stored message (every index is one more page to change and log on
// each insert; docs/benchmarks.md, "2026-11-22, sixth session"):
// - messages_source_id goes. `bySourceId` finds its conversation's rows through
//   messages_conversation (same leading column) and filters those; no flow calls it per message.
// - messages_delivered_id holds only rows that have a delivered id. A message is inserted before
//   it is sent, without one, so the insert no longer touches this index; the lookup by
//   `delivered_message_id = ?` implies IS NOT NULL, so SQLite and PostgreSQL still use it
//   (https://www.sqlite.org/partialindex.html, "Queries Using Partial Indexes").
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_source_id').execute()
  await db.schema.dropIndex('messages_delivered_id').execute()
  await db.schema
    .createIndex('messages_delivered_id')
    .on('messages')
    .columns(['conversation_id', 'delivered_message_id'])
    .where(sql.ref('delivered_message_id'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_delivered_id').execute()
  for (const [name, column] of [
    ['messages_delivered_id', 'delivered_message_id'],
    ['messages_source_id', 'source_message_id'],
  ] as const) {
    await db.schema.createIndex(name).on('messages').columns(['conversation_id', column]).execute()
  }
}
