import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { Agent, fetch } from 'undici'

import {
  type DemoEmulatorOptions,
  EMULATOR_CA_FILE,
  seedDemoIntegrations,
  startDemoEmulators,
} from '../../src/app/sandbox.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import {
  createSecretCipher,
  createSecretStore,
  parseMasterKey,
} from '../../src/infra/secrets/index.ts'
import { openStore } from '../../src/infra/store/index.ts'
import { freePort } from '../support/private-services.ts'
import { BridgeProcess } from './bridge-process.ts'

export interface Customer {
  readonly id: string
  readonly chatId: string
  /** The customer's Open Messaging `from.id` / `to.id` (tenant and object id). */
  readonly genesysId: string
}

/**
 * The demo emulators in this process, `customers` Teams users each in a one-on-one chat with the
 * service account, the integrations seeded into the bridge's SQLite store, and the bridge itself
 * as a child process on a port fixed up front (so webhook URLs survive restarts).
 */
export async function startCrashWorld(options: {
  customers: number
  emulators?: DemoEmulatorOptions
}) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const dataDir = mkdtempSync(join(tmpdir(), 'cxb-e2e-'))
  const masterKey = randomBytes(32).toString('base64')
  const emulators = await startDemoEmulators(url, {}, options.emulators)

  const customers = addChatCustomers(emulators, options.customers)
  await seedStore(`sqlite:${join(dataDir, 'cx-bridge.db')}`, masterKey, emulators, url, customers)

  const bridge = new BridgeProcess(url, {
    CXB_DATA_DIR: dataDir,
    CXB_HTTP__PORT: String(port),
    CXB_TLS__EXTRA_CA_FILE: EMULATOR_CA_FILE,
    CXB_TRUSTED_HOSTS: JSON.stringify(emulators.trustedHosts),
    CXB_SECRETS_KEY: masterKey,
    CXB_LOG__LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
  })
  const trustEmulators = new Agent({ connect: { ca: readFileSync(EMULATOR_CA_FILE) } })

  return {
    url,
    dataDir,
    bridge,
    customers,
    ...emulators,
    /** Signs the service account in through the bridge's login routes, as a browser would. */
    async signInServiceAccount(): Promise<void> {
      emulators.identity.control.signIn(DEMO.serviceAccount.id)
      const response = await fetch(`${url}/auth/microsoft/${DEMO.integrations.teams}/login`, {
        redirect: 'follow',
        dispatcher: trustEmulators,
      })
      if (!response.ok)
        throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
    },
    async close(): Promise<void> {
      await bridge.stop()
      await emulators.close()
      await trustEmulators.close()
      // E2E_KEEP=1 leaves the data directory (SQLite store and queue) for inspection.
      if (!process.env.E2E_KEEP) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** `count` Teams users, each in a 1:1 chat with the service account. */
export function addChatCustomers(
  emulators: Pick<Awaited<ReturnType<typeof startDemoEmulators>>, 'graph'>,
  count: number,
): Customer[] {
  const customers: Customer[] = []
  for (let i = 0; i < count; i += 1) {
    const id = `c0ffee00-0000-4000-8000-${(0x100 + i).toString(16).padStart(12, '0')}`
    emulators.graph.control.addUsers([
      { id, displayName: `Customer ${i}`, upn: `customer${i}@customer.example` },
    ])
    const chat = emulators.graph.control.addChat({
      chatType: 'oneOnOne',
      memberIds: [id, DEMO.serviceAccount.id],
    })
    customers.push({ id, chatId: chat.id, genesysId: `${DEMO.tenantId}:${id}` })
  }
  return customers
}

export type CrashWorld = Awaited<ReturnType<typeof startCrashWorld>>

/**
 * Writes the integrations as the bridge itself would (same database, same master key), with
 * rich notifications, so the bridge needs no Graph read per notified message, and every
 * customer's chat watched.
 */
export async function seedStore(
  storeUrl: string,
  masterKey: string,
  emulators: Awaited<ReturnType<typeof startDemoEmulators>>,
  url: string,
  customers: readonly Customer[],
): Promise<void> {
  const store = await openStore({ url: storeUrl })
  try {
    await store.migrate()
    const secrets = createSecretStore({
      cipher: createSecretCipher(parseMasterKey(masterKey, 'test key')),
      state: store.state,
      env: {},
    })
    await seedDemoIntegrations({ store, secrets }, emulators, url, { richNotifications: true })
    const id = DEMO.integrations.teams as IntegrationId
    const teams = await store.integrations.get(id)
    if (!teams) throw new Error('teams integration not seeded')
    const settings = teams.settings as { notifications: JsonObject }
    await store.integrations.update(id, {
      settings: {
        ...settings,
        notifications: { ...settings.notifications, chatIds: customers.map((c) => c.chatId) },
      } as JsonObject,
    })
  } finally {
    await store.close()
  }
}
