import { expect, it } from 'vitest'

import { ConflictError, NotFoundError } from '../../../src/core/errors.ts'
import type { Conversation } from '../../../src/core/model/conversation.ts'
import { conversationId, messageId } from '../../../src/core/model/ids.ts'
import type { Message } from '../../../src/core/model/message.ts'
import { newConversation, newMessage, seedRoute, type StoreContext } from './store-context.ts'

export function messageCases(ctx: StoreContext): void {
  const conversation = async (channelKey?: string): Promise<Conversation> => {
    const linked = await seedRoute(ctx.store)
    return ctx.store.conversations.create(newConversation(linked, { channelKey }))
  }

  it('inserts a message and reads every field back', async () => {
    const conv = await conversation()
    const message: Message = newMessage(conv, {
      attachments: [
        {
          name: 'a.png',
          mediaType: 'image/png',
          sizeBytes: 12,
          url: 'https://x.example/a',
          kind: 'image',
        },
      ],
      mentions: [{ text: '@Agent', participant: { role: 'agent', displayName: 'Agent' } }],
      replyTo: { text: '> earlier', author: 'Agent', remoteMessageId: 'r-1' },
    })
    expect(await ctx.store.messages.insertIfAbsent(message)).toEqual({ inserted: true, message })
    expect(await ctx.store.messages.get(message.id)).toEqual(message)
    expect(await ctx.store.messages.byIdempotencyKey(message.idempotencyKey)).toEqual(message)
    expect(await ctx.store.messages.get(messageId('missing'))).toBeUndefined()
  })

  it('leaves optional fields absent', async () => {
    const conv = await conversation()
    const message = newMessage(conv)
    await ctx.store.messages.insertIfAbsent(message)
    const stored = await ctx.store.messages.get(message.id)
    for (const field of ['replyTo', 'deliveredMessageId', 'error']) {
      expect(stored).not.toHaveProperty(field)
    }
  })

  it('returns the stored message when the idempotency key is already there', async () => {
    const conv = await conversation()
    const first = newMessage(conv)
    await ctx.store.messages.insertIfAbsent(first)
    const replay = { ...newMessage(conv), idempotencyKey: first.idempotencyKey, text: 'replayed' }
    expect(await ctx.store.messages.insertIfAbsent(replay)).toEqual({
      inserted: false,
      message: first,
    })
    expect(await ctx.store.messages.get(replay.id)).toBeUndefined()
  })

  it('inserts exactly once when the same key races', async () => {
    const conv = await conversation()
    const key = 'graph:race'
    const attempts = Array.from({ length: 12 }, () => ({
      ...newMessage(conv),
      idempotencyKey: key,
    }))
    const results = await Promise.all(attempts.map((m) => ctx.store.messages.insertIfAbsent(m)))
    expect(results.filter((r) => r.inserted)).toHaveLength(1)
    const winner = results.find((r) => r.inserted)!.message.id
    expect(new Set(results.map((r) => r.message.id))).toEqual(new Set([winner]))
    expect(await ctx.store.messages.listByConversation(conv.id)).toHaveLength(1)
  })

  it('refuses a message for a conversation that does not exist', async () => {
    const conv = await conversation()
    const orphan = newMessage({ ...conv, id: conversationId('ghost') })
    await expect(ctx.store.messages.insertIfAbsent(orphan)).rejects.toBeInstanceOf(ConflictError)
  })

  it('finds messages by delivered id and by source id within their conversation', async () => {
    const conv = await conversation()
    const other = await conversation('other-chat')
    const message = newMessage(conv, { sourceMessageId: 'src-1' })
    await ctx.store.messages.insertIfAbsent(message)
    await ctx.store.messages.insertIfAbsent(newMessage(other, { sourceMessageId: 'src-1' }))
    await ctx.store.messages.setState(message.id, 'sent', { deliveredMessageId: 'gen-1' })

    expect((await ctx.store.messages.byDeliveredId(conv.id, 'gen-1'))?.id).toBe(message.id)
    expect(await ctx.store.messages.byDeliveredId(other.id, 'gen-1')).toBeUndefined()
    expect((await ctx.store.messages.bySourceId(conv.id, 'src-1'))?.id).toBe(message.id)
    expect(await ctx.store.messages.bySourceId(conv.id, 'src-2')).toBeUndefined()
  })

  it('lists a conversation in the order the messages happened', async () => {
    const conv = await conversation()
    const late = newMessage(conv, { occurredAt: new Date('2026-03-01T10:00:00Z') })
    const early = newMessage(conv, { occurredAt: new Date('2026-03-01T09:00:00Z') })
    await ctx.store.messages.insertIfAbsent(late)
    await ctx.store.messages.insertIfAbsent(early)
    expect((await ctx.store.messages.listByConversation(conv.id)).map((m) => m.id)).toEqual([
      early.id,
      late.id,
    ])
  })

  it('records delivery state, keeps the delivered id and clears an old error on success', async () => {
    const conv = await conversation()
    const message = newMessage(conv)
    await ctx.store.messages.insertIfAbsent(message)
    await ctx.store.messages.setState(message.id, 'failed', { error: 'Genesys refused: 400' })
    expect(await ctx.store.messages.get(message.id)).toMatchObject({
      state: 'failed',
      error: 'Genesys refused: 400',
    })
    await ctx.store.messages.setState(message.id, 'sent', { deliveredMessageId: 'gen-9' })
    await ctx.store.messages.setState(message.id, 'delivered')
    const stored = await ctx.store.messages.get(message.id)
    expect(stored).toMatchObject({ state: 'delivered', deliveredMessageId: 'gen-9' })
    expect(stored).not.toHaveProperty('error')
  })

  it('reports setState of an unknown message as not found', async () => {
    await expect(ctx.store.messages.setState(messageId('missing'), 'sent')).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
}
