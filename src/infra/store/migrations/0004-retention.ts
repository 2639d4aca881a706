import type { Kysely } from 'kysely'

// What the retention job deletes, found by a range scan: idle conversations, old integration
// events, and the per-message state of one namespace last written long ago.
export async function up(db: Kysely<unknown>): Promise<void> {
  await index(db, 'conversations_last_activity', 'conversations', ['last_activity_at'])
  await index(db, 'integration_events_created_at', 'integration_events', ['created_at'])
  await index(db, 'state_updated_at', 'state', ['namespace', 'updated_at'])
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'state_updated_at',
    'integration_events_created_at',
    'conversations_last_activity',
  ]) {
    await db.schema.dropIndex(name).execute()
  }
}

function index(db: Kysely<unknown>, name: string, table: string, columns: string[]) {
  return db.schema.createIndex(name).on(table).columns(columns).execute()
}
