import { type Selectable, sql } from 'kysely'

import { NotFoundError } from '../../../core/errors.ts'
import { accountId } from '../../../core/model/account.ts'
import { type IntegrationId, integrationId } from '../../../core/model/ids.ts'
import type {
  ConnectorKind,
  Integration,
  IntegrationMeta,
  SetupState,
} from '../../../core/model/integration.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import type { IntegrationRepository, NewIntegration } from '../../../core/ports/store.ts'
import type { Codec } from '../codec.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { IntegrationsTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'
import { keyset, toPage } from './keyset.ts'

type StoredSetup = Omit<SetupState, 'checkedAt'> & { checkedAt: string }

export function integrationRepository({
  db,
  codec,
  clock,
}: RepositoryContext): IntegrationRepository {
  const toIntegration = (row: Selectable<IntegrationsTable>): Integration => {
    const setup = row.setup === null ? undefined : codec.readJson<StoredSetup>(row.setup)
    return {
      id: integrationId(row.id),
      kind: row.kind as ConnectorKind,
      name: row.name,
      settings: codec.readJson<JsonObject>(row.settings),
      enabled: codec.readBool(row.enabled),
      createdAt: codec.readDate(row.created_at),
      updatedAt: codec.readDate(row.updated_at),
      ...(row.account_id !== null && { accountId: accountId(row.account_id) }),
      ...(row.description !== null && { description: row.description }),
      meta: row.meta === null ? {} : codec.readJson<IntegrationMeta>(row.meta),
      ...(setup && { setup: { ...setup, checkedAt: new Date(setup.checkedAt) } as SetupState }),
    }
  }
  const live = () => db.selectFrom('integrations').selectAll().where('deleted_at', 'is', null)

  return {
    async create(input: NewIntegration) {
      const now = codec.date(clock.now())
      const row = await mapConstraintErrors('integration', () =>
        db
          .insertInto('integrations')
          .values({
            id: input.id ?? crypto.randomUUID(),
            kind: input.kind,
            name: input.name,
            settings: codec.json(input.settings),
            enabled: codec.bool(input.enabled ?? true),
            created_at: now,
            updated_at: now,
            account_id: input.accountId ?? null,
            description: input.description ?? null,
            meta: codec.json(input.meta ?? {}),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toIntegration(row)
    },

    async get(id: IntegrationId) {
      const row = await live().where('id', '=', id).executeTakeFirst()
      return row && toIntegration(row)
    },

    async list() {
      const rows = await live().orderBy('created_at').orderBy('id').execute()
      return rows.map(toIntegration)
    },

    async page(account, query) {
      let q = live().where('account_id', '=', account)
      for (const [key, value] of Object.entries(query.meta ?? {})) {
        q = q.where(metaValue(codec, key), '=', value)
      }
      const rows = await keyset(q, query, codec).execute()
      return toPage(rows.map(toIntegration), query)
    },

    async update(id, patch) {
      const row = await db
        .updateTable('integrations')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.settings !== undefined && { settings: codec.json(patch.settings) }),
          ...(patch.enabled !== undefined && { enabled: codec.bool(patch.enabled) }),
          ...(patch.description !== undefined && { description: patch.description }),
          ...(patch.meta !== undefined && { meta: codec.json(patch.meta) }),
          ...(patch.accountId !== undefined && { account_id: patch.accountId }),
          ...(patch.setup !== undefined && {
            setup: codec.json({ ...patch.setup, checkedAt: patch.setup.checkedAt.toISOString() }),
          }),
          updated_at: codec.date(clock.now()),
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new NotFoundError('integration not found', { details: { id } })
      return toIntegration(row)
    },

    async delete(id) {
      await mapConstraintErrors('integration', () =>
        db.deleteFrom('integrations').where('id', '=', id).execute(),
      )
    },

    async markDeleted(id) {
      const now = codec.date(clock.now())
      await db
        .updateTable('integrations')
        .set({ deleted_at: now, updated_at: now, enabled: codec.bool(false) })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .execute()
    },
  }
}

/** The text value of one meta key: SQLite's json_extract, PostgreSQL's ->> on jsonb. */
function metaValue(codec: Codec, key: string) {
  return codec.dialect === 'sqlite'
    ? sql<string>`json_extract(meta, ${`$.${JSON.stringify(key)}`})`
    : sql<string>`meta ->> ${key}`
}
