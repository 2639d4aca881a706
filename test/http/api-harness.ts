import { randomBytes } from 'node:crypto'
import { Writable } from 'node:stream'

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'

import { genesysOpenMessagingKind } from '../../src/connectors/genesys/management.ts'
import { microsoftTeamsKind } from '../../src/connectors/microsoft/management.ts'
import { teamsBotKind } from '../../src/connectors/microsoft/teams-bot/management.ts'
import type { AccountId, ApiScope } from '../../src/core/model/account.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { SecretStore } from '../../src/core/ports/secrets.ts'
import type { Store } from '../../src/core/ports/store.ts'
import { type AccountAdmin, accountAdmin } from '../../src/flows/admin/accounts.ts'
import { integrationAdmin } from '../../src/flows/admin/integrations.ts'
import { requireAdmin } from '../../src/http/admin/auth.ts'
import { buildHttpServer } from '../../src/http/server.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { uuidV7 } from '../../src/infra/ids/uuid-v7.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import { createPrometheusMetrics } from '../../src/infra/metrics/prometheus.ts'
import { openSqliteQueue } from '../../src/infra/queue/sqlite-queue.ts'
import { createSecretCipher, createSecretStore } from '../../src/infra/secrets/index.ts'
import { openStore } from '../../src/infra/store/index.ts'
import { bridgeHttpClient } from '../connectors/identity-http.ts'

export interface ApiHarness {
  readonly app: FastifyInstance
  readonly store: Store
  readonly secrets: SecretStore
  readonly accounts: AccountAdmin
  /** Every log line written so far (JSON text). */
  readonly logs: string[]
  /** Integrations whose cached clients the API dropped (onChanged). */
  readonly changed: IntegrationId[]
  inject(options: InjectOptions): Promise<LightMyRequestResponse>
  /** A new account and a key with the given scopes (all but jobs:admin by default). */
  account(name: string, scopes?: readonly ApiScope[]): Promise<{ id: AccountId; key: string }>
  close(): Promise<void>
}

/**
 * The bridge's HTTP server with the admin API on a real store (SQLite in memory unless a URL is
 * given), a real encrypted SecretStore and the real HTTP client (emulator CA trusted).
 */
export async function startApiHarness(
  options: {
    storeUrl?: string
    logLevel?: 'silent' | 'trace' | 'info'
    /** host:port of emulators the kinds may send credentials to. */
    trustedHosts?: string[]
  } = {},
): Promise<ApiHarness> {
  const clock = systemClock
  const logs: string[] = []
  const log = createLogger({
    level: options.logLevel ?? 'silent',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk))
        done()
      },
    }),
  })
  const store = await openStore({ url: options.storeUrl ?? 'sqlite::memory:', clock })
  await store.migrate()
  const secrets = createSecretStore({
    cipher: createSecretCipher(randomBytes(32)),
    state: store.state,
    env: {},
  })
  const queue = openSqliteQueue({ path: ':memory:', clock })
  const http = bridgeHttpClient({ clock })
  const deps = { http, secrets, clock, log, trustedHosts: options.trustedHosts ?? [] }
  const accounts = accountAdmin({ store, clock })
  const changed: IntegrationId[] = []
  const metrics = createPrometheusMetrics({ defaultMetrics: false })
  const app = await buildHttpServer({
    log,
    version: 'test',
    webhooks: {
      connectors: [],
      integrations: { get: (id) => store.integrations.get(id) },
      queue,
      metrics,
      toJobs: () => [],
      bodyLimitBytes: 1024 * 1024,
      publicUrl: 'http://127.0.0.1:1',
    },
    ops: { checks: [], renderMetrics: () => metrics.render() },
    serveBlob: async () => ({ status: 404, headers: {}, body: '' }),
    admin: {
      queue,
      authorize: requireAdmin(
        async () => undefined,
        (token) => accounts.authenticate(token),
      ),
    },
    api: {
      accounts,
      integrations: integrationAdmin({
        store,
        secrets,
        kinds: [microsoftTeamsKind(deps), teamsBotKind(deps), genesysOpenMessagingKind(deps)],
        clock,
        log,
        onChanged: (id) => changed.push(id),
        newId: () => uuidV7(clock.nowMs()),
      }),
    },
  })
  await app.ready()
  return {
    app,
    store,
    secrets,
    accounts,
    logs,
    changed,
    inject: (o) => app.inject(o),
    async account(name, scopes) {
      const created = await accounts.createAccount(name, scopes ? { scopes } : {})
      return { id: created.account.id, key: created.token }
    },
    async close() {
      await app.close()
      await queue.close()
      await store.close()
    },
  }
}

/** A request with an API key. */
export function as(key: string, options: InjectOptions): InjectOptions {
  return { ...options, headers: { ...options.headers, authorization: `Bearer ${key}` } }
}
