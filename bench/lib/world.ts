import { randomUUID } from 'node:crypto'

import { resolvePort } from '../../src/app/bridge.ts'
import { loadConfig } from '../../src/app/config-load.ts'
import { openInfrastructure } from '../../src/app/infrastructure.ts'
import {
  type DemoEmulators,
  EMULATOR_CA_FILE,
  seedDemoIntegrations,
  startDemoEmulators,
} from '../../src/app/sandbox.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'

const HOST = '127.0.0.1'

/** The bridge's process config for a bench phase: quiet logs, emulator trust, given limits. */
export function bridgeConfig(
  port: number,
  extra: { trustedHosts?: string[]; limits?: object } = {},
) {
  return {
    http: { host: HOST, port },
    log: { level: 'warn' },
    tls: { extraCaFile: EMULATOR_CA_FILE },
    trustedHosts: extra.trustedHosts ?? [],
    ...(extra.limits ? { limits: extra.limits } : {}),
  }
}

export const freePort = () => resolvePort(HOST, 0)

export interface Customer {
  readonly id: string
  readonly chatId: string
}

/** Every emulator in this process, pointed at a bridge that will listen on `bridgePort`. */
export async function startEmulators(bridgePort: number): Promise<DemoEmulators> {
  return startDemoEmulators(`http://${HOST}:${bridgePort}`)
}

/**
 * Adds `count` Teams customers to the Graph emulator, each in a 1:1 chat with the service
 * account (one lane each in the bridge), and returns them.
 */
export function addCustomers(emulators: DemoEmulators, count: number, tag: string): Customer[] {
  const customers: Customer[] = []
  for (let i = 0; i < count; i += 1) {
    const id = randomUUID()
    const upn = `bench-${tag}-${i}@customer.example`
    emulators.graph.control.addUsers([{ id, displayName: `Bench Customer ${i}`, upn }])
    const chat = emulators.graph.control.addChat({
      chatType: 'oneOnOne',
      memberIds: [id, DEMO.serviceAccount.id],
    })
    customers.push({ id, chatId: chat.id })
  }
  return customers
}

/**
 * Writes the demo integrations, secrets and routes into the data dir the bridge process will
 * use (as sandbox mode does), subscribing the Teams integration to the given chats.
 */
export async function seedDataDir(
  dataDir: string,
  config: ReturnType<typeof bridgeConfig>,
  emulators: DemoEmulators,
  options: { richNotifications: boolean; chatIds?: readonly string[] },
): Promise<void> {
  const log = createLogger({ level: 'silent' })
  const url = `http://${config.http.host}:${config.http.port}`
  const parsed = loadConfig({ env: {}, overrides: { ...config, dataDir } })
  const infra = await openInfrastructure(parsed, log, url)
  try {
    await seedDemoIntegrations(infra, emulators, url, {
      richNotifications: options.richNotifications,
    })
    if (options.chatIds) {
      const id = DEMO.integrations.teams as IntegrationId
      const teams = await infra.store.integrations.get(id)
      const settings = teams!.settings as JsonObject & { notifications: JsonObject }
      await infra.store.integrations.update(id, {
        settings: {
          ...settings,
          notifications: { ...settings.notifications, chatIds: [...options.chatIds] },
        },
      })
    }
  } finally {
    await infra.queue.close()
    await infra.store.close()
  }
}
