import { randomUUID } from 'node:crypto'

import type { ExpressionBuilder, OnConflictBuilder } from 'kysely'

import type { JsonValue } from '../../../core/model/json.ts'
import type { KeyValueStore, KeyValueWriteOptions } from '../../../core/ports/key-value.ts'
import type { Database } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export type SqlKeyValueStore = KeyValueStore & {
  /** Deletes up to `limit` rows that expired (they already read as absent); returns how many. */
  purgeExpired(limit: number): Promise<number>
}

/**
 * The key-value port on the store's database (`kv_entries`), for the embedded deployment. Time
 * is the store's clock. Compare-and-set is one conditional statement, so it holds across
 * processes sharing a PostgreSQL database too.
 */
export function keyValueRepository({ db, codec, clock }: RepositoryContext): SqlKeyValueStore {
  const now = () => codec.date(clock.now())
  const live = (eb: ExpressionBuilder<Database, 'kv_entries'>) =>
    eb.or([eb('kv_entries.expires_at', 'is', null), eb('kv_entries.expires_at', '>', now())])
  const row = (key: string, value: JsonValue, options: KeyValueWriteOptions | undefined) => ({
    key,
    value: codec.json(value),
    revision: randomUUID(),
    expires_at:
      options?.ttlMs === undefined
        ? null
        : codec.date(new Date(clock.nowMs() + Math.ceil(options.ttlMs))),
    updated_at: now(),
  })
  return {
    async get<T extends JsonValue = JsonValue>(key: string) {
      const found = await db
        .selectFrom('kv_entries')
        .select(['value', 'revision'])
        .where('key', '=', key)
        .where(live)
        .executeTakeFirst()
      return found && { value: codec.readJson<T>(found.value), revision: found.revision }
    },

    async set(key, value, options) {
      await db
        .insertInto('kv_entries')
        .values(row(key, value, options))
        .onConflict(overwrite)
        .execute()
    },

    async compareAndSet(key, expected, value, options) {
      if (expected === undefined) {
        // Inserts, or takes over a row that expired but was not purged yet.
        const result = await db
          .insertInto('kv_entries')
          .values(row(key, value, options))
          .onConflict((oc) => overwrite(oc).where('kv_entries.expires_at', '<=', now()))
          .executeTakeFirst()
        return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
      }
      const { key: _key, ...fields } = row(key, value, options)
      const result = await db
        .updateTable('kv_entries')
        .set(fields)
        .where('key', '=', key)
        .where('revision', '=', expected)
        .where(live)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    async delete(key) {
      await db.deleteFrom('kv_entries').where('key', '=', key).execute()
    },

    async purgeExpired(limit) {
      const result = await db
        .deleteFrom('kv_entries')
        .where('key', 'in', (eb) =>
          eb.selectFrom('kv_entries').select('key').where('expires_at', '<=', now()).limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

/** On a taken key, every column takes the value of the row that was to be inserted. */
const overwrite = (oc: OnConflictBuilder<Database, 'kv_entries'>) =>
  oc.column('key').doUpdateSet((eb) => ({
    value: eb.ref('excluded.value'),
    revision: eb.ref('excluded.revision'),
    expires_at: eb.ref('excluded.expires_at'),
    updated_at: eb.ref('excluded.updated_at'),
  }))
