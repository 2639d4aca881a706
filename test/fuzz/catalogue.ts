import { createHmac } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'

import { DEMO } from '../../src/app/sandbox-seed.ts'
import { WEBHOOKS } from '../http/webhook-harness.ts'
import {
  botActivity,
  botToken,
  genesysMessage,
  graphNotification,
} from '../http/webhook-requests.ts'
import { buildApiCatalogue } from './api-catalogue.ts'
import { signatureValue } from './arbitraries.ts'
import type { Endpoint, ForgeryHints } from './endpoint.ts'
import type { FuzzBridge } from './fuzz-bridge.ts'
import {
  bodyBytes,
  type FuzzRequest,
  headerOf,
  jsonOf,
  pathOf,
  queryOf,
  withHeader,
} from './fuzz-request.ts'

/**
 * Every public endpoint of the bridge, with genuine requests to mutate and what makes a request
 * genuine. A route added to the bridge fails the coverage check (socket.fuzz.test.ts) until it has an entry here; the
 * least an entry needs is a name, its route, method and path: see `publicEndpoint`.
 */
export interface Catalogue {
  readonly hints: ForgeryHints
  readonly webhooks: readonly Endpoint[]
  readonly operations: readonly Endpoint[]
  readonly admin: readonly Endpoint[]
  readonly api: readonly Endpoint[]
}

export const all = (c: Catalogue): Endpoint[] => [
  ...c.webhooks,
  ...c.operations,
  ...c.admin,
  ...c.api,
]

const json = (value: unknown) => JSON.stringify(value)
const post = (url: string, body: string, headers: Record<string, string> = {}): FuzzRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json', ...headers },
  body,
})
const get = (url: string, headers: Record<string, string> = {}): FuzzRequest => ({
  method: 'GET',
  url,
  headers,
})

/** The minimum for a new route: fuzzed with random requests, never expected to store anything. */
export function publicEndpoint(
  name: string,
  route: string,
  path: Endpoint['path'],
  more: Partial<Endpoint> = {},
): Endpoint {
  return { name, routes: [route], method: route.split(' ')[0]!, path, ...more }
}

/**
 * A connector webhook under `/webhooks/{kind}/{integrationId}{path}`, tried with every demo
 * integration of its kind. The minimum for a new one is `webhook(kind, ids, path)`.
 */
export function webhook(
  kind: string,
  integrationIds: readonly string[],
  path: string,
  more: Partial<Endpoint> = {},
): Endpoint {
  return {
    name: `webhook ${kind}${path}`,
    routes: ['POST /webhooks/:kind/:integrationId/*'],
    webhook: { kind, path },
    method: 'POST',
    path: ['webhooks', { valid: [kind] }, { valid: integrationIds }, ...path.slice(1).split('/')],
    mayWrite: ['queue'],
    ...more,
  }
}

export async function buildCatalogue(bridge: FuzzBridge): Promise<Catalogue> {
  const { s, adminToken } = bridge
  const api = await buildApiCatalogue(bridge)
  bridge.secrets.push(api.key)
  const baseToken = await botToken(s)
  const keyId = (
    JSON.parse(Buffer.from(baseToken.split('.')[0]!, 'base64url').toString()) as { kid: string }
  ).kid

  // Bot Framework: a token is bound to the activity's serviceUrl, so a re-signed request gets a
  // token for whatever serviceUrl its mutated body names (a few hundred at most), per bot app.
  const mintedTokens = new Set([baseToken])
  const botSigner = (appId: string, base: string) => {
    const tokens = new Map<string, string>([[s.botframework.serviceUrl, base]])
    return async (request: FuzzRequest) => {
      const serviceUrl = (jsonOf(request) as { serviceUrl?: unknown } | undefined)?.serviceUrl
      let token = typeof serviceUrl === 'string' ? tokens.get(serviceUrl) : base
      if (!token && typeof serviceUrl === 'string' && tokens.size < 300) {
        token = await botToken(s, { aud: appId, serviceurl: serviceUrl })
        tokens.set(serviceUrl, token)
        mintedTokens.add(token)
      }
      return withHeader(request, 'authorization', `Bearer ${token ?? base}`)
    }
  }
  const aiBotToken = await botToken(s, { aud: DEMO.aiBotApp.appId })
  mintedTokens.add(aiBotToken)
  const bearerOf = (request: FuzzRequest) =>
    /^Bearer (\S+)$/.exec(headerOf(request, 'authorization') ?? '')?.[1]
  const botGenuine = (request: FuzzRequest) => mintedTokens.has(bearerOf(request) ?? '')

  // Genesys: HMAC-SHA256 of the exact bytes, base64, keyed with the webhook token.
  const genesysSignature = (body: Buffer) =>
    `sha256=${createHmac('sha256', DEMO.genesys.webhookToken).update(body).digest('base64')}`
  const signGenesys = (request: FuzzRequest) =>
    withHeader(request, 'x-hub-signature-256', genesysSignature(bodyBytes(request)))
  const genesysGenuine = (request: FuzzRequest) => {
    const header = headerOf(request, 'x-hub-signature-256')
    if (!header || header.slice(0, 7).toLowerCase() !== 'sha256=') return false
    return header.slice(7).trim() === genesysSignature(bodyBytes(request)).slice(7)
  }

  // Graph: the clientState in every notification is the only proof a basic notification has.
  const graphGenuine = (request: FuzzRequest) => {
    if (!bodyBytes(request).includes(DEMO.clientState)) return false
    const value = (jsonOf(request) as { value?: unknown } | undefined)?.value
    return (
      Array.isArray(value) &&
      value.length > 0 &&
      value.every(
        (item: { clientState?: unknown } | null) => item?.clientState === DEMO.clientState,
      )
    )
  }
  const graphHandshake = (request: FuzzRequest) => queryOf(request).has('validationToken')
  const chat = s.demo.chatId
  const graphSeeds = (url: string) => [
    post(url, json(graphNotification(s))),
    post(url, json(graphNotification(s, { changeType: 'updated' }))),
    post(
      url,
      json(graphNotification(s, { lifecycleEvent: 'missed', resource: `/chats/${chat}/messages` })),
    ),
    post(url, json(graphNotification(s, { lifecycleEvent: 'reauthorizationRequired' }))),
    post(url, json(graphNotification(s, { lifecycleEvent: 'subscriptionRemoved' }))),
    {
      method: 'POST',
      url: `${url}?validationToken=${encodeURIComponent('Validation: Testing client application reachability for subscription Request-Id: 1')}`,
      headers: {},
    },
  ]
  const teamsIds = [DEMO.integrations.teams, DEMO.integrations.bot]

  const botSeed = (overrides: Record<string, unknown>) =>
    post(WEBHOOKS.bot, json(botActivity(s, overrides)), { authorization: `Bearer ${baseToken}` })
  const aiBotUrl = `/webhooks/microsoft-teams-bot/${DEMO.integrations.aiBot}/messages`
  const aiBotSeed = (overrides: Record<string, unknown>) =>
    post(
      aiBotUrl,
      json(
        botActivity(s, {
          recipient: { id: `28:${DEMO.aiBotApp.appId}`, name: 'AI' },
          ...overrides,
        }),
      ),
      { authorization: `Bearer ${aiBotToken}` },
    )
  const fixtures = new URL('../../src/connectors/genesys/open-messaging/fixtures/', import.meta.url)
  const genesysBodies = [
    json(genesysMessage(s)),
    json(genesysMessage(s, { type: 'Receipt', status: 'Delivered', isFinalReceipt: true })),
    json(
      genesysMessage(s, {
        type: 'Event',
        events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
      }),
    ),
    ...readdirSync(fixtures)
      .filter((f) => f.endsWith('.json'))
      .map((f) => json(JSON.parse(readFileSync(new URL(f, fixtures), 'utf8')))),
  ]

  // A connector webhook added later is one more line here; the coverage check names missing ones.
  const webhooks: Endpoint[] = [
    webhook('microsoft-teams', teamsIds, '/notifications', {
      name: 'Graph change notifications',
      queryNames: ['validationToken'],
      seeds: graphSeeds(WEBHOOKS.graphNotifications),
      genuine: graphGenuine,
      anonymous: graphHandshake,
    }),
    webhook('microsoft-teams', teamsIds, '/lifecycle', {
      name: 'Graph lifecycle notifications',
      queryNames: ['validationToken'],
      seeds: graphSeeds(WEBHOOKS.graphLifecycle),
      genuine: graphGenuine,
      anonymous: graphHandshake,
    }),
    webhook('microsoft-teams', teamsIds, '/messages', {
      name: 'Bot Framework messaging endpoint',
      seeds: [
        botSeed({}),
        botSeed({ type: 'conversationUpdate', membersAdded: [{ id: `28:${DEMO.botApp.appId}` }] }),
        botSeed({ type: 'messageReaction', reactionsAdded: [{ type: 'like' }], replyToId: '1' }),
        botSeed({ type: 'typing' }),
        botSeed({ type: 'installationUpdate', action: 'add' }),
        botSeed({
          attachments: [
            {
              contentType: 'image/png',
              contentUrl: `${s.botframework.serviceUrl}/x.png`,
              name: 'x.png',
            },
          ],
        }),
        botSeed({
          conversation: {
            conversationType: 'groupChat',
            id: '19:x@thread.v2',
            tenantId: DEMO.tenantId,
          },
        }),
      ],
      sign: botSigner(DEMO.botApp.appId, baseToken),
      genuine: botGenuine,
    }),
    // The Teams AI bot (answered by a responder): the same Connector token, for its own app.
    webhook('microsoft-teams-bot', [DEMO.integrations.aiBot], '/messages', {
      name: 'Teams AI bot messaging endpoint',
      seeds: [
        aiBotSeed({}),
        aiBotSeed({ text: '///reset' }),
        aiBotSeed({
          type: 'conversationUpdate',
          membersAdded: [{ id: `28:${DEMO.aiBotApp.appId}` }],
        }),
        aiBotSeed({ type: 'installationUpdate', action: 'add' }),
        aiBotSeed({
          conversation: {
            conversationType: 'groupChat',
            id: '19:x@thread.v2',
            tenantId: DEMO.tenantId,
          },
          entities: [
            { type: 'mention', mentioned: { id: `28:${DEMO.aiBotApp.appId}`, name: 'AI' } },
          ],
        }),
      ],
      sign: botSigner(DEMO.aiBotApp.appId, aiBotToken),
      genuine: botGenuine,
    }),
    webhook('genesys-open-messaging', [DEMO.integrations.genesys], '/outbound', {
      name: 'Genesys Open Messaging outbound webhook',
      credentialHeaders: { 'x-hub-signature-256': signatureValue },
      seeds: genesysBodies.map((body) =>
        post(WEBHOOKS.genesys, body, {
          'x-hub-signature-256': genesysSignature(Buffer.from(body)),
        }),
      ),
      sign: signGenesys,
      genuine: genesysGenuine,
    }),
  ]

  const blob = await s.bridge.infra.blobs.put(Buffer.from('fuzz blob'), {
    name: 'fuzz.txt',
    mediaType: 'text/plain',
  })
  const blobUrl = new URL(s.bridge.infra.blobs.signedUrl(blob.key, 86_400_000))
  const blobGenuine = (request: FuzzRequest) => {
    const query = queryOf(request)
    const key = decodeURIComponentSafe(pathOf(request).split('/')[2] ?? '')
    return s.bridge.infra.blobs.verify(key, Number(query.get('exp')), query.get('sig') ?? '')
  }
  const docsPaths = [
    '',
    'json',
    'yaml',
    'static/index.html',
    'static/swagger-initializer.js',
    'static/favicon-32x32.png',
  ]

  const operations: Endpoint[] = [
    publicEndpoint('liveness', 'GET /healthz', ['healthz'], {
      anonymous: true,
      seeds: [get('/healthz')],
    }),
    publicEndpoint('readiness', 'GET /readyz', ['readyz'], {
      anonymous: true,
      seeds: [get('/readyz')],
    }),
    publicEndpoint('metrics', 'GET /metrics', ['metrics'], {
      anonymous: true,
      seeds: [get('/metrics')],
    }),
    publicEndpoint('OpenAPI document and UI', 'GET /docs', ['docs', { valid: docsPaths }], {
      routes: [
        'GET /docs',
        'GET /docs/',
        'GET /docs/*',
        'GET /docs/json',
        'GET /docs/yaml',
        'GET /docs/static/index.html',
        'GET /docs/static/swagger-initializer.js',
        'GET /docs/static/*',
      ],
      anonymous: true,
      seeds: docsPaths.map((p) => get(`/docs/${p}`)),
    }),
    publicEndpoint('signed blob download', 'GET /blobs/:key', ['blobs', { valid: [blob.key] }], {
      queryNames: ['exp', 'sig'],
      seeds: [get(`${blobUrl.pathname}${blobUrl.search}`)],
      genuine: blobGenuine,
    }),
  ]

  const adminGenuine = (request: FuzzRequest) => {
    const given = /^Bearer +(\S+)\s*$/i.exec(headerOf(request, 'authorization') ?? '')?.[1]
    return given === adminToken
  }
  const admin = { authorization: `Bearer ${adminToken}` }
  const jobIds = bridge.parkedJobIds
  const jobAction = (action: 'retry' | 'skip'): Endpoint =>
    publicEndpoint(
      `jobs API: ${action}`,
      `POST /api/v1/jobs/:id/${action}`,
      ['api', 'v1', 'jobs', { valid: jobIds }, action],
      {
        seeds: jobIds.map((id) => ({
          method: 'POST',
          url: `/api/v1/jobs/${id}/${action}`,
          headers: admin,
        })),
        genuine: adminGenuine,
        mayWrite: ['queue'],
      },
    )

  const loginState = await pendingLoginState(bridge)
  const teams = DEMO.integrations.teams
  const adminEndpoints: Endpoint[] = [
    publicEndpoint('jobs API: stats', 'GET /api/v1/jobs/stats', ['api', 'v1', 'jobs', 'stats'], {
      seeds: [get('/api/v1/jobs/stats', admin)],
      genuine: adminGenuine,
    }),
    publicEndpoint('jobs API: parked', 'GET /api/v1/jobs/parked', ['api', 'v1', 'jobs', 'parked'], {
      seeds: [get('/api/v1/jobs/parked', admin)],
      genuine: adminGenuine,
    }),
    jobAction('retry'),
    jobAction('skip'),
    // The sign-in starts in the operator's browser, without credentials, by design.
    publicEndpoint(
      'service-account sign-in',
      'GET /auth/microsoft/:integrationId/login',
      ['auth', 'microsoft', { valid: teamsIds }, 'login'],
      { anonymous: true, seeds: [get(`/auth/microsoft/${teams}/login`)] },
    ),
    // Only Microsoft's one-time code makes a callback genuine; the fuzzer never has one.
    publicEndpoint(
      'service-account sign-in callback',
      'GET /auth/microsoft/:integrationId/callback',
      ['auth', 'microsoft', { valid: teamsIds }, 'callback'],
      {
        queryNames: ['code', 'state', 'error', 'error_description', 'session_state'],
        seeds: [
          get(
            `/auth/microsoft/${teams}/callback?code=0.AXo-fuzz&state=${encodeURIComponent(loginState)}`,
          ),
          get(
            `/auth/microsoft/${teams}/callback?error=access_denied&state=${encodeURIComponent(loginState)}`,
          ),
        ],
      },
    ),
  ]

  return {
    hints: {
      knownKeyIds: [keyId],
      audiences: [DEMO.botApp.appId, DEMO.aiBotApp.appId, DEMO.graphApp.appId],
      genuineCredentials: [
        `Bearer ${baseToken}`,
        `Bearer ${aiBotToken}`,
        `Bearer ${adminToken}`,
        `Bearer ${api.key}`,
      ],
    },
    webhooks,
    operations,
    admin: adminEndpoints,
    api: api.endpoints,
  }
}

/** A `state` the bridge issued for a sign-in (what an attacker can get by opening /login). */
async function pendingLoginState(bridge: FuzzBridge): Promise<string> {
  const response = await bridge.inject(get(`/auth/microsoft/${DEMO.integrations.teams}/login`))
  const location = String(response.headers['location'] ?? '')
  return new URL(location).searchParams.get('state') ?? 'no-state'
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
