import { mkdirSync } from 'node:fs'

import { configSchema } from '../../src/app/config.ts'
import {
  type PrivatePostgres,
  type PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
} from '../../test/support/private-services.ts'
import { type BridgeProcess, startBridgeProcess } from './bridge-process.ts'
import { type BridgeWorld, customerSays, waitForSubscriptions } from './bridge-world.ts'
import { addCustomers, bridgeConfig, freePort, seedDataDir, startEmulators } from './world.ts'

/**
 * The scaled deployment for the bench: a PostgreSQL cluster and a Redis server of its own (in
 * the data dir, own ports), one `cx-bridge serve` and `workers` `cx-bridge work` processes
 * sharing them and the data dir, the emulators in this process. Same customers and load as
 * `openBridgeWorld` (the embedded deployment), so the figures compare.
 */
export async function openFleetWorld(options: {
  dataDir: string
  customers: number
  workers: number
  limits: object
}): Promise<BridgeWorld> {
  const postgres: PrivatePostgres = await startPrivatePostgres()
  const redis: PrivateRedis = await startPrivateRedis()
  const databaseUrl = await postgres.createDatabase('cxbridge')
  const webPort = await freePort()
  const emulators = await startEmulators(webPort)
  const customers = addCustomers(emulators, options.customers, 'fleet')
  const shared = {
    store: { url: databaseUrl },
    queue: { url: databaseUrl },
    ...('redis' in configSchema.shape ? { redis: { url: redis.url } } : {}),
  }
  const configFor = (port: number) => ({
    ...bridgeConfig(port, { trustedHosts: emulators.trustedHosts, limits: options.limits }),
    ...shared,
    http: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${webPort}` },
  })
  mkdirSync(options.dataDir, { recursive: true })
  await seedDataDir(options.dataDir, configFor(webPort), emulators, {
    richNotifications: true,
    chatIds: customers.map((c) => c.chatId),
  })
  const processes: BridgeProcess[] = [
    await startBridgeProcess({
      command: 'serve',
      dataDir: options.dataDir,
      config: configFor(webPort),
      name: 'web',
    }),
  ]
  for (let i = 0; i < options.workers; i += 1) {
    processes.push(
      await startBridgeProcess({
        command: 'work',
        dataDir: options.dataDir,
        config: configFor(await freePort()),
        name: `worker-${i + 1}`,
      }),
    )
  }
  await waitForSubscriptions(emulators, customers.length)
  const web = processes[0]!
  return {
    emulators,
    customers,
    // Every process of the fleet counts: CPU and memory are summed.
    bridge: {
      url: web.url,
      pid: web.pid,
      rssMiB: () => processes.reduce((sum, p) => sum + p.rssMiB(), 0),
      cpuSeconds: () => processes.reduce((sum, p) => sum + p.cpuSeconds(), 0),
      stop: async () => void (await Promise.all(processes.map((p) => p.stop()))),
    },
    restart: () => Promise.reject(new Error('a fleet world is not restarted')),
    customerSays: (customer, text) => customerSays(emulators, customer, text),
    async close() {
      await Promise.all(processes.map((p) => p.stop()))
      await emulators.close()
      await redis.stop()
      postgres.stop()
    },
  }
}
