import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'

import { opsRoutes } from './routes.ts'

async function build(storeDown: boolean) {
  const app = Fastify()
  await app.register(opsRoutes, {
    checks: [
      {
        name: 'store',
        check: async () => {
          if (storeDown) throw new Error('connect ECONNREFUSED postgres://bridge:hunter2@db/cx')
        },
      },
      { name: 'queue', check: async () => {} },
    ],
    renderMetrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
  })
  return app
}

describe('ops routes', () => {
  it('reports ready when every check passes', async () => {
    const app = await build(false)
    const response = await app.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ status: 'ready' })
    await app.close()
  })

  it('answers 503 naming the failing check, never its error text', async () => {
    const app = await build(true)
    const response = await app.inject({ method: 'GET', url: '/readyz' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({
      status: 'not ready',
      checks: [
        { name: 'store', ok: false },
        { name: 'queue', ok: true },
      ],
    })
    expect(response.body).not.toContain('hunter2')
    // Liveness does not depend on the store.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200)
    await app.close()
  })

  it('serves metrics with the registry content type', async () => {
    const app = await build(false)
    const response = await app.inject({ method: 'GET', url: '/metrics' })
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4')
    expect(response.body).toBe('up 1\n')
    await app.close()
  })
})
