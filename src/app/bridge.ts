import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'

import type { FastifyInstance } from 'fastify'
import { fetch } from 'undici'

import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import { createHttpClient } from '../connectors/shared/http-client.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import type { Clock } from '../core/ports/clock.ts'
import type { ConnectorDefinition } from '../core/ports/connector.ts'
import type { JobHandler } from '../core/ports/job-queue.ts'
import type { Logger } from '../core/ports/logger.ts'
import { accountAdmin } from '../flows/admin/accounts.ts'
import { integrationAdmin } from '../flows/admin/integrations.ts'
import {
  customerChatHandlers,
  enqueueCatchUpForAll,
  jobsForEnvelopes,
  TASKS,
} from '../flows/customer-chat/index.ts'
import type { FlowDeps } from '../flows/deps.ts'
import { requireAdmin } from '../http/admin/auth.ts'
import { serviceAccountLoginRoutes } from '../http/auth/service-account-login.ts'
import { buildHttpServer, buildOpsServer } from '../http/server.ts'
import type { WebhookConnector } from '../http/webhooks/plugin.ts'
import { serveBlob } from '../infra/blob/local-disk.ts'
import { uuidV7 } from '../infra/ids/uuid-v7.ts'
import { createCircuitBreaker } from '../infra/limits/circuit-breaker.ts'
import { aiBotComposition } from './ai-bot.ts'
import { createClientRegistry } from './clients.ts'
import type { Config } from './config.ts'
import { connectorDefinitions, serviceAccountLogins } from './connectors.ts'
import { type Infrastructure, openInfrastructure, readinessChecks } from './infrastructure.ts'
import { managedKinds } from './managed-kinds.ts'
import { retentionHandlers, retentionSingleton } from './retention.ts'
import { offerSingletons, type Singleton, singletonHandler, singletonLane } from './singletons.ts'
import { VERSION } from './version.ts'

export interface BridgeOptions {
  readonly config: Config
  readonly log: Logger
  /** `serve` runs HTTP only, `work` workers only, `start` and `sandbox` both. */
  readonly roles: { readonly http: boolean; readonly worker: boolean }
  /** Tests: one clock shared with the emulators, moved forward to test expiries. */
  readonly clock?: Clock
}

export interface Bridge {
  readonly url: string
  readonly infra: Infrastructure
  readonly deps: ConnectorDeps
  readonly http: FastifyInstance | undefined
  /** Every connector webhook served, as `/webhooks/{kind}/{integrationId}{path}` (none without HTTP). */
  readonly webhooks: ReadonlyArray<{ readonly kind: string; readonly path: string }>
  invalidate(id: IntegrationId): void
  /** Schedules subscription keeping now (after integrations changed). */
  keepSubscriptionsNow(): Promise<void>
  /** Runs the service account's sign-in through the bridge's own login routes (sandbox). */
  loginServiceAccount(id: IntegrationId): Promise<void>
  close(): Promise<void>
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { config, log } = options
  const port = await resolvePort(config.http.host, config.http.port)
  const url = config.http.publicUrl?.replace(/\/$/, '') ?? `http://${config.http.host}:${port}`
  const infra = await openInfrastructure(config, log, url, options.clock)
  const { clock, metrics, store, queue, secrets, blobs, limiter } = infra

  // Circuit state per remote key shows as cxb_circuit_state in /metrics.
  const breaker = createCircuitBreaker({ clock, metrics })
  const http = createHttpClient({
    breaker,
    limiter,
    clock,
    metrics,
    log: log.child({ component: 'http-client' }),
    dispatcher: infra.dispatcher,
  })
  const deps: ConnectorDeps = {
    http,
    clock,
    log,
    secrets,
    blobs,
    limiter,
    metrics,
    state: store.state,
    cache: infra.keyValue,
    subscriptions: store.subscriptions,
    publicUrl: url,
    trustedHosts: config.trustedHosts,
  }
  const connectors: readonly ConnectorDefinition<ConnectorDeps>[] = connectorDefinitions
  const clients = createClientRegistry(connectors, store.integrations, deps)
  const flowDeps: FlowDeps = {
    store,
    queue,
    blobs,
    clock,
    log,
    metrics,
    clients,
    attachments: config.attachments,
    resequenceWindowMs: config.ordering.resequenceWindowMs,
  }

  const aiBot = aiBotComposition(config, infra, deps)

  if (options.roles.worker) {
    // Whatever happened while the bridge was down is listed and replayed, without doubles. The
    // catch-up jobs are queued before the webhooks open, so they head their chats' lanes.
    await enqueueCatchUpForAll(flowDeps, 'start', startRound(config, clock.nowMs())).catch(
      (err: unknown) => log.warn({ err }, 'catch-up scheduling failed'),
    )
  }

  const ops = { checks: readinessChecks(infra), renderMetrics: () => metrics.render() }
  let server: FastifyInstance | undefined
  let webhookConnectors: readonly WebhookConnector[] = []
  if (options.roles.http) {
    const adminToken = config.admin.tokenSecret
    const accounts = accountAdmin({ store, clock })
    webhookConnectors = [
      ...connectors.map((c) => ({ kind: c.kind, side: c.side, routes: c.webhooks(deps) })),
      aiBot.webhook,
    ]
    server = await buildHttpServer({
      log,
      version: VERSION,
      webhooks: {
        connectors: webhookConnectors,
        integrations: { get: (id) => clients.cachedIntegration(id) },
        queue,
        metrics,
        toJobs: jobsForEnvelopes,
        bodyLimitBytes: config.http.bodyLimitBytes,
        publicUrl: url,
      },
      ops,
      serveBlob: (key, query) => serveBlob(blobs, key, query),
      admin: {
        queue,
        authorize: requireAdmin(
          async () => (adminToken ? secrets.get(adminToken) : undefined),
          (token) => accounts.authenticate(token),
        ),
      },
      api: {
        accounts,
        integrations: integrationAdmin({
          store,
          secrets,
          kinds: managedKinds(deps),
          clock,
          log,
          // Webhook lookups and opened clients of a changed or deleted integration go at once.
          onChanged: (id) => clients.invalidate(id),
          newId: () => uuidV7(clock.nowMs()),
        }),
      },
      plugins: [
        serviceAccountLoginRoutes({
          logins: serviceAccountLogins(store.integrations, deps),
          cipher: infra.cipher,
          publicUrl: url,
          now: () => clock.nowMs(),
        }),
      ],
    })
    await server.listen({ host: config.http.host, port })
    log.info({ url }, 'listening')
  }

  let singletons: { stop(): void } | undefined
  if (options.roles.worker) {
    const handlers = {
      ...workerHandlers(flowDeps),
      ...aiBot.handlers(),
      ...retentionHandlers(config, infra),
    }
    queue.work(handlers, { concurrency: config.queue.concurrency })
    // After the webhooks are open: creating a Graph subscription needs its validation handshake.
    const offers = offerSingletons(fleetSingletons(config), {
      queue,
      clock,
      log,
    })
    await offers.offered
    singletons = offers
  }

  if (!server) {
    // A worker-only process answers /healthz, /readyz and /metrics, nothing else.
    server = await buildOpsServer({ log, ops })
    await server.listen({ host: config.http.host, port })
    log.info({ url: `http://${config.http.host}:${port}` }, 'operations endpoints listening')
  }

  return {
    url,
    infra,
    deps,
    http: server,
    webhooks: webhookConnectors.flatMap((c) =>
      c.routes.map((r) => ({ kind: c.kind, path: r.path })),
    ),
    invalidate: (id) => clients.invalidate(id),
    async keepSubscriptionsNow() {
      await queue.enqueue([
        {
          task: TASKS.keepSubscriptions,
          payload: {},
          lane: singletonLane(KEEP_SUBSCRIPTIONS),
          dedupeKey: `keep:now:${randomUUID()}`,
        },
      ])
    },
    async loginServiceAccount(id) {
      // Follows the redirects a browser would: bridge → Microsoft sign-in → bridge callback.
      const response = await fetch(`${url}/auth/microsoft/${id}/login`, {
        redirect: 'follow',
        ...(infra.dispatcher ? { dispatcher: infra.dispatcher } : {}),
      })
      if (!response.ok)
        throw new Error(
          `service account sign-in failed: ${response.status} ${await response.text()}`,
        )
    },
    async close() {
      singletons?.stop()
      const step = async (name: string, run: () => Promise<unknown> | undefined) => {
        const started = clock.nowMs()
        await run()
        const tookMs = clock.nowMs() - started
        if (tookMs > 2_000) log.warn({ step: name, tookMs }, 'slow shutdown step')
      }
      await step('http', () => server && closeWithin(server, 5_000))
      // Jobs still running after the grace period are given back as queued (not failed), so
      // another worker takes them at once.
      await step('queue.stop', () => queue.stop(config.queue.stopGraceMs))
      await step('queue.close', () => queue.close())
      await step('redis.close', () => infra.redis?.close())
      await step('store.close', () => store.close())
    },
  }
}

const KEEP_SUBSCRIPTIONS = 'keep-subscriptions'

/** Jobs run once per period across every worker sharing the queue (see singletons.ts). */
function fleetSingletons(config: Config): Singleton[] {
  return [
    {
      name: KEEP_SUBSCRIPTIONS,
      task: TASKS.keepSubscriptions,
      everyMs: config.subscriptions.checkIntervalMs,
    },
    // A safety net for notifications Graph dropped or delayed (it throttles endpoints it found
    // slow or unreachable): every watched chat is listed again now and then.
    {
      name: 'catch-up-sweep',
      task: TASKS.catchUpSweep,
      everyMs: config.subscriptions.catchUpIntervalMs,
    },
    retentionSingleton(config),
  ]
}

const SINGLETON_TASKS: ReadonlySet<string> = new Set([TASKS.keepSubscriptions, TASKS.catchUpSweep])

function workerHandlers(deps: FlowDeps): Record<string, JobHandler> {
  return Object.fromEntries(
    Object.entries(customerChatHandlers(deps)).map(([task, handler]) => [
      task,
      SINGLETON_TASKS.has(task) ? singletonHandler(handler) : handler,
    ]),
  )
}

/** Starts within this window share one catch-up round when workers share a queue. */
const FLEET_START_ROUND_MS = 60_000

/**
 * The embedded bridge is down whenever its process is, so each start catches up on its own. In a
 * fleet (a shared queue) one worker's restart is no downtime: the webhooks stayed open in the web
 * processes, so workers starting close together (a whole-fleet restart) share one round.
 */
function startRound(config: Config, nowMs: number): string | undefined {
  return config.queue.url ? `fleet:${Math.floor(nowMs / FLEET_START_ROUND_MS)}` : undefined
}

/** Port 0 means "any free port"; the public URL must be known before the routes are built. */
export async function resolvePort(host: string, port: number): Promise<number> {
  if (port !== 0) return port
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, host, () => {
      const address = probe.address()
      const free = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(free))
    })
  })
}

/**
 * Stops accepting, lets requests in flight finish for a while, then cuts what is left: a request
 * cut before its durable write was never acknowledged, so its remote sends it again.
 */
async function closeWithin(server: FastifyInstance, graceMs: number): Promise<void> {
  const deadline = setTimeout(() => server.server.closeAllConnections(), graceMs)
  try {
    await server.close()
  } finally {
    clearTimeout(deadline)
  }
}
