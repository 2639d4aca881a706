import { expect, it } from 'vitest'

import { ConflictError } from '../../../src/core/errors.ts'
import { integrationId } from '../../../src/core/model/ids.ts'
import { seedRoute, type StoreContext } from './store-context.ts'

const at = (iso: string) => new Date(iso)

export function subscriptionCases(ctx: StoreContext): void {
  it('creates on first upsert and renews on the next, keeping createdAt', async () => {
    const { teams } = await seedRoute(ctx.store)
    const sub = {
      id: 'sub-1',
      integrationId: teams.id,
      resource: '/chats/getAllMessages',
      expiresAt: at('2026-03-01T10:00:00.000Z'),
    }
    const created = await ctx.store.subscriptions.upsert(sub)
    expect(created).toEqual({ ...sub, createdAt: ctx.clock.now(), updatedAt: ctx.clock.now() })
    const createdAt = ctx.clock.now()

    ctx.clock.advance(60_000)
    const renewed = await ctx.store.subscriptions.upsert({
      ...sub,
      expiresAt: at('2026-03-01T11:00:00.000Z'),
    })
    expect(renewed).toEqual({
      ...sub,
      expiresAt: at('2026-03-01T11:00:00.000Z'),
      createdAt,
      updatedAt: ctx.clock.now(),
    })
    expect(await ctx.store.subscriptions.get('sub-1')).toEqual(renewed)
    expect(await ctx.store.subscriptions.get('missing')).toBeUndefined()
  })

  it('refuses a subscription for an integration that does not exist', async () => {
    await expect(
      ctx.store.subscriptions.upsert({
        id: 's',
        integrationId: integrationId('ghost'),
        resource: '/r',
        expiresAt: new Date(),
      }),
    ).rejects.toBeInstanceOf(ConflictError)
  })

  it('finds by resource within an integration, preferring the one that lives longest', async () => {
    const { teams, genesys } = await seedRoute(ctx.store)
    await ctx.store.subscriptions.upsert({
      id: 'a',
      integrationId: teams.id,
      resource: '/r',
      expiresAt: at('2026-03-01T10:00:00Z'),
    })
    await ctx.store.subscriptions.upsert({
      id: 'b',
      integrationId: teams.id,
      resource: '/r',
      expiresAt: at('2026-03-01T11:00:00Z'),
    })
    expect((await ctx.store.subscriptions.byResource(teams.id, '/r'))?.id).toBe('b')
    expect(await ctx.store.subscriptions.byResource(genesys.id, '/r')).toBeUndefined()
    expect(await ctx.store.subscriptions.byResource(teams.id, '/other')).toBeUndefined()
  })

  it('lists soonest expiry first, all or per integration, and finds those expiring before a time', async () => {
    const { teams, genesys } = await seedRoute(ctx.store)
    await ctx.store.subscriptions.upsert({
      id: 'late',
      integrationId: teams.id,
      resource: '/1',
      expiresAt: at('2026-03-01T12:00:00Z'),
    })
    await ctx.store.subscriptions.upsert({
      id: 'soon',
      integrationId: genesys.id,
      resource: '/2',
      expiresAt: at('2026-03-01T10:00:00Z'),
    })
    await ctx.store.subscriptions.upsert({
      id: 'mid',
      integrationId: teams.id,
      resource: '/3',
      expiresAt: at('2026-03-01T11:00:00Z'),
    })

    expect((await ctx.store.subscriptions.list()).map((s) => s.id)).toEqual(['soon', 'mid', 'late'])
    expect((await ctx.store.subscriptions.list(teams.id)).map((s) => s.id)).toEqual(['mid', 'late'])
    const expiring = await ctx.store.subscriptions.expiringBefore(at('2026-03-01T11:00:00Z'))
    expect(expiring.map((s) => s.id)).toEqual(['soon'])
    expect(
      (await ctx.store.subscriptions.expiringBefore(at('2026-03-01T11:00:00.001Z'))).map(
        (s) => s.id,
      ),
    ).toEqual(['soon', 'mid'])
  })

  it('deletes, and deleting twice is harmless', async () => {
    const { teams } = await seedRoute(ctx.store)
    await ctx.store.subscriptions.upsert({
      id: 'x',
      integrationId: teams.id,
      resource: '/r',
      expiresAt: new Date(),
    })
    await ctx.store.subscriptions.delete('x')
    await ctx.store.subscriptions.delete('x')
    expect(await ctx.store.subscriptions.list()).toEqual([])
  })
}
