import { expect, it } from 'vitest'

import { ConflictError, NotFoundError } from '../../../src/core/errors.ts'
import { integrationId } from '../../../src/core/model/ids.ts'
import { defaultRoutePolicy } from '../../../src/core/model/integration.ts'
import { seedRoute, type StoreContext } from './store-context.ts'

export function routeCases(ctx: StoreContext): void {
  it('creates a route and finds it by id and by either integration', async () => {
    const { teams, genesys, route } = await seedRoute(ctx.store)
    expect(route).toEqual({
      id: route.id,
      channelIntegrationId: teams.id,
      backendIntegrationId: genesys.id,
      policy: defaultRoutePolicy,
    })
    expect(await ctx.store.routes.get(route.id)).toEqual(route)
    expect(await ctx.store.routes.byChannelIntegration(teams.id)).toEqual([route])
    expect(await ctx.store.routes.byBackendIntegration(genesys.id)).toEqual([route])
    expect(await ctx.store.routes.byChannelIntegration(genesys.id)).toEqual([])
    expect(await ctx.store.routes.get('missing')).toBeUndefined()
  })

  it('keeps a given id and lists routes oldest first', async () => {
    const { teams, genesys, route } = await seedRoute(ctx.store)
    ctx.clock.advance(1000)
    const second = await ctx.store.routes.create({
      id: 'route-2',
      channelIntegrationId: teams.id,
      backendIntegrationId: genesys.id,
      policy: { threadingWindowMs: 60_000, replyQuote: 'strip' },
    })
    expect(second.id).toBe('route-2')
    expect((await ctx.store.routes.list()).map((r) => r.id)).toEqual([route.id, 'route-2'])
    expect((await ctx.store.routes.byBackendIntegration(genesys.id)).length).toBe(2)
  })

  it('refuses a route to an integration that does not exist', async () => {
    const { teams } = await seedRoute(ctx.store)
    await expect(
      ctx.store.routes.create({
        channelIntegrationId: teams.id,
        backendIntegrationId: integrationId('ghost'),
        policy: defaultRoutePolicy,
      }),
    ).rejects.toBeInstanceOf(ConflictError)
  })

  it('updates a policy, and reports an unknown route as not found', async () => {
    const { route } = await seedRoute(ctx.store)
    const policy = { threadingWindowMs: 3_600_000, replyQuote: 'strip' } as const
    expect(await ctx.store.routes.updatePolicy(route.id, policy)).toEqual({ ...route, policy })
    expect((await ctx.store.routes.get(route.id))?.policy).toEqual(policy)
    await expect(ctx.store.routes.updatePolicy('missing', policy)).rejects.toBeInstanceOf(
      NotFoundError,
    )
  })
}
