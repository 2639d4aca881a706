import type { Selectable } from 'kysely'

import { integrationId } from '../../../core/model/ids.ts'
import type { Subscription, SubscriptionRepository } from '../../../core/ports/store.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { SubscriptionsTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export function subscriptionRepository({
  db,
  codec,
  clock,
}: RepositoryContext): SubscriptionRepository {
  const toSubscription = (row: Selectable<SubscriptionsTable>): Subscription => ({
    id: row.id,
    integrationId: integrationId(row.integration_id),
    resource: row.resource,
    expiresAt: codec.readDate(row.expires_at),
    createdAt: codec.readDate(row.created_at),
    updatedAt: codec.readDate(row.updated_at),
  })
  const soonestFirst = () =>
    db.selectFrom('subscriptions').selectAll().orderBy('expires_at').orderBy('id')

  return {
    async upsert(sub) {
      const now = codec.date(clock.now())
      const row = await mapConstraintErrors('subscription', () =>
        db
          .insertInto('subscriptions')
          .values({
            id: sub.id,
            integration_id: sub.integrationId,
            resource: sub.resource,
            expires_at: codec.date(sub.expiresAt),
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              integration_id: eb.ref('excluded.integration_id'),
              resource: eb.ref('excluded.resource'),
              expires_at: eb.ref('excluded.expires_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toSubscription(row)
    },

    async get(id) {
      const row = await db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toSubscription(row)
    },

    // Should two remote subscriptions watch one resource, the one that lives longest answers.
    async byResource(integration, resource) {
      const row = await db
        .selectFrom('subscriptions')
        .selectAll()
        .where('integration_id', '=', integration)
        .where('resource', '=', resource)
        .orderBy('expires_at', 'desc')
        .limit(1)
        .executeTakeFirst()
      return row && toSubscription(row)
    },

    async list(integration) {
      const query =
        integration === undefined
          ? soonestFirst()
          : soonestFirst().where('integration_id', '=', integration)
      return (await query.execute()).map(toSubscription)
    },

    async expiringBefore(before) {
      const rows = await soonestFirst().where('expires_at', '<', codec.date(before)).execute()
      return rows.map(toSubscription)
    },

    async delete(id) {
      await db.deleteFrom('subscriptions').where('id', '=', id).execute()
    },
  }
}
