import { expect, it } from 'vitest'

import type { Conversation } from '../../../src/core/model/conversation.ts'
import type { Message } from '../../../src/core/model/message.ts'
import { newConversation, newMessage, seedRoute, type StoreContext } from './store-context.ts'

const at = (iso: string) => new Date(iso)
const CUTOFF = at('2026-02-01T00:00:00.000Z')

export function retentionCases(ctx: StoreContext): void {
  /** A conversation last active at `lastActivityAt` (closed at `closedAt`) with `messages` messages. */
  const conversationWith = async (
    linked: Awaited<ReturnType<typeof seedRoute>>,
    key: string,
    times: { lastActivityAt: string; closedAt?: string },
    messages: number,
  ): Promise<{ conversation: Conversation; messages: Message[] }> => {
    const conversation = await ctx.store.conversations.create({
      ...newConversation(linked, { channelKey: key, openedAt: at('2026-01-01T00:00:00.000Z') }),
      lastActivityAt: at(times.lastActivityAt),
      ...(times.closedAt && { closedAt: at(times.closedAt) }),
    })
    const stored: Message[] = []
    for (let i = 0; i < messages; i++) {
      const message = newMessage(conversation)
      await ctx.store.messages.insertIfAbsent(message)
      stored.push(message)
    }
    return { conversation, messages: stored }
  }

  it('purges the messages of idle conversations in batches, then the conversations, keeping active ones', async () => {
    const linked = await seedRoute(ctx.store)
    const silent = await conversationWith(
      linked,
      'silent',
      { lastActivityAt: '2026-01-10T00:00:00Z' },
      3,
    )
    const closed = await conversationWith(
      linked,
      'closed',
      { lastActivityAt: '2026-01-10T00:00:00Z', closedAt: '2026-01-11T00:00:00Z' },
      2,
    )
    const empty = await conversationWith(
      linked,
      'empty',
      { lastActivityAt: '2026-01-31T23:59:59.999Z' },
      0,
    )
    const active = await conversationWith(
      linked,
      'active',
      { lastActivityAt: '2026-02-01T00:00:00Z' },
      2,
    )
    const closedSince = await conversationWith(
      linked,
      'closed-since',
      { lastActivityAt: '2026-01-10T00:00:00Z', closedAt: '2026-02-02T00:00:00Z' },
      1,
    )

    // Messages still refer to the silent and closed ones: only the empty one can go yet.
    expect(await ctx.store.conversations.purgeIdleBefore(CUTOFF, 10)).toBe(1)
    expect(await ctx.store.conversations.get(silent.conversation.id)).toBeDefined()
    expect(await ctx.store.conversations.get(empty.conversation.id)).toBeUndefined()

    const batches = []
    for (let n = -1; n !== 0;) {
      n = await ctx.store.messages.purgeOfIdleConversations(CUTOFF, 2)
      batches.push(n)
    }
    expect(batches).toEqual([2, 2, 1, 0])
    for (const message of [...silent.messages, ...closed.messages]) {
      expect(await ctx.store.messages.get(message.id)).toBeUndefined()
    }

    expect(await ctx.store.conversations.purgeIdleBefore(CUTOFF, 1)).toBe(1)
    expect(await ctx.store.conversations.purgeIdleBefore(CUTOFF, 10)).toBe(1)
    expect(await ctx.store.conversations.purgeIdleBefore(CUTOFF, 10)).toBe(0)
    expect(await ctx.store.conversations.get(silent.conversation.id)).toBeUndefined()
    expect(await ctx.store.conversations.get(closed.conversation.id)).toBeUndefined()

    expect(await ctx.store.conversations.count()).toBe(2)
    expect(await ctx.store.messages.listByConversation(active.conversation.id)).toEqual(
      active.messages,
    )
    expect(await ctx.store.messages.listByConversation(closedSince.conversation.id)).toEqual(
      closedSince.messages,
    )
  })

  it('purges integration events recorded before the cutoff, a batch at a time', async () => {
    const integration = await ctx.store.integrations.create({
      kind: 'microsoft-teams-bot',
      name: 'bot',
      settings: {},
    })
    const append = (type: string) =>
      ctx.store.integrationEvents.append({
        integrationId: integration.id,
        type,
        data: {},
        occurredAt: ctx.clock.now(),
      })
    await append('old-1')
    await append('old-2')
    ctx.clock.advance(60_000)
    const cutoff = ctx.clock.now()
    await append('recent')

    expect(await ctx.store.integrationEvents.purgeBefore(cutoff, 1)).toBe(1)
    expect(await ctx.store.integrationEvents.purgeBefore(cutoff, 10)).toBe(1)
    expect(await ctx.store.integrationEvents.purgeBefore(cutoff, 10)).toBe(0)
    const left = await ctx.store.integrationEvents.page(integration.id, { order: 'asc', take: 10 })
    expect(left.items.map((e) => e.type)).toEqual(['recent'])
  })

  it('purges state of one namespace last written before the cutoff, a batch at a time', async () => {
    await ctx.store.state.put('sent', 'a', 1)
    await ctx.store.state.put('sent', 'b', 2)
    await ctx.store.state.put('cursor', 'a', 3)
    ctx.clock.advance(60_000)
    const cutoff = ctx.clock.now()
    await ctx.store.state.put('sent', 'c', 4)
    await ctx.store.state.put('sent', 'b', 5)

    expect(await ctx.store.state.purgeBefore('sent', cutoff, 1)).toBe(1)
    expect(await ctx.store.state.purgeBefore('sent', cutoff, 10)).toBe(0)
    expect(await ctx.store.state.list('sent')).toEqual([
      { key: 'b', value: 5 },
      { key: 'c', value: 4 },
    ])
    expect(await ctx.store.state.list('cursor')).toEqual([{ key: 'a', value: 3 }])
  })
}
