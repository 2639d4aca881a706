import type { JsonValue } from '../../../core/model/json.ts'
import type { StateRepository } from '../../../core/ports/store.ts'
import type { RepositoryContext } from './context.ts'

export function stateRepository({ db, codec, clock }: RepositoryContext): StateRepository {
  return {
    async get<T extends JsonValue = JsonValue>(namespace: string, key: string) {
      const row = await db
        .selectFrom('state')
        .select('value')
        .where('namespace', '=', namespace)
        .where('key', '=', key)
        .executeTakeFirst()
      return row && codec.readJson<T>(row.value)
    },

    async put(namespace, key, value) {
      const updatedAt = codec.date(clock.now())
      await db
        .insertInto('state')
        .values({ namespace, key, value: codec.json(value), updated_at: updatedAt })
        .onConflict((oc) =>
          oc.columns(['namespace', 'key']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute()
    },

    async delete(namespace, key) {
      await db
        .deleteFrom('state')
        .where('namespace', '=', namespace)
        .where('key', '=', key)
        .execute()
    },

    async list<T extends JsonValue = JsonValue>(namespace: string) {
      const rows = await db
        .selectFrom('state')
        .select(['key', 'value'])
        .where('namespace', '=', namespace)
        .orderBy('key')
        .execute()
      return rows.map((row) => ({ key: row.key, value: codec.readJson<T>(row.value) }))
    },

    async purgeBefore(namespace, cutoff, limit) {
      const result = await db
        .deleteFrom('state')
        .where('namespace', '=', namespace)
        .where('key', 'in', (eb) =>
          eb
            .selectFrom('state')
            .select('key')
            .where('namespace', '=', namespace)
            .where('updated_at', '<', codec.date(cutoff))
            .limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
