import type { FastifyInstance } from 'fastify'

export interface ReadinessCheck {
  readonly name: string
  check(): Promise<void>
}

export interface OpsOptions {
  readonly checks: readonly ReadinessCheck[]
  readonly renderMetrics: () => Promise<{ contentType: string; body: string }>
}

/** Liveness, readiness (each dependency checked) and Prometheus metrics. */
export async function opsRoutes(app: FastifyInstance, options: OpsOptions): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const results = await Promise.all(
      options.checks.map(async (c) => {
        try {
          await c.check()
          return { name: c.name, ok: true }
        } catch {
          return { name: c.name, ok: false }
        }
      }),
    )
    const ready = results.every((r) => r.ok)
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', checks: results })
  })

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const { contentType, body } = await options.renderMetrics()
    return reply.type(contentType).send(body)
  })
}
