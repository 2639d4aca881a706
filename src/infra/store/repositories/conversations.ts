import type { ExpressionBuilder, Selectable } from 'kysely'

import { NotFoundError } from '../../../core/errors.ts'
import type { Conversation } from '../../../core/model/conversation.ts'
import { type ConversationId, conversationId, integrationId } from '../../../core/model/ids.ts'
import type { ConnectorKind } from '../../../core/model/integration.ts'
import type { Participant } from '../../../core/model/participant.ts'
import type { ConversationRepository } from '../../../core/ports/store.ts'
import type { Codec } from '../codec.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { ConversationsTable, Database } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export function conversationRepository({ db, codec }: RepositoryContext): ConversationRepository {
  const toConversation = (row: Selectable<ConversationsTable>): Conversation => ({
    id: conversationId(row.id),
    routeId: row.route_id,
    channel: {
      kind: row.channel_kind as ConnectorKind,
      integrationId: integrationId(row.channel_integration_id),
      key: row.channel_key,
      data: codec.readJson(row.channel_data),
    },
    backend: {
      kind: row.backend_kind as ConnectorKind,
      integrationId: integrationId(row.backend_integration_id),
      key: row.backend_key,
      data: codec.readJson(row.backend_data),
    },
    customer: codec.readJson<Participant>(row.customer),
    openedAt: codec.readDate(row.opened_at),
    lastActivityAt: codec.readDate(row.last_activity_at),
    ...(row.closed_at !== null && { closedAt: codec.readDate(row.closed_at) }),
  })
  /** The newest conversation matching an indexed (owner, key) pair. */
  const newest = async (
    owner: ['route_id' | 'backend_integration_id', string],
    key: ['channel_key' | 'backend_key', string],
  ) => {
    const row = await db
      .selectFrom('conversations')
      .selectAll()
      .where(owner[0], '=', owner[1])
      .where(key[0], '=', key[1])
      // The index's own order, so no sort runs per lookup (a second ORDER BY term made SQLite
      // build a temporary B-tree for every event). Two conversations of one key never open in
      // the same millisecond: they are made in that key's lane, one at a time.
      .orderBy('opened_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row && toConversation(row)
  }
  const get = async (id: ConversationId) => {
    const row = await db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toConversation(row)
  }
  /** Updates that change nothing (an older touch, a second close) still need the row to exist. */
  const requireExisting = async (id: ConversationId, updated: bigint) => {
    if (updated === 0n && !(await get(id))) {
      throw new NotFoundError('conversation not found', { details: { id } })
    }
  }

  return {
    async create(input) {
      const row = await mapConstraintErrors('conversation', () =>
        db
          .insertInto('conversations')
          .values({
            id: input.id ?? crypto.randomUUID(),
            route_id: input.routeId,
            channel_kind: input.channel.kind,
            channel_integration_id: input.channel.integrationId,
            channel_key: input.channel.key,
            channel_data: codec.json(input.channel.data),
            backend_kind: input.backend.kind,
            backend_integration_id: input.backend.integrationId,
            backend_key: input.backend.key,
            backend_data: codec.json(input.backend.data),
            customer: codec.json(input.customer),
            opened_at: codec.date(input.openedAt),
            last_activity_at: codec.date(input.lastActivityAt),
            closed_at: input.closedAt ? codec.date(input.closedAt) : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toConversation(row)
    },

    get,

    latestByChannelKey: (routeId, channelKey) =>
      newest(['route_id', routeId], ['channel_key', channelKey]),

    latestByBackendKey: (backendIntegrationId, backendKey) =>
      newest(['backend_integration_id', backendIntegrationId], ['backend_key', backendKey]),

    // Activity only moves forward: events may be handled out of order.
    async touch(id, at) {
      const result = await db
        .updateTable('conversations')
        .set({ last_activity_at: codec.date(at) })
        .where('id', '=', id)
        .where('last_activity_at', '<', codec.date(at))
        .executeTakeFirst()
      await requireExisting(id, result.numUpdatedRows)
    },

    // The first close wins; closing again is harmless.
    async close(id, at) {
      const result = await db
        .updateTable('conversations')
        .set({ closed_at: codec.date(at) })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .executeTakeFirst()
      await requireExisting(id, result.numUpdatedRows)
    },

    async count() {
      const { n } = await db
        .selectFrom('conversations')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow()
      return Number(n)
    },

    async purgeIdleBefore(cutoff, limit) {
      const result = await db
        .deleteFrom('conversations')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('conversations')
            .select('id')
            .where(idleBefore(codec, cutoff))
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('messages')
                    .select('messages.id')
                    .whereRef('messages.conversation_id', '=', 'conversations.id'),
                ),
              ),
            )
            .orderBy('conversations.last_activity_at')
            .limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}

/** Conversations with no activity and no close at or after `cutoff` (a range on last activity). */
export const idleBefore =
  (codec: Codec, cutoff: Date) => (eb: ExpressionBuilder<Database, 'conversations'>) =>
    eb.and([
      eb('conversations.last_activity_at', '<', codec.date(cutoff)),
      eb.or([
        eb('conversations.closed_at', 'is', null),
        eb('conversations.closed_at', '<', codec.date(cutoff)),
      ]),
    ])
