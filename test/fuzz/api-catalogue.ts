import { DEMO } from '../../src/app/sandbox-seed.ts'
import { API_SCOPES } from '../../src/core/model/account.ts'
import { accountAdmin } from '../../src/flows/admin/accounts.ts'
import type { Endpoint } from './endpoint.ts'
import type { FuzzBridge } from './fuzz-bridge.ts'
import { type FuzzRequest, headersOf } from './fuzz-request.ts'

export interface ApiCatalogue {
  readonly endpoints: readonly Endpoint[]
  /** The account's key: its near misses are tried on every endpoint. */
  readonly key: string
}

const PAGE_QUERY = ['cursor', 'take', 'order']

/**
 * The multi-account admin API (docs/api.md): one account with every scope but `jobs:admin`,
 * integrations of its own to read, change and delete, spare keys to revoke, and cursors to page
 * with. A genuine request carries the account's key; only such a request may store anything,
 * and only when it succeeded (or, as documented, when the Setup after an update fails: 409).
 */
export async function buildApiCatalogue(bridge: FuzzBridge): Promise<ApiCatalogue> {
  const { s } = bridge
  const accounts = accountAdmin({ store: s.bridge.infra.store, clock: s.bridge.infra.clock })
  const scopes = API_SCOPES.filter((scope) => scope !== 'jobs:admin')
  const { account, token: key } = await accounts.createAccount('fuzz', { scopes })
  const spareKeys = await Promise.all(
    [1, 2, 3].map((n) => accounts.createKey(account.id, `spare ${n}`, ['integrations:read'])),
  )
  const auth = { authorization: `Bearer ${key}` }
  const api = async (method: 'GET' | 'POST', url: string, body?: object) => {
    const response = await bridge.inject({
      method,
      url,
      headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
      ...(body && { body: JSON.stringify(body) }),
    })
    if (response.status >= 400)
      throw new Error(`${method} ${url}: ${response.status} ${response.body}`)
    return JSON.parse(response.body) as { id: string; cursor: string | null }
  }
  const botSettings = {
    responder: 'sandbox',
    appId: DEMO.botApp.appId,
    appSecret: DEMO.botApp.secret,
    authorityHost: s.identity.url,
  }
  const newBot = (name: string) =>
    api('POST', '/api/v1/integrations', {
      kind: 'microsoft-teams-bot',
      name,
      meta: { team: 'fuzz' },
      settings: botSettings,
    })
  const kept = await Promise.all(['kept 1', 'kept 2'].map(newBot))
  const doomed = await Promise.all(['doomed 1', 'doomed 2'].map(newBot))
  const ids = kept.map((i) => i.id)
  // Two Setup runs: two events, so a page of one has a cursor.
  await api('POST', `/api/v1/integrations/${ids[0]}/setup`)
  const cursor = async (url: string) => (await api('GET', url)).cursor ?? 'none'
  const integrationsCursor = await cursor('/api/v1/integrations?take=1')
  const eventsCursor = await cursor(`/api/v1/integrations/${ids[0]}/events?take=1`)

  const genuine = (request: FuzzRequest) =>
    headersOf(request, 'authorization').some((v) => /^Bearer +(\S+)\s*$/i.exec(v)?.[1] === key)
  const request = (method: string, url: string, body?: object): FuzzRequest => ({
    method,
    url,
    headers: body ? { ...auth, 'content-type': 'application/json' } : auth,
    ...(body && { body: JSON.stringify(body) }),
  })
  const endpoint = (
    name: string,
    route: string,
    path: Endpoint['path'],
    seeds: FuzzRequest[],
    more: Partial<Endpoint> = {},
  ): Endpoint => ({
    name: `admin API: ${name}`,
    routes: [route],
    method: route.split(' ')[0]!,
    path,
    seeds,
    genuine,
    mayWrite: ['store'],
    ...more,
  })
  const v1 = ['api', 'v1'] as const
  const one = [...v1, 'integrations', { valid: ids }] as const
  const each = (make: (id: string) => FuzzRequest) => ids.map(make)

  const endpoints: Endpoint[] = [
    endpoint(
      'account',
      'GET /api/v1/account',
      [...v1, 'account'],
      [request('GET', '/api/v1/account')],
    ),
    endpoint('list keys', 'GET /api/v1/keys', [...v1, 'keys'], [request('GET', '/api/v1/keys')]),
    endpoint(
      'create a key',
      'POST /api/v1/keys',
      [...v1, 'keys'],
      [
        request('POST', '/api/v1/keys', {
          name: 'made by the fuzzer',
          scopes: ['integrations:read'],
        }),
        request('POST', '/api/v1/keys', { name: 'k', scopes: ['events:read', 'contacts:read'] }),
      ],
    ),
    endpoint(
      'revoke a key',
      'DELETE /api/v1/keys/:keyId',
      [...v1, 'keys', { valid: spareKeys.map((k) => k.key.id) }],
      spareKeys.map((k) => request('DELETE', `/api/v1/keys/${k.key.id}`)),
    ),
    endpoint(
      'create an integration',
      'POST /api/v1/integrations',
      [...v1, 'integrations'],
      [
        request('POST', '/api/v1/integrations', {
          kind: 'microsoft-teams-bot',
          name: 'made by the fuzzer',
          description: 'd',
          enabled: false,
          meta: { team: 'fuzz', region: 'eu' },
          settings: { ...botSettings, sessionDurationMs: 60_000, allowFrom: ['@contoso.example'] },
        }),
        request('POST', '/api/v1/integrations', {
          kind: 'genesys-open-messaging',
          name: 'g',
          settings: {
            openMessagingIntegrationId: DEMO.genesys.integrationId,
            loginBaseUrl: s.genesys.url,
            apiBaseUrl: s.genesys.url,
            clientId: DEMO.genesys.clientId,
            clientSecret: DEMO.genesys.clientSecret,
            webhookSecret: DEMO.genesys.webhookToken,
          },
        }),
      ],
    ),
    endpoint(
      'list integrations',
      'GET /api/v1/integrations',
      [...v1, 'integrations'],
      [
        request('GET', '/api/v1/integrations?take=2&order=asc'),
        request('GET', `/api/v1/integrations?take=1&cursor=${integrationsCursor}`),
        request('GET', '/api/v1/integrations?meta[team]=fuzz&meta[region]=eu'),
      ],
      { queryNames: [...PAGE_QUERY, 'meta[team]', 'meta[__proto__]', 'meta[]', 'meta'] },
    ),
    endpoint(
      'fetch an integration',
      'GET /api/v1/integrations/:id',
      one,
      each((id) => request('GET', `/api/v1/integrations/${id}`)),
    ),
    endpoint(
      'update an integration',
      'PATCH /api/v1/integrations/:id',
      one,
      each((id) =>
        request('PATCH', `/api/v1/integrations/${id}`, {
          name: 'renamed',
          description: null,
          meta: { team: 'fuzz', gone: null },
          settings: { stream: false, allowFrom: null },
        }),
      ),
      // docs/api.md: an update whose Setup fails is still saved (409, details.saved).
      { refusalsThatWrite: [409] },
    ),
    endpoint(
      'delete an integration',
      'DELETE /api/v1/integrations/:id',
      [...v1, 'integrations', { valid: doomed.map((i) => i.id) }],
      doomed.map((i) => request('DELETE', `/api/v1/integrations/${i.id}`)),
    ),
    endpoint(
      'run Setup',
      'POST /api/v1/integrations/:id/setup',
      [...one, 'setup'],
      each((id) => request('POST', `/api/v1/integrations/${id}/setup`)),
      // Every check is written to the event log, a failed one too (409).
      { refusalsThatWrite: [409] },
    ),
    endpoint(
      'contacts',
      'GET /api/v1/integrations/:id/contacts',
      [...one, 'contacts'],
      each((id) => request('GET', `/api/v1/integrations/${id}/contacts?take=5&order=asc`)),
      { queryNames: PAGE_QUERY },
    ),
    endpoint(
      'events',
      'GET /api/v1/integrations/:id/events',
      [...one, 'events'],
      [
        ...each((id) => request('GET', `/api/v1/integrations/${id}/events?take=1`)),
        request('GET', `/api/v1/integrations/${ids[0]}/events?take=1&cursor=${eventsCursor}`),
      ],
      { queryNames: PAGE_QUERY },
    ),
  ]
  return { endpoints, key }
}
