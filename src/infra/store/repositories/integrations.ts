import type { Selectable } from 'kysely'

import { NotFoundError } from '../../../core/errors.ts'
import { type IntegrationId, integrationId } from '../../../core/model/ids.ts'
import type { ConnectorKind, Integration } from '../../../core/model/integration.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import type { IntegrationRepository, NewIntegration } from '../../../core/ports/store.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { IntegrationsTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export function integrationRepository({
  db,
  codec,
  clock,
}: RepositoryContext): IntegrationRepository {
  const toIntegration = (row: Selectable<IntegrationsTable>): Integration => ({
    id: integrationId(row.id),
    kind: row.kind as ConnectorKind,
    name: row.name,
    settings: codec.readJson<JsonObject>(row.settings),
    enabled: codec.readBool(row.enabled),
    createdAt: codec.readDate(row.created_at),
    updatedAt: codec.readDate(row.updated_at),
  })

  const get = async (id: IntegrationId) => {
    const row = await db
      .selectFrom('integrations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toIntegration(row)
  }

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
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toIntegration(row)
    },

    get,

    async list() {
      const rows = await db
        .selectFrom('integrations')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toIntegration)
    },

    async update(id, patch) {
      const row = await db
        .updateTable('integrations')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.settings !== undefined && { settings: codec.json(patch.settings) }),
          ...(patch.enabled !== undefined && { enabled: codec.bool(patch.enabled) }),
          updated_at: codec.date(clock.now()),
        })
        .where('id', '=', id)
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
  }
}
