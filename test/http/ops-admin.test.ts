import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  eventuallyFound,
  expectProblem,
  startWebhookHarness,
  type WebhookHarness,
  WEBHOOKS,
} from './webhook-harness.ts'
import { graphNotification } from './webhook-requests.ts'

const TOKEN_ENV = 'CXB_TEST_ADMIN_TOKEN'
const TOKEN = 'admin-token-4d1f0c2b9e'
const NO_HANDLER = 'admin-test.no-handler'

describe('operator surface: admin jobs API, health, readiness, metrics, OpenAPI', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    process.env[TOKEN_ENV] = TOKEN
    h = await startWebhookHarness({ admin: { tokenSecret: `env:${TOKEN_ENV}` } })
  })
  afterAll(async () => {
    await h?.close()
    delete process.env[TOKEN_ENV]
  })

  const admin = (method: 'GET' | 'POST', url: string, token: string | null = TOKEN) =>
    h.inject({
      method,
      url,
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    })

  /** A job no handler takes parks its lane at once (an operator must look at it). */
  const parkedJob = async (lane: string) => {
    const [result] = await h.s.bridge.infra.queue.enqueue([
      { task: NO_HANDLER, payload: { broken: true }, lane },
    ])
    return eventuallyFound('parked job', async () => {
      const job = await h.s.bridge.infra.queue.get(result!.id)
      return job?.state === 'parked' ? job : undefined
    })
  }

  it('refuses every jobs route without the token, with a wrong one, or another scheme', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/jobs/stats'],
      ['GET', '/api/v1/jobs/parked'],
      ['POST', '/api/v1/jobs/1/retry'],
      ['POST', '/api/v1/jobs/1/skip'],
    ] as const) {
      expectProblem(await admin(method, url, null), 401, 'AUTH_FAILED')
      expectProblem(await admin(method, url, `${TOKEN}x`), 401, 'AUTH_FAILED')
      expectProblem(await admin(method, url, ''), 401, 'AUTH_FAILED')
      const basic = await h.inject({
        method,
        url,
        headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
      })
      expectProblem(basic, 401, 'AUTH_FAILED')
    }
  })

  it('answers stats and parked lanes with the token, never a payload', async () => {
    const stats = await admin('GET', '/api/v1/jobs/stats')
    expect(stats.statusCode).toBe(200)
    expect(stats.json()).toMatchObject({ queued: expect.any(Number), parked: expect.any(Number) })

    const job = await parkedJob('admin-test-lane-1')
    const parked = await admin('GET', '/api/v1/jobs/parked')
    expect(parked.statusCode).toBe(200)
    const items = (parked.json() as { items: Array<Record<string, unknown>> }).items
    const listed = items.find((i) => i['id'] === job.id)
    expect(listed).toMatchObject({ task: NO_HANDLER, state: 'parked' })
    expect(listed).not.toHaveProperty('payload')
    expect(parked.body).not.toContain('broken')
  })

  it('skips and retries a parked job; unknown or malformed ids are problems', async () => {
    const skipped = await parkedJob('admin-test-lane-2')
    const skip = await admin('POST', `/api/v1/jobs/${skipped.id}/skip`)
    expect(skip.statusCode).toBe(200)
    expect(skip.json()).toMatchObject({ id: skipped.id, state: 'skipped' })

    const retried = await parkedJob('admin-test-lane-3')
    const retry = await admin('POST', `/api/v1/jobs/${retried.id}/retry`)
    expect(retry.statusCode).toBe(200)
    expect(['queued', 'active', 'parked']).toContain((retry.json() as { state: string }).state)

    expectProblem(await admin('POST', '/api/v1/jobs/999999999/retry'), 404, 'NOT_FOUND')
    expectProblem(await admin('POST', `/api/v1/jobs/${'9'.repeat(65)}/skip`), 400, 'INPUT_INVALID')
    expectProblem(await admin('POST', '/api/v1/jobs/a.b/skip'), 400, 'INPUT_INVALID')
  })

  it('serves liveness, readiness and Prometheus metrics without a token', async () => {
    const health = await h.inject({ method: 'GET', url: '/healthz' })
    expect(health.statusCode).toBe(200)
    expect(health.json()).toEqual({ status: 'ok' })

    const ready = await h.inject({ method: 'GET', url: '/readyz' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'queue', ok: true },
      ],
    })

    const lifecycle = graphNotification(h.s, {
      lifecycleEvent: 'missed',
      resource: `/chats/${h.s.demo.chatId}/messages`,
    })
    const accepted = await h.inject({
      method: 'POST',
      url: WEBHOOKS.graphLifecycle,
      payload: JSON.stringify(lifecycle),
      headers: { 'content-type': 'application/json' },
    })
    expect(accepted.statusCode).toBe(202)
    const metrics = await h.inject({ method: 'GET', url: '/metrics' })
    expect(metrics.statusCode).toBe(200)
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/)
    expect(metrics.body).toMatch(
      /^cxb_webhook_events_total\{[^}]*route="graph-lifecycle"[^}]*\} [1-9]/m,
    )
    expect(metrics.body).not.toContain(TOKEN)
  })

  it('publishes an OpenAPI document of the jobs API with bearer security', async () => {
    const response = await h.inject({ method: 'GET', url: '/docs/json' })
    expect(response.statusCode).toBe(200)
    const doc = response.json() as {
      openapi: string
      paths: Record<string, Record<string, { security?: unknown; tags?: string[] }>>
      components: { securitySchemes: Record<string, unknown> }
    }
    expect(doc.openapi).toMatch(/^3\./)
    expect(doc.components.securitySchemes['bearer']).toEqual({ type: 'http', scheme: 'bearer' })
    for (const path of [
      '/api/v1/jobs/stats',
      '/api/v1/jobs/parked',
      '/api/v1/jobs/{id}/retry',
      '/api/v1/jobs/{id}/skip',
    ]) {
      const operations = Object.values(doc.paths[path] ?? {})
      expect(operations.length, path).toBeGreaterThan(0)
      for (const op of operations) expect(op.security).toEqual([{ bearer: [] }])
    }
    expect(Object.keys(doc.paths)).not.toContain('/blobs/{key}')
    const ui = await h.inject({ method: 'GET', url: '/docs' })
    expect(ui.statusCode).toBeLessThan(400)
  })

  it('answers unknown routes with a 404 problem that does not echo the query', async () => {
    const response = await h.inject({
      method: 'GET',
      url: '/no/such/route?access_token=leak-me',
    })
    const problem = expectProblem(response, 404, 'NOT_FOUND')
    expect(problem.detail).toBe('no route for GET /no/such/route')
    expect(response.body).not.toContain('leak-me')
    expectProblem(await h.inject({ method: 'DELETE', url: '/healthz' }), 404, 'NOT_FOUND')
  })

  it('refuses the service-account callback without a pending sign-in', async () => {
    const base = `/auth/microsoft/${h.s.demo.integrations.teams}/callback`
    expectProblem(await h.inject({ method: 'GET', url: base }), 400, 'INPUT_INVALID')
    expectProblem(
      await h.inject({ method: 'GET', url: `${base}?code=abc&state=forged-state` }),
      401,
      'AUTH_FAILED',
    )
    expectProblem(
      await h.inject({ method: 'GET', url: `${base}?error=access_denied` }),
      401,
      'AUTH_FAILED',
    )
    expectProblem(
      await h.inject({ method: 'GET', url: '/auth/microsoft/bad%20id/callback?code=a&state=b' }),
      400,
      'INPUT_INVALID',
    )
  })
})

describe('admin API with a token secret that cannot be read', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    delete process.env['CXB_TEST_ADMIN_TOKEN_MISSING']
    h = await startWebhookHarness({ admin: { tokenSecret: 'env:CXB_TEST_ADMIN_TOKEN_MISSING' } })
  })
  afterAll(async () => h?.close())

  it('answers 500 without naming the secret, whatever the caller sends', async () => {
    const response = await h.inject({
      method: 'GET',
      url: '/api/v1/jobs/stats',
      headers: { authorization: 'Bearer anything' },
    })
    const problem = expectProblem(response, 500, 'CONFIG_INVALID')
    expect(problem.detail).toBeUndefined()
    expect(response.body).not.toContain('CXB_TEST_ADMIN_TOKEN_MISSING')
  })
})
