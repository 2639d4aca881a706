import type { Selectable } from 'kysely'

import { NotFoundError } from '../../../core/errors.ts'
import { integrationId } from '../../../core/model/ids.ts'
import type { Route, RoutePolicy } from '../../../core/model/integration.ts'
import type { RouteRepository } from '../../../core/ports/store.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { RoutesTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export function routeRepository({ db, codec, clock }: RepositoryContext): RouteRepository {
  const toRoute = (row: Selectable<RoutesTable>): Route => ({
    id: row.id,
    channelIntegrationId: integrationId(row.channel_integration_id),
    backendIntegrationId: integrationId(row.backend_integration_id),
    policy: codec.readJson<RoutePolicy>(row.policy),
  })
  const selectRoutes = () => db.selectFrom('routes').selectAll().orderBy('created_at').orderBy('id')

  return {
    async create(input) {
      const row = await mapConstraintErrors('route', () =>
        db
          .insertInto('routes')
          .values({
            id: input.id ?? crypto.randomUUID(),
            channel_integration_id: input.channelIntegrationId,
            backend_integration_id: input.backendIntegrationId,
            policy: codec.json(input.policy),
            created_at: codec.date(clock.now()),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toRoute(row)
    },

    async get(id) {
      const row = await db.selectFrom('routes').selectAll().where('id', '=', id).executeTakeFirst()
      return row && toRoute(row)
    },

    async list() {
      return (await selectRoutes().execute()).map(toRoute)
    },

    async byChannelIntegration(id) {
      return (await selectRoutes().where('channel_integration_id', '=', id).execute()).map(toRoute)
    },

    async byBackendIntegration(id) {
      return (await selectRoutes().where('backend_integration_id', '=', id).execute()).map(toRoute)
    },

    async updatePolicy(id, policy) {
      const row = await db
        .updateTable('routes')
        .set({ policy: codec.json(policy) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst()
      if (!row) throw new NotFoundError('route not found', { details: { id } })
      return toRoute(row)
    },
  }
}
