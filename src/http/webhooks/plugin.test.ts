import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'

import { AuthenticationError, NotFoundError } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { Integration } from '../../core/model/integration.ts'
import type { WebhookRoute } from '../../core/ports/connector.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'
import type { Logger } from '../../core/ports/logger.ts'
import { errorHandler } from '../errors.ts'
import { webhookRoutes } from './plugin.ts'

const silent: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silent,
}

const integration = (id: string, enabled = true): Integration => ({
  id: id as IntegrationId,
  kind: 'microsoft-teams',
  name: id,
  settings: {},
  enabled,
  createdAt: new Date(0),
  updatedAt: new Date(0),
})

const envelope: InboundEnvelope = {
  dedupeKey: 'k1',
  address: {
    kind: 'microsoft-teams',
    integrationId: 'on' as IntegrationId,
    key: 'chat-1',
    data: {},
  },
  occurredAt: new Date(0).toISOString(),
  event: { type: 'subscription.lifecycle', subscriptionId: 's', lifecycle: 'missed' },
}

/** One fake connector whose route does what the test sets in `behaviour`. */
async function build(behaviour: Partial<WebhookRoute> = {}) {
  const enqueued: JobSpec[] = []
  const metrics: string[] = []
  const route: WebhookRoute = {
    name: 'fake',
    path: '/events',
    handshake: (req) => {
      const token = req.query['validationToken']
      if (token === undefined) return undefined
      return token === 'bad' ? { status: 400, body: 'invalid token' } : { status: 200, body: token }
    },
    verify: async () => {},
    parse: async () => [envelope],
    ...behaviour,
  }
  const app = Fastify()
  app.setErrorHandler(errorHandler(silent))
  await app.register(webhookRoutes, {
    connectors: [{ kind: 'microsoft-teams', side: 'channel', routes: [route] }],
    integrations: {
      get: async (id) => ({ on: integration('on'), off: integration('off', false) })[id as string],
    },
    queue: { accept: async (jobs) => void enqueued.push(...jobs) },
    metrics: {
      increment: (name) => void metrics.push(name),
      observe: (name) => void metrics.push(name),
      set: () => {},
    },
    toJobs: (_side, _id, envelopes) =>
      envelopes.map((e) => ({ task: 'job', payload: {}, dedupeKey: e.dedupeKey })),
    bodyLimitBytes: 1024,
    publicUrl: 'https://bridge.example',
  })
  return { app, enqueued, metrics }
}

let app: FastifyInstance | undefined
afterEach(async () => app?.close())

const post = (url: string, payload = '{}', type = 'application/json') =>
  app!.inject({ method: 'POST', url, payload, headers: { 'content-type': type } })

describe('webhook plugin', () => {
  it('stores the envelopes, then acknowledges and counts them', async () => {
    const built = await build()
    app = built.app
    const response = await post('/webhooks/microsoft-teams/on/events')
    expect(response.statusCode).toBe(202)
    expect(built.enqueued).toEqual([{ task: 'job', payload: {}, dedupeKey: 'k1' }])
    expect(built.metrics).toEqual(['cxb_webhook_ack_seconds', 'cxb_webhook_events_total'])
  })

  it('answers the handshake only for an enabled integration of that kind', async () => {
    app = (await build()).app
    const ok = await post('/webhooks/microsoft-teams/on/events?validationToken=a%2Bb', '')
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toBe('a+b')
    for (const id of ['off', 'missing']) {
      const response = await post(`/webhooks/microsoft-teams/${id}/events?validationToken=x`)
      expect(response.statusCode).toBe(404)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })

  it('answers a refused handshake with problem+json', async () => {
    app = (await build()).app
    const response = await post('/webhooks/microsoft-teams/on/events?validationToken=bad')
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.json()).toMatchObject({ code: 'INPUT_INVALID', detail: 'invalid token' })
  })

  it('answers a failed verification with 401 and stores nothing', async () => {
    const built = await build({
      verify: async () => {
        throw new AuthenticationError('signature does not match')
      },
    })
    app = built.app
    const response = await post('/webhooks/microsoft-teams/on/events')
    expect(response.statusCode).toBe(401)
    expect(response.json()).toMatchObject({ code: 'AUTH_FAILED' })
    expect(built.enqueued).toEqual([])
  })

  it('treats a missing secret as its own misconfiguration: 5xx, nothing named', async () => {
    const built = await build({
      verify: async () => {
        throw new NotFoundError('secret webhook-token-of-tenant-x not found')
      },
    })
    app = built.app
    const response = await post('/webhooks/microsoft-teams/on/events')
    expect(response.statusCode).toBe(500)
    expect(response.json()).toMatchObject({ code: 'CONFIG_INVALID' })
    expect(response.body).not.toContain('webhook-token-of-tenant-x')
    expect(built.enqueued).toEqual([])
  })

  it('refuses a non-JSON content type before the connector sees the body', async () => {
    let verified = false
    const built = await build({
      verify: async () => {
        verified = true
      },
    })
    app = built.app
    const response = await post('/webhooks/microsoft-teams/on/events', 'a=b', 'text/plain')
    expect(response.statusCode).toBe(415)
    expect(verified).toBe(false)
  })

  it('hands the connector the raw bytes of any JSON type, and refuses a body over the limit', async () => {
    const seen: string[] = []
    const built = await build({
      verify: async (raw) => {
        seen.push(raw.rawBody.toString('utf8'))
      },
    })
    app = built.app
    const body = '{ "value" : [ 1,2 ] }'
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/vnd.x+json',
    ]) {
      expect((await post('/webhooks/microsoft-teams/on/events', body, type)).statusCode).toBe(202)
    }
    expect(seen).toEqual([body, body, body])
    const tooBig = await post('/webhooks/microsoft-teams/on/events', `"${'x'.repeat(1024)}"`)
    expect(tooBig.statusCode).toBe(413)
    expect(tooBig.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(seen).toHaveLength(3)
  })
})
