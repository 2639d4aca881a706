import { X509Certificate } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Fastify, { type FastifyInstance } from 'fastify'

import { type GraphEmulator, startGraphEmulator } from '../../emulators/graph/index.ts'
import { EmulatorClock } from '../../emulators/kit/clock.ts'
import { emulatorTls } from '../../emulators/kit/server.ts'
import { emulatorFetch } from '../../emulators/kit/tls-fetch.ts'
import {
  GRAPH_RESOURCE,
  type IdentityEmulator,
  startIdentityEmulator,
} from '../../emulators/microsoft-identity/index.ts'
import {
  createGraphChannelClient,
  createGraphWebhookRoutes,
  type GraphChannelClient,
  graphTokensFor,
  graphTokenVerifiers,
} from '../../src/connectors/microsoft/graph/index.ts'
import { createDelegatedLogin } from '../../src/connectors/microsoft/identity/index.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import { createExtraCaAgent, createHttpClient } from '../../src/connectors/shared/http-client.ts'
import type { InboundEnvelope } from '../../src/core/events.ts'
import { integrationId } from '../../src/core/model/ids.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import type { JobSpec } from '../../src/core/ports/job-queue.ts'
import { errorHandler } from '../../src/http/errors.ts'
import { webhookRoutes } from '../../src/http/webhooks/plugin.ts'
import { createLocalBlobStore } from '../../src/infra/blob/local-disk.ts'
import { createMemoryRateLimiter } from '../../src/infra/limits/memory-limiter.ts'
import { createPrometheusMetrics } from '../../src/infra/metrics/prometheus.ts'
import { openStore } from '../../src/infra/store/index.ts'
import { memorySecrets, silentLog } from './botframework-support.ts'

export const TENANT = '84bd8158-6d4d-4958-8b9f-9d6445542f95'
export const APP = {
  appId: '8e460676-ae3f-4b1e-8790-ee0fb5d6148f',
  secret: 'graph~secret',
  tenantId: TENANT,
  redirectUris: ['https://bridge.example/admin/microsoft/login'],
  appRoles: { [GRAPH_RESOURCE]: ['Chat.Read.All', 'Files.Read.All'] },
}
export const ALICE = {
  id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
  displayName: 'Alice Kline',
  upn: 'alice@contoso.example',
  tenantId: TENANT,
}
export const SERVICE = {
  id: 'f5d48856-5b42-41a0-8c3a-c5f944b679b0',
  displayName: 'Service Desk',
  upn: 'desk@contoso.example',
  tenantId: TENANT,
}
export const CLIENT_STATE = 'cs-3f2a9b7e-41d0-4c55-9d7e-5b1c0e7a8f21'

/** The connectors' Clock over the emulators' clock, so Graph, Entra and the bridge agree. */
const clockOf = (clock: EmulatorClock): Clock => ({
  now: () => clock.now(),
  nowMs: () => clock.nowMs(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, ms)
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        reject(signal.reason as Error)
      })
    }),
})

export interface GraphWorld {
  readonly clock: EmulatorClock
  readonly idp: IdentityEmulator
  readonly graph: GraphEmulator
  readonly chatId: string
  readonly integration: Integration
  readonly deps: ConnectorDeps
  readonly client: GraphChannelClient
  readonly subscriptions: Awaited<ReturnType<typeof openStore>>['subscriptions']
  /** Envelopes the bridge's webhook edge accepted and enqueued, in order. */
  readonly received: InboundEnvelope[]
  /** Webhook requests by path and status, e.g. `/notifications 202`. */
  readonly hits: string[]
  close(): Promise<void>
}

/**
 * Identity and Graph emulators, the bridge's real webhook edge on port 0 with the Graph routes,
 * the real HttpClient and a SQLite store: one integration watching one chat (Alice and the
 * service account), rich notifications on, the service account signed in.
 */
export async function startGraphWorld(
  notifications: JsonObject = {},
  settings: JsonObject = {},
): Promise<GraphWorld> {
  const clock = new EmulatorClock()
  const connectorClock = clockOf(clock)
  const idp = await startIdentityEmulator({ clock, apps: [APP], users: [ALICE, SERVICE] })
  const graph = await startGraphEmulator({
    identity: idp,
    tenantId: TENANT,
    clock,
    users: [ALICE, SERVICE],
  })
  const chat = graph.control.addChat({ memberIds: [ALICE.id, SERVICE.id], topic: 'Support' })
  const tls = emulatorTls()
  const metrics = createPrometheusMetrics({ defaultMetrics: false })
  const limiter = createMemoryRateLimiter({ budgets: {}, clock: connectorClock })
  const http = createHttpClient({
    limiter,
    clock: connectorClock,
    metrics,
    log: silentLog,
    dispatcher: createExtraCaAgent(tls.cert),
    backoff: { baseMs: 10, maxMs: 50 },
  })
  const secrets = memorySecrets({
    'graph-secret': APP.secret,
    'client-state': CLIENT_STATE,
    'graph-key': tls.key.toString(),
  })
  const store = await openStore({ url: 'sqlite::memory:', clock: connectorClock })
  await store.migrate()

  const received: InboundEnvelope[] = []
  const hits: string[] = []
  const edge = await startEdge({
    routes: createGraphWebhookRoutes({
      secrets,
      clock: connectorClock,
      tokenVerifier: graphTokenVerifiers({ http, clock: connectorClock }),
    }),
    integration: () => integration,
    received,
    hits,
    metrics,
  })
  // Built apart from its type so it also fits ConnectorDeps versions without `subscriptions`.
  const ports = {
    http,
    clock: connectorClock,
    log: silentLog,
    secrets,
    blobs: createLocalBlobStore({
      dir: mkdtempSync(join(tmpdir(), 'cxb-graph-')),
      publicUrl: 'http://127.0.0.1:1/blobs',
      signingKey: Buffer.alloc(32, 7),
      clock: connectorClock,
    }),
    limiter,
    metrics,
    state: store.state,
    cache: store.keyValue,
    subscriptions: store.subscriptions,
    publicUrl: edge.url,
    trustedHosts: [new URL(graph.url).host],
  }
  const deps: ConnectorDeps = ports
  const stored = await store.integrations.create({
    kind: 'microsoft-teams',
    name: 'Teams via Graph',
    settings: {
      tenantId: TENANT,
      clientId: APP.appId,
      clientSecretName: 'graph-secret',
      authorityHost: idp.url,
      graphBaseUrl: graph.url,
      sendAs: 'service-account',
      serviceAccount: { userId: SERVICE.id, refreshTokenName: 'svc-refresh' },
      notifications: {
        clientStateName: 'client-state',
        includeResourceData: true,
        encryptionCertificate: new X509Certificate(tls.cert).raw.toString('base64'),
        encryptionCertificateId: 'bridge-cert-1',
        encryptionPrivateKeyName: 'graph-key',
        chatIds: [chat.id],
        ...notifications,
      },
      attachmentHosts: ['127.0.0.1', '.sharepoint.com'],
      ...settings,
    },
  })
  const integration: Integration = { ...stored, id: integrationId(stored.id) }
  await signInServiceAccount(idp, integration, deps)
  const client = createGraphChannelClient({
    integration,
    deps,
    subscriptions: store.subscriptions,
    tokens: graphTokensFor(integration, deps),
  })
  return {
    clock,
    idp,
    graph,
    chatId: chat.id,
    integration,
    deps,
    client,
    subscriptions: store.subscriptions,
    received,
    hits,
    async close() {
      await edge.app.close()
      await graph.close()
      await idp.close()
      await store.close()
    },
  }
}

/** The operator's one-time login of the service account (auth code + PKCE). */
async function signInServiceAccount(
  idp: IdentityEmulator,
  integration: Integration,
  deps: ConnectorDeps,
) {
  const login = createDelegatedLogin({
    authorityHost: idp.url,
    tenant: TENANT,
    clientId: APP.appId,
    clientSecretName: 'graph-secret',
    refreshTokenName: 'svc-refresh',
    secrets: deps.secrets,
    http: deps.http,
    clock: deps.clock,
    log: silentLog,
  })
  const redirectUri = APP.redirectUris[0]!
  const { url, codeVerifier } = login.beginLogin({ redirectUri, state: integration.id })
  idp.control.signIn(SERVICE.id)
  const answer = await emulatorFetch(url, { redirect: 'manual' })
  const code = new URL(answer.headers.get('location') ?? '').searchParams.get('code') ?? ''
  await login.completeLogin(code, codeVerifier, redirectUri)
}

async function startEdge(input: {
  routes: ReturnType<typeof createGraphWebhookRoutes>
  integration: () => Integration
  received: InboundEnvelope[]
  hits: string[]
  metrics: ConnectorDeps['metrics']
}): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify()
  app.setErrorHandler(errorHandler(silentLog))
  app.addHook('onResponse', async (req, reply) => {
    input.hits.push(`${req.url.split('?')[0]?.split('/').pop()} ${reply.statusCode}`)
  })
  let publicUrl = ''
  await app.register(webhookRoutes, {
    connectors: [{ kind: 'microsoft-teams', side: 'channel', routes: input.routes }],
    integrations: {
      get: async (id) => (id === input.integration().id ? input.integration() : undefined),
    },
    queue: {
      accept: async (jobs: readonly JobSpec[]) => {
        for (const job of jobs) input.received.push(job.payload as unknown as InboundEnvelope)
      },
    },
    metrics: input.metrics,
    toJobs: (_side, _id, envelopes) =>
      envelopes.map((e) => ({ task: 'test', payload: e as never, dedupeKey: e.dedupeKey })),
    bodyLimitBytes: 4 * 1024 * 1024,
    get publicUrl() {
      return publicUrl
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  publicUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  return { app, url: publicUrl }
}
