import type { FastifyInstance } from 'fastify'

/**
 * Every route the server answers, as `METHOD /pattern` (HEAD left out: Fastify adds it to every
 * GET), read from `printRoutes()`'s radix tree: a route's pattern is its labels from the root.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const routes: string[] = []
  const labels: string[] = []
  for (const line of app.printRoutes().split('\n')) {
    const branch = line.search(/[├└]── /)
    if (branch < 0) continue
    const depth = branch / 4
    const match = /^(.*?)(?: \(([^)]*)\))?$/.exec(line.slice(branch + 4))!
    labels.length = depth
    labels.push(match[1]!)
    for (const method of match[2]?.split(', ') ?? []) {
      if (method !== 'HEAD') routes.push(`${method} ${labels.join('')}`)
    }
  }
  return routes.sort()
}
