import { type Kysely, type RawBuilder, sql } from 'kysely'
import { describe, expect, it } from 'vitest'

import { connect } from './connect.ts'
import { migrateToLatest } from './migrate.ts'

describe('store query plans (SQLite)', () => {
  it('looks messages and conversations up by index, without a sort', async () => {
    const { db, dialect } = connect('sqlite::memory:')
    try {
      await migrateToLatest(db as Kysely<unknown>, dialect)
      // Bound parameters, as messages.ts sends them: `= ?` implies the partial index's
      // IS NOT NULL whatever the value (https://www.sqlite.org/partialindex.html).
      const plan = async (query: RawBuilder<unknown>) => {
        const { rows } = await sql`EXPLAIN QUERY PLAN ${query}`.execute(db)
        return (rows as Array<{ detail: string }>).map((row) => row.detail).join('; ')
      }
      expect(
        await plan(
          sql`SELECT * FROM messages WHERE conversation_id = ${'c'} AND delivered_message_id = ${'d'}`,
        ),
      ).toMatch(
        /USING INDEX messages_delivered_id \(conversation_id=\? AND delivered_message_id=\?\)/,
      )
      expect(
        await plan(
          sql`SELECT * FROM messages WHERE conversation_id = ${'c'} AND source_message_id = ${'s'}`,
        ),
      ).toMatch(/USING INDEX messages_conversation \(conversation_id=\?\)/)
      // The newest conversation of a key: an index search in the index's order, no sort.
      const newest = await plan(
        sql`SELECT * FROM conversations WHERE route_id = ${'r'} AND channel_key = ${'k'} ORDER BY opened_at DESC LIMIT 1`,
      )
      expect(newest).toMatch(/USING INDEX conversations_channel_key/)
      expect(newest).not.toMatch(/TEMP B-TREE/)
      const indexes = await sql<{ name: string; partial: number }>`
        SELECT name, partial FROM pragma_index_list('messages')`.execute(db)
      expect(indexes.rows.find((row) => row.name === 'messages_delivered_id')?.partial).toBe(1)
    } finally {
      await db.destroy()
    }
  })
})
