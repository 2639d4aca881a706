import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import { integrationId } from '../../src/core/model/ids.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { JsonObject, JsonValue } from '../../src/core/model/json.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import type { KeyValueStore } from '../../src/core/ports/key-value.ts'
import type { RateBudget } from '../../src/core/ports/rate-limiter.ts'
import type { SecretStore } from '../../src/core/ports/secrets.ts'
import type { StateRepository } from '../../src/core/ports/store.ts'
import { createLocalBlobStore } from '../../src/infra/blob/local-disk.ts'
import { createMemoryRateLimiter } from '../../src/infra/limits/memory-limiter.ts'
import { createPrometheusMetrics } from '../../src/infra/metrics/prometheus.ts'
import { bridgeHttpClient, silentLog } from './identity-http.ts'

export { silentLog }

/** Secrets in memory (the encrypted store is infra's; connectors only see the port). */
export function memorySecrets(initial: Record<string, string>): SecretStore & {
  values: Map<string, string>
} {
  const values = new Map(Object.entries(initial))
  const get = async (name: string) => {
    const value = values.get(name)
    if (value === undefined) throw new Error(`no secret ${name}`)
    return value
  }
  return {
    values,
    get,
    reload: get,
    put: async (name, value) => void values.set(name, value),
    delete: async (name) => void values.delete(name),
    has: async (name) => values.has(name),
  }
}

function memoryState(): StateRepository {
  const data = new Map<string, JsonValue>()
  return {
    get: async <T extends JsonValue>(ns: string, key: string) =>
      data.get(`${ns}\u0000${key}`) as T | undefined,
    put: async (ns, key, value) => void data.set(`${ns}\u0000${key}`, value),
    delete: async (ns, key) => void data.delete(`${ns}\u0000${key}`),
    list: async <T extends JsonValue>(ns: string) =>
      [...data.entries()]
        .filter(([k]) => k.startsWith(`${ns}\u0000`))
        .map(([k, value]) => ({ key: k.slice(ns.length + 1), value: value as T })),
    purgeBefore: () => Promise.reject(new Error('unexpected state.purgeBefore')),
  }
}

/** Bot Framework connectors cache nothing; a use would be a change this should reveal. */
const noCache: KeyValueStore = new Proxy({} as KeyValueStore, {
  get: (_target, method) => () => Promise.reject(new Error(`unexpected cache.${String(method)}`)),
})

/** Deps on real infra in memory; the HttpClient shares the deps' limiter, as in the app. */
export function testDeps(input: {
  clock: Clock
  secrets?: SecretStore
  budgets?: Record<string, RateBudget>
  trustedHosts?: string[]
}): ConnectorDeps {
  const limiter = createMemoryRateLimiter({ budgets: input.budgets ?? {}, clock: input.clock })
  return {
    http: bridgeHttpClient({ clock: input.clock, limiter }),
    clock: input.clock,
    log: silentLog,
    secrets: input.secrets ?? memorySecrets({}),
    blobs: createLocalBlobStore({
      dir: mkdtempSync(join(tmpdir(), 'cxb-bf-')),
      publicUrl: 'http://127.0.0.1:1/blobs',
      signingKey: Buffer.alloc(32, 7),
      clock: input.clock,
    }),
    limiter,
    metrics: createPrometheusMetrics({ defaultMetrics: false }),
    state: memoryState(),
    cache: noCache,
    publicUrl: 'https://bridge.example',
    trustedHosts: input.trustedHosts ?? [],
  }
}

export function teamsIntegration(settings: JsonObject): Integration {
  const at = new Date('2026-01-01T00:00:00Z')
  return {
    id: integrationId('int-teams-1'),
    kind: 'microsoft-teams',
    name: 'Teams',
    settings,
    enabled: true,
    createdAt: at,
    updatedAt: at,
  }
}

export const BOT_APP_ID = '8e460676-ae3f-4b1e-8790-ee0fb5d6148f'
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
export const SERVICE_URL = 'https://smba.trafficmanager.net/amer/'

/** A Teams message activity in the shape of the msteams-docs samples. */
export function teamsActivity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: '1481567603816',
    timestamp: '2026-01-01T10:00:00.000Z',
    localTimestamp: '2026-01-01T11:00:00.000+01:00',
    serviceUrl: SERVICE_URL,
    channelId: 'msteams',
    from: {
      id: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB25ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw',
      name: 'Megan Bowen',
      aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
    },
    conversation: {
      id: 'a:17I0kl9EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbfcAg2IaydGElSo10tVr4C7Fc6GtieTJX663WuJCc1uA83n4CSrHSgGBj5XNYLcVlJAs2ZX8DbYBPck201w-',
      conversationType: 'personal',
      tenantId: TENANT_ID,
    },
    recipient: { id: `28:${BOT_APP_ID}`, name: 'Cx Bot' },
    textFormat: 'plain',
    text: 'Hello there',
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' }],
    channelData: { tenant: { id: TENANT_ID } },
    locale: 'en-US',
    ...overrides,
  }
}

export const botSettings = (metadataUrl: string, extra: Record<string, JsonValue> = {}) => ({
  tenantId: TENANT_ID,
  clientId: 'graph-app',
  clientSecretName: 'graph-secret',
  notifications: { clientStateName: 'client-state' },
  bot: {
    appId: BOT_APP_ID,
    appPasswordName: 'bot-password',
    openIdMetadataUrl: metadataUrl,
    ...extra,
  },
})
