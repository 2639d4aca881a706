import { expect, it } from 'vitest'

import type { StoreContext } from './store-context.ts'

export function contactCases(ctx: StoreContext): void {
  const bot = () =>
    ctx.store.integrations.create({ kind: 'microsoft-teams-bot', name: 'bot', settings: {} })

  it('records a contact once per tenant and object id, refreshing what Teams sent last', async () => {
    const integration = await bot()
    const first = await ctx.store.contacts.upsert({
      integrationId: integration.id,
      tenantId: 'tenant-a',
      aadObjectId: 'object-1',
      name: 'Zoë Ω',
      upn: 'zoe@contoso.example',
      seenAt: ctx.clock.now(),
    })
    expect(first).toMatchObject({
      integrationId: integration.id,
      tenantId: 'tenant-a',
      aadObjectId: 'object-1',
      name: 'Zoë Ω',
      upn: 'zoe@contoso.example',
      createdAt: ctx.clock.now(),
      lastSeenAt: ctx.clock.now(),
    })
    expect(first.email).toBeUndefined()
    ctx.clock.advance(60_000)
    const again = await ctx.store.contacts.upsert({
      integrationId: integration.id,
      tenantId: 'tenant-a',
      aadObjectId: 'object-1',
      email: 'zoe@contoso.example',
      seenAt: ctx.clock.now(),
    })
    expect(again).toEqual({
      ...first,
      email: 'zoe@contoso.example',
      updatedAt: ctx.clock.now(),
      lastSeenAt: ctx.clock.now(),
    })
    await ctx.store.contacts.upsert({
      integrationId: integration.id,
      tenantId: 'tenant-b',
      aadObjectId: 'object-1',
      seenAt: ctx.clock.now(),
    })
    const page = await ctx.store.contacts.page(integration.id, { order: 'asc', take: 1 })
    expect(page.items.map((c) => c.tenantId)).toEqual(['tenant-a'])
    const rest = await ctx.store.contacts.page(integration.id, {
      order: 'asc',
      take: 1,
      after: page.next,
    })
    expect(rest.items.map((c) => c.tenantId)).toEqual(['tenant-b'])
    expect(rest.next).toBeUndefined()
  })

  it('appends events, counting a dedupe key once, and pages them newest first', async () => {
    const integration = await bot()
    const other = await bot()
    const occurredAt = new Date('2026-03-01T08:59:00.000Z')
    const event = {
      integrationId: integration.id,
      type: 'conversationUpdate',
      dedupeKey: 'activity:1',
      data: { action: 'add', membersAdded: ['29:1'] },
      occurredAt,
    }
    const first = await ctx.store.integrationEvents.append(event)
    expect(first.inserted).toBe(true)
    expect(first.event).toMatchObject({ ...event, createdAt: ctx.clock.now() })
    const replay = await ctx.store.integrationEvents.append({ ...event, data: { changed: true } })
    expect(replay).toEqual({ inserted: false, event: first.event })
    expect(
      (await ctx.store.integrationEvents.append({ ...event, integrationId: other.id })).inserted,
    ).toBe(true)
    ctx.clock.advance(1000)
    for (let i = 0; i < 2; i++) {
      const plain = { integrationId: integration.id, type: 'setup', data: { i }, occurredAt }
      expect((await ctx.store.integrationEvents.append(plain)).inserted).toBe(true)
    }
    const page = await ctx.store.integrationEvents.page(integration.id, { order: 'desc', take: 10 })
    expect(page.items.map((e) => e.type)).toEqual(['setup', 'setup', 'conversationUpdate'])
    expect(page.items[2]!.dedupeKey).toBe('activity:1')
    expect(page.items[0]!.dedupeKey).toBeUndefined()
  })
}
