import { expect, it } from 'vitest'

import { NotFoundError } from '../../../src/core/errors.ts'
import { conversationId } from '../../../src/core/model/ids.ts'
import { newConversation, seedRoute, type StoreContext } from './store-context.ts'

const at = (iso: string) => new Date(iso)

export function conversationCases(ctx: StoreContext): void {
  it('creates a conversation and reads every field back', async () => {
    const linked = await seedRoute(ctx.store)
    const input = newConversation(linked)
    const created = await ctx.store.conversations.create(input)
    expect(created).toEqual({ ...input, id: created.id })
    expect(created).not.toHaveProperty('closedAt')
    expect(await ctx.store.conversations.get(created.id)).toEqual(created)
    expect(await ctx.store.conversations.get(conversationId('missing'))).toBeUndefined()
  })

  it('keeps a given id and a closedAt', async () => {
    const linked = await seedRoute(ctx.store)
    const closedAt = at('2026-03-01T12:00:00.000Z')
    const created = await ctx.store.conversations.create({
      ...newConversation(linked),
      id: conversationId('conv-1'),
      closedAt,
    })
    expect(created.id).toBe('conv-1')
    expect((await ctx.store.conversations.get(created.id))?.closedAt).toEqual(closedAt)
  })

  it('finds the newest conversation by channel key, within its route only', async () => {
    const linked = await seedRoute(ctx.store)
    const newer = await ctx.store.conversations.create(
      newConversation(linked, { openedAt: at('2026-03-02T00:00:00Z') }),
    )
    await ctx.store.conversations.create(
      newConversation(linked, { openedAt: at('2026-03-01T00:00:00Z') }),
    )
    await ctx.store.conversations.create(
      newConversation(linked, { channelKey: 'other', openedAt: at('2026-03-03T00:00:00Z') }),
    )
    expect(
      (await ctx.store.conversations.latestByChannelKey(linked.route.id, '19:chat-a@thread.v2'))
        ?.id,
    ).toBe(newer.id)
    expect(
      await ctx.store.conversations.latestByChannelKey('other-route', '19:chat-a@thread.v2'),
    ).toBeUndefined()
  })

  it('finds the newest conversation by backend key, within its backend integration only', async () => {
    const linked = await seedRoute(ctx.store)
    await ctx.store.conversations.create(
      newConversation(linked, { openedAt: at('2026-03-01T00:00:00Z') }),
    )
    const newer = await ctx.store.conversations.create(
      newConversation(linked, { openedAt: at('2026-03-05T00:00:00Z') }),
    )
    await ctx.store.conversations.create(
      newConversation(linked, {
        openedAt: at('2026-03-09T00:00:00Z'),
        backendIntegrationId: linked.teams.id,
      }),
    )
    expect(
      (await ctx.store.conversations.latestByBackendKey(linked.genesys.id, 'customer-a'))?.id,
    ).toBe(newer.id)
    expect(
      await ctx.store.conversations.latestByBackendKey(linked.genesys.id, 'customer-b'),
    ).toBeUndefined()
  })

  it('moves lastActivityAt forward only', async () => {
    const linked = await seedRoute(ctx.store)
    const { id } = await ctx.store.conversations.create(newConversation(linked))
    await ctx.store.conversations.touch(id, at('2026-03-01T10:00:00.000Z'))
    await ctx.store.conversations.touch(id, at('2026-03-01T09:30:00.000Z'))
    expect((await ctx.store.conversations.get(id))?.lastActivityAt).toEqual(
      at('2026-03-01T10:00:00.000Z'),
    )
  })

  it('closes once: the first close time stays', async () => {
    const linked = await seedRoute(ctx.store)
    const { id } = await ctx.store.conversations.create(newConversation(linked))
    await ctx.store.conversations.close(id, at('2026-03-01T11:00:00.000Z'))
    await ctx.store.conversations.close(id, at('2026-03-01T12:00:00.000Z'))
    expect((await ctx.store.conversations.get(id))?.closedAt).toEqual(
      at('2026-03-01T11:00:00.000Z'),
    )
  })

  it('reports touch and close of an unknown conversation as not found', async () => {
    const id = conversationId('missing')
    await expect(ctx.store.conversations.touch(id, new Date())).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(ctx.store.conversations.close(id, new Date())).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })

  it('counts conversations', async () => {
    expect(await ctx.store.conversations.count()).toBe(0)
    const linked = await seedRoute(ctx.store)
    await ctx.store.conversations.create(newConversation(linked))
    await ctx.store.conversations.create(newConversation(linked, { channelKey: 'b' }))
    expect(await ctx.store.conversations.count()).toBe(2)
  })
}
