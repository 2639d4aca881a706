import { ExpiringMap } from '../../core/expiring-map.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { Route } from '../../core/model/integration.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { RouteRepository } from '../../core/ports/store.ts'

/** How long a route lookup is reused: a policy change reaches other processes within this. */
export const ROUTE_CACHE_TTL_MS = 5_000

/**
 * The customer-chat flow looks its route up for every event, and routes change only when an
 * operator edits them: lookups by integration are reused for a few seconds (one query per
 * forwarded message less). This process's own writes clear the cache at once. An empty answer
 * is never kept, so a route just created elsewhere in the fleet is found on the next event.
 */
export function cachingRoutes(
  routes: RouteRepository,
  clock: Clock,
  ttlMs = ROUTE_CACHE_TTL_MS,
): RouteRepository {
  const cache = new ExpiringMap<string, Route[]>(clock, ttlMs)
  // Bumped by every write: a lookup that was reading while a write went by is not kept.
  let generation = 0
  const cached = async (key: string, load: () => Promise<Route[]>): Promise<Route[]> => {
    const hit = cache.find(key)
    if (hit) return hit.value
    const before = generation
    const found = await load()
    if (found.length > 0 && generation === before) cache.set(key, found)
    return found
  }
  const writing = async <T>(write: Promise<T>): Promise<T> => {
    try {
      return await write
    } finally {
      generation++
      cache.clear()
    }
  }
  return {
    ...routes,
    create: (input) => writing(routes.create(input)),
    updatePolicy: (id, policy) => writing(routes.updatePolicy(id, policy)),
    byChannelIntegration: (id: IntegrationId) =>
      cached(`channel:${id}`, () => routes.byChannelIntegration(id)),
    byBackendIntegration: (id: IntegrationId) =>
      cached(`backend:${id}`, () => routes.byBackendIntegration(id)),
  }
}
