import type { Selectable } from 'kysely'

import { NotFoundError } from '../../../core/errors.ts'
import { type ConversationId, conversationId, messageId } from '../../../core/model/ids.ts'
import type {
  Attachment,
  DeliveryState,
  Direction,
  Mention,
  Message,
  ReplyQuote,
} from '../../../core/model/message.ts'
import type { Participant } from '../../../core/model/participant.ts'
import type { MessageRepository } from '../../../core/ports/store.ts'
import { orUndefined } from '../codec.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { MessagesTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'
import { idleBefore } from './conversations.ts'

export function messageRepository({ db, codec }: RepositoryContext): MessageRepository {
  const toMessage = (row: Selectable<MessagesTable>): Message => {
    const deliveredMessageId = orUndefined(row.delivered_message_id)
    const error = orUndefined(row.error)
    const replyTo = row.reply_to === null ? undefined : codec.readJson<ReplyQuote>(row.reply_to)
    return {
      id: messageId(row.id),
      conversationId: conversationId(row.conversation_id),
      direction: row.direction as Direction,
      sender: codec.readJson<Participant>(row.sender),
      idempotencyKey: row.idempotency_key,
      sourceMessageId: row.source_message_id,
      ...(deliveredMessageId !== undefined && { deliveredMessageId }),
      state: row.state as DeliveryState,
      ...(error !== undefined && { error }),
      text: row.text,
      attachments: codec.readJson<Attachment[]>(row.attachments),
      mentions: codec.readJson<Mention[]>(row.mentions),
      ...(replyTo !== undefined && { replyTo }),
      occurredAt: codec.readDate(row.occurred_at),
      createdAt: codec.readDate(row.created_at),
    }
  }
  const selectMessages = () => db.selectFrom('messages').selectAll()
  const byIdempotencyKey = async (key: string) => {
    const row = await selectMessages().where('idempotency_key', '=', key).executeTakeFirst()
    return row && toMessage(row)
  }

  const inConversation = async (
    conversation: ConversationId,
    column: 'delivered_message_id' | 'source_message_id',
    remoteId: string,
  ) => {
    const row = await selectMessages()
      .where('conversation_id', '=', conversation)
      .where(column, '=', remoteId)
      .executeTakeFirst()
    return row && toMessage(row)
  }

  return {
    // Race-safe: the unique index decides, and a loser reads the winner's row (PostgreSQL makes
    // ON CONFLICT wait for a concurrent inserter to commit or roll back).
    async insertIfAbsent(message) {
      const inserted = await mapConstraintErrors('message', () =>
        db
          .insertInto('messages')
          .values({
            id: message.id,
            conversation_id: message.conversationId,
            direction: message.direction,
            sender: codec.json(message.sender),
            idempotency_key: message.idempotencyKey,
            source_message_id: message.sourceMessageId,
            delivered_message_id: message.deliveredMessageId ?? null,
            state: message.state,
            error: message.error ?? null,
            text: message.text,
            attachments: codec.json(message.attachments),
            mentions: codec.json(message.mentions),
            reply_to: message.replyTo === undefined ? null : codec.json(message.replyTo),
            occurred_at: codec.date(message.occurredAt),
            created_at: codec.date(message.createdAt),
          })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .executeTakeFirst(),
      )
      // The row is the message as given: no RETURNING row to read back and decode.
      if (inserted.numInsertedOrUpdatedRows === 1n) return { inserted: true, message }
      const existing = await byIdempotencyKey(message.idempotencyKey)
      if (!existing) throw new Error('message vanished after an idempotency conflict')
      return { inserted: false, message: existing }
    },

    async get(id) {
      const row = await selectMessages().where('id', '=', id).executeTakeFirst()
      return row && toMessage(row)
    },

    byIdempotencyKey,

    byDeliveredId: (conversation, id) => inConversation(conversation, 'delivered_message_id', id),

    bySourceId: (conversation, id) => inConversation(conversation, 'source_message_id', id),

    async listByConversation(id) {
      const rows = await selectMessages()
        .where('conversation_id', '=', id)
        .orderBy('occurred_at')
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toMessage)
    },

    // A message that leaves `failed` loses its old error unless a new one is given.
    async setState(id, state, fields) {
      const result = await db
        .updateTable('messages')
        .set({
          state,
          ...(fields?.deliveredMessageId !== undefined && {
            delivered_message_id: fields.deliveredMessageId,
          }),
          ...(fields?.error !== undefined
            ? { error: fields.error }
            : state !== 'failed' && { error: null }),
        })
        .where('id', '=', id)
        .executeTakeFirst()
      if (result.numUpdatedRows === 0n) {
        throw new NotFoundError('message not found', { details: { id } })
      }
    },

    async purgeOfIdleConversations(cutoff, limit) {
      const result = await db
        .deleteFrom('messages')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('conversations')
            .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
            .select('messages.id')
            .where(idleBefore(codec, cutoff))
            .orderBy('conversations.last_activity_at')
            .limit(limit),
        )
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
