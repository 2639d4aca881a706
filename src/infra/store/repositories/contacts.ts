import type { Selectable } from 'kysely'

import type { Contact, IntegrationEvent } from '../../../core/model/contact.ts'
import { integrationId } from '../../../core/model/ids.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import type { ContactRepository, IntegrationEventRepository } from '../../../core/ports/store.ts'
import { uuidV7 } from '../../ids/uuid-v7.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { ContactsTable, IntegrationEventsTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'
import { keyset, toPage } from './keyset.ts'

export function contactRepository({ db, codec, clock }: RepositoryContext): ContactRepository {
  const toContact = (row: Selectable<ContactsTable>): Contact => ({
    id: row.id,
    integrationId: integrationId(row.integration_id),
    tenantId: row.tenant_id,
    aadObjectId: row.aad_object_id,
    ...(row.name !== null && { name: row.name }),
    ...(row.upn !== null && { upn: row.upn }),
    ...(row.email !== null && { email: row.email }),
    createdAt: codec.readDate(row.created_at),
    updatedAt: codec.readDate(row.updated_at),
    lastSeenAt: codec.readDate(row.last_seen_at),
  })
  return {
    async upsert(contact) {
      const now = codec.date(clock.now())
      const row = await mapConstraintErrors('contact', () =>
        db
          .insertInto('contacts')
          .values({
            id: uuidV7(clock.nowMs()),
            integration_id: contact.integrationId,
            tenant_id: contact.tenantId,
            aad_object_id: contact.aadObjectId,
            name: contact.name ?? null,
            upn: contact.upn ?? null,
            email: contact.email ?? null,
            created_at: now,
            updated_at: now,
            last_seen_at: codec.date(contact.seenAt),
          })
          .onConflict((oc) =>
            oc.columns(['integration_id', 'tenant_id', 'aad_object_id']).doUpdateSet((eb) => ({
              // A field Teams did not send this time keeps what was known.
              name: eb.fn.coalesce('excluded.name', 'contacts.name'),
              upn: eb.fn.coalesce('excluded.upn', 'contacts.upn'),
              email: eb.fn.coalesce('excluded.email', 'contacts.email'),
              updated_at: eb.ref('excluded.updated_at'),
              last_seen_at: eb.ref('excluded.last_seen_at'),
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toContact(row)
    },
    async page(integration, query) {
      const q = db.selectFrom('contacts').selectAll().where('integration_id', '=', integration)
      const rows = await keyset(q, query, codec).execute()
      return toPage(rows.map(toContact), query)
    },
  }
}

export function integrationEventRepository({
  db,
  codec,
  clock,
}: RepositoryContext): IntegrationEventRepository {
  const toEvent = (row: Selectable<IntegrationEventsTable>): IntegrationEvent => ({
    id: row.id,
    integrationId: integrationId(row.integration_id),
    type: row.type,
    ...(row.dedupe_key !== null && { dedupeKey: row.dedupe_key }),
    data: codec.readJson<JsonObject>(row.data),
    occurredAt: codec.readDate(row.occurred_at),
    createdAt: codec.readDate(row.created_at),
  })
  return {
    async append(event) {
      const inserted = await mapConstraintErrors('integration event', () =>
        db
          .insertInto('integration_events')
          .values({
            id: uuidV7(clock.nowMs()),
            integration_id: event.integrationId,
            type: event.type,
            dedupe_key: event.dedupeKey ?? null,
            data: codec.json(event.data),
            occurred_at: codec.date(event.occurredAt),
            created_at: codec.date(clock.now()),
          })
          .onConflict((oc) => oc.columns(['integration_id', 'dedupe_key']).doNothing())
          .returningAll()
          .executeTakeFirst(),
      )
      if (inserted) return { inserted: true, event: toEvent(inserted) }
      const existing = await db
        .selectFrom('integration_events')
        .selectAll()
        .where('integration_id', '=', event.integrationId)
        .where('dedupe_key', '=', event.dedupeKey ?? '')
        .executeTakeFirstOrThrow()
      return { inserted: false, event: toEvent(existing) }
    },
    async page(integration, query) {
      const q = db
        .selectFrom('integration_events')
        .selectAll()
        .where('integration_id', '=', integration)
      const rows = await keyset(q, query, codec).execute()
      return toPage(rows.map(toEvent), query)
    },
    async purgeBefore(cutoff, limit) {
      const result = await db
        .deleteFrom('integration_events')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('integration_events')
            .select('id')
            .where('created_at', '<', codec.date(cutoff))
            .limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
