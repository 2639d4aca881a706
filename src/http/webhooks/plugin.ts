import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { ConfigError, NotFoundError, UnsupportedMediaTypeError } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { Integration } from '../../core/model/integration.ts'
import type { RawRequest, RawResponse, WebhookRoute } from '../../core/ports/connector.ts'
import type { JobQueue, JobSpec } from '../../core/ports/job-queue.ts'
import type { Labels, Metrics } from '../../core/ports/metrics.ts'
import { problemForClientStatus, sendProblem } from '../errors.ts'

export interface WebhookConnector {
  readonly kind: string
  readonly side: 'channel' | 'backend'
  readonly routes: readonly WebhookRoute[]
  /** The connector's own jobs for its envelopes (default: the options' `toJobs`). */
  readonly toJobs?: (integrationId: string, envelopes: readonly InboundEnvelope[]) => JobSpec[]
}

export interface WebhookOptions {
  readonly connectors: readonly WebhookConnector[]
  readonly integrations: { get(id: IntegrationId): Promise<Integration | undefined> }
  readonly queue: Pick<JobQueue, 'accept'>
  readonly metrics: Metrics
  readonly toJobs: (
    side: 'channel' | 'backend',
    integrationId: string,
    envelopes: readonly InboundEnvelope[],
  ) => JobSpec[]
  readonly bodyLimitBytes: number
  readonly publicUrl: string
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
const JSON_WITH_PARAMETERS = /^application\/json\s*;/i

// One label object per route, not two per request: the ingest path is counted per request.
const routeLabels = new WeakMap<WebhookRoute, Labels>()
function labelsOf(kind: string, route: WebhookRoute): Labels {
  let labels = routeLabels.get(route)
  if (!labels) {
    labels = Object.freeze({ kind, route: route.name })
    routeLabels.set(route, labels)
  }
  return labels
}

/**
 * Every connector's webhooks: handshake → authenticate → parse → durable accept → 2xx.
 * Remotes drop slow endpoints (Graph within seconds, Genesys after 10 s), so nothing here calls
 * a remote: the acknowledgement follows the durable write and the worker does the rest.
 */
export async function webhookRoutes(app: FastifyInstance, options: WebhookOptions): Promise<void> {
  const byKind = new Map(options.connectors.map((c) => [c.kind, c]))
  app.removeAllContentTypeParsers()
  const keepRaw = { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes } as const
  const rawBody = (_req: unknown, body: Buffer, done: (error: null, body: Buffer) => void) =>
    done(null, body)
  // Fastify caches the parser it found for a content-type header only under that header's
  // normalized form, and never for the catch-all: every webhook had its header parsed anew
  // (~2.5 % of a webhook's CPU in the ingest profile). So JSON gets its parser by name, and
  // Graph's `application/json; charset=utf-8` is read as the bare type, which is what it means
  // (JSON is UTF-8 whatever the parameter says, RFC 8259 §8.1). Other types still reach the
  // handler, which refuses what is not JSON (415).
  app.addHook('onRequest', (request, _reply, done) => {
    const type = request.headers['content-type']
    if (type !== undefined && JSON_WITH_PARAMETERS.test(type)) {
      request.headers['content-type'] = 'application/json'
    }
    done()
  })
  app.addContentTypeParser('application/json', keepRaw, rawBody)
  app.addContentTypeParser('*', keepRaw, rawBody)

  app.post<{ Params: { kind: string; integrationId: string; '*': string } }>(
    '/webhooks/:kind/:integrationId/*',
    { bodyLimit: options.bodyLimitBytes },
    async (request, reply) => {
      const started = performance.now()
      const { kind, integrationId } = request.params
      const connector = byKind.get(kind)
      const route = connector?.routes.find((r) => r.path === `/${request.params['*']}`)
      if (!connector || !route || !ID_PATTERN.test(integrationId))
        throw new NotFoundError('no such webhook')

      // The integration first: a handshake for one that is not configured is not ours to echo.
      const integration = await options.integrations.get(integrationId as IntegrationId)
      if (!integration || integration.kind !== kind || !integration.enabled) {
        throw new NotFoundError('no such integration')
      }
      const raw = toRawRequest(request, options.publicUrl)
      const handshake = route.handshake?.(raw)
      if (handshake) return sendHandshake(reply, handshake)
      if (!isJson(raw.headers['content-type'])) {
        throw new UnsupportedMediaTypeError('webhook bodies must be application/json')
      }
      const envelopes = await verifyAndParse(route, raw, integration)
      const jobs = connector.toJobs
        ? connector.toJobs(integration.id, envelopes)
        : options.toJobs(connector.side, integration.id, envelopes)
      if (jobs.length > 0) await options.queue.accept(jobs)
      const labels = labelsOf(kind, route)
      options.metrics.observe(
        'cxb_webhook_ack_seconds',
        (performance.now() - started) / 1000,
        labels,
      )
      options.metrics.increment('cxb_webhook_events_total', labels, envelopes.length)
      return reply.code(route.ackStatus ?? 202).send()
    },
  )
}

/**
 * Once the integration is found, a NOT_FOUND from the connector is our own configuration (a
 * secret it names is missing), not the caller's mistake: answering 404 would tell the caller
 * the secret's name and make Genesys and Graph drop the delivery, where a 5xx has them retry
 * until an operator fixes it.
 */
async function verifyAndParse(
  route: WebhookRoute,
  raw: RawRequest,
  integration: Integration,
): Promise<InboundEnvelope[]> {
  try {
    await route.verify(raw, integration)
    return await route.parse(raw, integration)
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ConfigError(`integrations.${integration.id}`, error.message)
    }
    throw error
  }
}

/** A handshake answer; a refused one is a problem like every other refusal at the edge. */
function sendHandshake(reply: FastifyReply, handshake: RawResponse): FastifyReply {
  if (handshake.status >= 400) {
    return sendProblem(reply, problemForClientStatus(handshake.status, handshake.body))
  }
  return reply
    .code(handshake.status)
    .type(handshake.contentType ?? 'text/plain; charset=utf-8')
    .send(handshake.body ?? '')
}

const isJson = (contentType: string | undefined) =>
  !!contentType && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)

function toRawRequest(request: FastifyRequest, publicUrl: string): RawRequest {
  const headers: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    method: request.method,
    headers,
    query: request.query as Record<string, string | undefined>,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    url: `${publicUrl}${request.url}`,
  }
}
