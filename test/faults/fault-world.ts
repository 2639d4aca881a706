import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Agent, fetch } from 'undici'

import { firstJsonLine, spawnNode, stopChild } from '../../bench/lib/child.ts'
import { configSchema } from '../../src/app/config.ts'
import { EMULATOR_CA_FILE } from '../../src/app/sandbox.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import { BridgeProcess } from '../e2e/bridge-process.ts'
import {
  freePort,
  type PrivatePostgres,
  type PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
} from '../support/private-services.ts'
import type { EmulatorProcessInfo, EmulatorProcessOptions } from './emulator-process.ts'
import { LoadBalancer } from './load-balancer.ts'

const EMULATOR_SCRIPT = fileURLToPath(new URL('./emulator-process.ts', import.meta.url))

export interface FaultWorldOptions {
  readonly customers: number
  readonly webs: number
  readonly workers: number
  readonly seed: number
  /** Extra CXB_* settings for every bridge process. */
  readonly env?: Record<string, string>
}

export interface FleetProcess {
  readonly name: string
  readonly process: BridgeProcess
}

/**
 * The fault suite's world, every part in its own process: a private PostgreSQL cluster and Redis
 * server (restartable without touching the machine's shared ones), the emulators, `webs`
 * `cx-bridge serve` behind a load balancer (in this process) and `workers` `cx-bridge work`.
 */
export async function startFaultWorld(options: FaultWorldOptions) {
  const dir = mkdtempSync(join(tmpdir(), 'cxb-faults-'))
  const cleanups: Array<() => Promise<void> | void> = [
    () => rmSync(dir, { recursive: true, force: true }),
  ]
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => {})
  }
  try {
    const postgres: PrivatePostgres = await startPrivatePostgres()
    cleanups.push(() => postgres.stop())
    const databaseUrl = await postgres.createDatabase('cxbridge')
    const redis: PrivateRedis = await startPrivateRedis()
    cleanups.push(() => redis.stop())

    const lbPort = await freePort()
    const url = `http://127.0.0.1:${lbPort}`
    const masterKey = randomBytes(32).toString('base64')
    const emulatorOptions: EmulatorProcessOptions = {
      bridgeUrl: url,
      storeUrl: databaseUrl,
      masterKey,
      customers: options.customers,
      seed: options.seed,
    }
    const emulatorChild = spawnNode(EMULATOR_SCRIPT, [JSON.stringify(emulatorOptions)], {
      keepStdout: true,
      logFile: join(dir, 'emulators.log'),
    })
    cleanups.push(() => stopChild(emulatorChild))
    const emulators = await firstJsonLine<EmulatorProcessInfo>(emulatorChild)

    const dataDir = join(dir, 'data')
    mkdirSync(dataDir, { recursive: true })
    const env = (port: number): Record<string, string> => ({
      CXB_DATA_DIR: dataDir,
      CXB_STORE__URL: databaseUrl,
      CXB_QUEUE__URL: databaseUrl,
      CXB_HTTP__PORT: String(port),
      CXB_HTTP__PUBLIC_URL: url,
      CXB_TLS__EXTRA_CA_FILE: EMULATOR_CA_FILE,
      CXB_TRUSTED_HOSTS: JSON.stringify(emulators.trustedHosts),
      CXB_SECRETS_KEY: masterKey,
      CXB_LOG__LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'warn',
      // Redis shares the rate limits once the bridge has it (redis.url); until then unset.
      ...('redis' in configSchema.shape ? { CXB_REDIS__URL: redis.url } : {}),
      ...options.env,
    })
    const processes: FleetProcess[] = []
    const webUrls: string[] = []
    for (let i = 0; i < options.webs; i += 1) {
      const port = await freePort()
      webUrls.push(`http://127.0.0.1:${port}`)
      processes.push({
        name: `web-${i + 1}`,
        process: new BridgeProcess(`http://127.0.0.1:${port}`, env(port), 'serve'),
      })
    }
    for (let i = 0; i < options.workers; i += 1) {
      const port = await freePort()
      processes.push({
        name: `worker-${i + 1}`,
        process: new BridgeProcess(`http://127.0.0.1:${port}`, env(port), 'work'),
      })
    }
    // A supervisor (systemd's Restart=always): a process that exits by itself (e.g. started while
    // PostgreSQL restarts) is started again after a second; each such exit is recorded.
    let closing = false
    const crashes: Array<{ name: string; atMs: number; code: number | null; last: string }> = []
    for (const p of processes) {
      p.process.onCrash(({ code }) => {
        crashes.push({ name: p.name, atMs: Date.now(), code, last: p.process.tail(3) })
        setTimeout(() => {
          if (!closing && !p.process.running) p.process.start()
        }, 1000).unref()
      })
    }
    cleanups.push(async () => {
      closing = true
      await Promise.all(processes.map((p) => p.process.stop()))
    })
    const balancer = new LoadBalancer(webUrls)
    await balancer.listen(lbPort)
    cleanups.push(() => balancer.close())
    const trustEmulators = new Agent({ connect: { ca: readFileSync(EMULATOR_CA_FILE) } })
    cleanups.push(() => trustEmulators.close())

    return {
      dir,
      url,
      postgres,
      redis,
      balancer,
      emulators,
      processes,
      crashes,
      /** Waits until the process answers /readyz, through any restarts by the supervisor. */
      async ready(p: FleetProcess, timeoutMs = 90_000): Promise<void> {
        const deadline = Date.now() + timeoutMs
        for (;;) {
          try {
            if (p.process.running) return void (await p.process.waitReady(deadline - Date.now()))
          } catch (error) {
            if (Date.now() > deadline) throw error
          }
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
      },
      /** Starts every bridge process (web first) and waits until each answers /readyz. */
      async startFleet(): Promise<void> {
        for (const p of processes) p.process.start()
        await Promise.all(processes.map((p) => p.process.waitReady(60_000)))
      },
      /** The service account signs in through the load balancer, as a browser would. */
      async signInServiceAccount(): Promise<void> {
        await control(`${emulators.identity}/_emulator/sign-in`, 'POST', {
          userId: DEMO.serviceAccount.id,
        })
        const response = await fetch(`${url}/auth/microsoft/${DEMO.integrations.teams}/login`, {
          redirect: 'follow',
          dispatcher: trustEmulators,
        })
        if (!response.ok)
          throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
      },
      graph: (path: string, method = 'GET', body?: unknown) =>
        control(`${emulators.graphOrigin}/_emulator${path}`, method, body),
      genesys: (path: string, method = 'GET', body?: unknown) =>
        control(`${emulators.genesys}/_emulator${path}`, method, body),
      close: cleanup,
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}

export type FaultWorld = Awaited<ReturnType<typeof startFaultWorld>>

const controlAgent = new Agent({
  keepAliveTimeout: 10_000,
  connections: 32,
  // The identity emulator speaks HTTPS with the test certificate.
  connect: { ca: readFileSync(EMULATOR_CA_FILE) },
})

/** One emulator control call; throws with the answer's text on a non-2xx status. */
async function control(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    dispatcher: controlAgent,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`)
  return text ? (JSON.parse(text) as unknown) : undefined
}
