import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { EMULATOR_CA_FILE, startDemoEmulators } from '../../src/app/sandbox.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import { BridgeProcess } from '../e2e/bridge-process.ts'
import { seedStore } from '../e2e/crash-world.ts'
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { freePort } from '../support/private-services.ts'

/**
 * A small fleet on a fresh PostgreSQL database (store and pg-boss queue): one `cx-bridge serve`
 * that the emulators call, and `work` processes made on demand, each with its own data
 * directory and operations port. The emulators run in this process.
 */
export async function startFleetWorld(options: { env?: Record<string, string> } = {}) {
  const database: TestPostgresDatabase = await createTestPostgresDatabase()
  const webPort = await freePort()
  const url = `http://127.0.0.1:${webPort}`
  const emulators = await startDemoEmulators(url)
  const masterKey = randomBytes(32).toString('base64')
  const customer = {
    id: DEMO.customer.id,
    chatId: emulators.chatId,
    genesysId: `${DEMO.tenantId}:${DEMO.customer.id}`,
  }
  await seedStore(database.url, masterKey, emulators, url, [customer])
  const dirs: string[] = []
  const env = (port: number): Record<string, string> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cxb-fleet-'))
    dirs.push(dataDir)
    return {
      CXB_DATA_DIR: dataDir,
      CXB_STORE__URL: database.url,
      CXB_QUEUE__URL: database.url,
      CXB_HTTP__PORT: String(port),
      CXB_HTTP__PUBLIC_URL: url,
      CXB_TLS__EXTRA_CA_FILE: EMULATOR_CA_FILE,
      CXB_TRUSTED_HOSTS: JSON.stringify(emulators.trustedHosts),
      CXB_SECRETS_KEY: masterKey,
      CXB_LOG__LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      ...options.env,
    }
  }
  const web = new BridgeProcess(url, env(webPort), 'serve')
  const processes: BridgeProcess[] = [web]
  return {
    database,
    url,
    web,
    ...emulators,
    demo: { ...DEMO, chatId: emulators.chatId },
    /** A `cx-bridge work` process (not started) answering /readyz on a port of its own. */
    async worker(): Promise<BridgeProcess> {
      const port = await freePort()
      const worker = new BridgeProcess(`http://127.0.0.1:${port}`, env(port), 'work')
      processes.push(worker)
      return worker
    },
    async close(): Promise<void> {
      await Promise.all(processes.map((p) => p.stop()))
      await emulators.close()
      await database.drop()
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type FleetWorld = Awaited<ReturnType<typeof startFleetWorld>>
