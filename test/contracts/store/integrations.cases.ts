import { expect, it } from 'vitest'

import { ConflictError, NotFoundError } from '../../../src/core/errors.ts'
import { integrationId } from '../../../src/core/model/ids.ts'
import { seedRoute, type StoreContext } from './store-context.ts'

export function integrationCases(ctx: StoreContext): void {
  it('creates an integration with an id, timestamps and enabled by default, and reads it back', async () => {
    const settings = { nested: { list: [1, 'two', true, null], deep: { x: 1.5 } }, name: 'Zoë Ω' }
    const created = await ctx.store.integrations.create({
      kind: 'genesys-open-messaging',
      name: 'Genesys EU',
      settings,
    })
    expect(created.id).toMatch(/\S+/)
    expect(created).toMatchObject({
      kind: 'genesys-open-messaging',
      name: 'Genesys EU',
      enabled: true,
    })
    expect(created.settings).toEqual(settings)
    expect(created.createdAt).toEqual(ctx.clock.now())
    expect(created.updatedAt).toEqual(ctx.clock.now())
    expect(await ctx.store.integrations.get(created.id)).toEqual(created)
  })

  it('keeps a given id and enabled flag, and refuses a second integration with the same id', async () => {
    const id = integrationId('teams-main')
    const input = { id, kind: 'microsoft-teams' as const, name: 'T', settings: {}, enabled: false }
    const created = await ctx.store.integrations.create(input)
    expect(created).toMatchObject({ id, enabled: false })
    await expect(ctx.store.integrations.create(input)).rejects.toBeInstanceOf(ConflictError)
  })

  it('lists integrations oldest first', async () => {
    const a = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'a',
      settings: {},
    })
    ctx.clock.advance(1000)
    const b = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'b',
      settings: {},
    })
    expect((await ctx.store.integrations.list()).map((i) => i.id)).toEqual([a.id, b.id])
  })

  it('updates only the given fields and moves updatedAt', async () => {
    const created = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'before',
      settings: { a: 1 },
    })
    ctx.clock.advance(5000)
    const renamed = await ctx.store.integrations.update(created.id, { name: 'after' })
    expect(renamed).toMatchObject({ name: 'after', settings: { a: 1 }, enabled: true })
    expect(renamed.createdAt).toEqual(created.createdAt)
    expect(renamed.updatedAt).toEqual(ctx.clock.now())
    const disabled = await ctx.store.integrations.update(created.id, {
      enabled: false,
      settings: { b: [2] },
    })
    expect(disabled).toMatchObject({ name: 'after', settings: { b: [2] }, enabled: false })
    expect(await ctx.store.integrations.get(created.id)).toEqual(disabled)
  })

  it('reports an update of an unknown integration as not found', async () => {
    await expect(
      ctx.store.integrations.update(integrationId('nope'), { name: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError)
  })

  it('deletes an unused integration, and deleting twice is harmless', async () => {
    const created = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'x',
      settings: {},
    })
    await ctx.store.integrations.delete(created.id)
    await ctx.store.integrations.delete(created.id)
    expect(await ctx.store.integrations.get(created.id)).toBeUndefined()
    expect(await ctx.store.integrations.list()).toEqual([])
  })

  it('refuses to delete an integration a route uses, and drops its subscriptions with it otherwise', async () => {
    const { teams } = await seedRoute(ctx.store)
    await expect(ctx.store.integrations.delete(teams.id)).rejects.toBeInstanceOf(ConflictError)
    expect(await ctx.store.integrations.get(teams.id)).toBeDefined()

    const lone = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'lone',
      settings: {},
    })
    await ctx.store.subscriptions.upsert({
      id: 'sub-1',
      integrationId: lone.id,
      resource: '/chats/getAllMessages',
      expiresAt: new Date('2026-03-01T10:00:00Z'),
    })
    await ctx.store.integrations.delete(lone.id)
    expect(await ctx.store.subscriptions.get('sub-1')).toBeUndefined()
  })
}
