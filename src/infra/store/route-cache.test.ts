import { describe, expect, it } from 'vitest'

import { type IntegrationId, integrationId } from '../../core/model/ids.ts'
import { defaultRoutePolicy, type Route } from '../../core/model/integration.ts'
import type { RouteRepository } from '../../core/ports/store.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { cachingRoutes, ROUTE_CACHE_TTL_MS } from './route-cache.ts'

const TEAMS = integrationId('teams')
const GENESYS = integrationId('genesys')

/** An in-memory route repository that counts the lookups reaching it. */
function countingRoutes() {
  const rows: Route[] = []
  const lookups = { channel: 0, backend: 0 }
  const byField = (field: 'channelIntegrationId' | 'backendIntegrationId', id: IntegrationId) =>
    rows.filter((route) => route[field] === id).map((route) => ({ ...route }))
  const repository: RouteRepository = {
    async create(input) {
      const route = { ...input, id: input.id ?? `r${rows.length + 1}` }
      rows.push(route)
      return route
    },
    get: async (id) => rows.find((route) => route.id === id),
    list: async () => [...rows],
    async byChannelIntegration(id) {
      lookups.channel++
      return byField('channelIntegrationId', id)
    },
    async byBackendIntegration(id) {
      lookups.backend++
      return byField('backendIntegrationId', id)
    },
    async updatePolicy(id, policy) {
      const index = rows.findIndex((route) => route.id === id)
      rows[index] = { ...rows[index]!, policy }
      return rows[index]
    },
  }
  return { repository, rows, lookups }
}

const route = {
  channelIntegrationId: TEAMS,
  backendIntegrationId: GENESYS,
  policy: defaultRoutePolicy,
}

describe('cachingRoutes', () => {
  it('reuses a lookup until the TTL has passed, then asks the store again', async () => {
    const clock = new ManualClock()
    const { repository, lookups } = countingRoutes()
    const routes = cachingRoutes(repository, clock)
    await repository.create(route)

    expect(await routes.byChannelIntegration(TEAMS)).toHaveLength(1)
    expect(await routes.byChannelIntegration(TEAMS)).toHaveLength(1)
    expect(await routes.byBackendIntegration(GENESYS)).toHaveLength(1)
    expect(lookups).toEqual({ channel: 1, backend: 1 })

    clock.advance(ROUTE_CACHE_TTL_MS)
    await routes.byChannelIntegration(TEAMS)
    expect(lookups.channel).toBe(2)
  })

  it('sees a change made elsewhere once the TTL has passed', async () => {
    const clock = new ManualClock()
    const { repository } = countingRoutes()
    const routes = cachingRoutes(repository, clock)
    const created = await repository.create(route)
    await routes.byChannelIntegration(TEAMS)

    // Another process of the fleet changes the policy in the shared store.
    await repository.updatePolicy(created.id, { ...defaultRoutePolicy, replyQuote: 'strip' })
    expect((await routes.byChannelIntegration(TEAMS))[0]?.policy.replyQuote).toBe('quote')
    clock.advance(ROUTE_CACHE_TTL_MS)
    expect((await routes.byChannelIntegration(TEAMS))[0]?.policy.replyQuote).toBe('strip')
  })

  it('forgets every lookup when this process writes a route, so its own change shows at once', async () => {
    const clock = new ManualClock()
    const { repository, lookups } = countingRoutes()
    const routes = cachingRoutes(repository, clock)
    const created = await routes.create(route)
    await routes.byChannelIntegration(TEAMS)

    await routes.updatePolicy(created.id, { ...defaultRoutePolicy, replyQuote: 'strip' })
    expect((await routes.byChannelIntegration(TEAMS))[0]?.policy.replyQuote).toBe('strip')
    await routes.create({ ...route, channelIntegrationId: integrationId('teams-2') })
    await routes.byChannelIntegration(TEAMS)
    expect(lookups.channel).toBe(3)
  })

  it('never keeps an empty answer: a route created by another process is found at once', async () => {
    const clock = new ManualClock()
    const { repository } = countingRoutes()
    const routes = cachingRoutes(repository, clock)
    expect(await routes.byChannelIntegration(TEAMS)).toEqual([])

    await repository.create(route)
    expect(await routes.byChannelIntegration(TEAMS)).toHaveLength(1)
  })

  it('does not keep a lookup that was reading while this process wrote', async () => {
    const clock = new ManualClock()
    const { repository, lookups } = countingRoutes()
    const created = await repository.create(route)
    const waiting: Array<() => void> = []
    const slow: RouteRepository = {
      ...repository,
      async byChannelIntegration(id) {
        const found = await repository.byChannelIntegration(id)
        await new Promise<void>((resolve) => waiting.push(resolve))
        return found
      },
    }
    const release = async () => {
      while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve))
      waiting.shift()!()
    }
    const routes = cachingRoutes(slow, clock)
    const reading = routes.byChannelIntegration(TEAMS) // has read the old policy, then waits
    await routes.updatePolicy(created.id, { ...defaultRoutePolicy, replyQuote: 'strip' })
    await release()
    expect((await reading)[0]?.policy.replyQuote).toBe('quote')

    const next = routes.byChannelIntegration(TEAMS)
    await release()
    expect((await next)[0]?.policy.replyQuote).toBe('strip')
    expect(lookups.channel).toBe(2)
  })
})
