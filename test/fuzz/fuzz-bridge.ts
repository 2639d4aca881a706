import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import type { HTTPMethods } from 'fastify'

import { startBridge } from '../../src/app/bridge.ts'
import { EMULATOR_CA_FILE, type Sandbox } from '../../src/app/sandbox.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import type { EnqueueResult, JobQueue } from '../../src/core/ports/job-queue.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import { eventually, startTestSandbox } from '../support/sandbox.ts'
import type { FuzzRequest } from './fuzz-request.ts'
import { FUZZ_BODY_LIMIT } from './fuzz-settings.ts'
import { type FuzzResponse, sendOverSocket } from './socket-transport.ts'
import { openWriteProbe, type WriteProbe } from './write-probe.ts'

const ADMIN_TOKEN_ENV = 'CXB_FUZZ_ADMIN_TOKEN'

export interface FuzzBridge {
  readonly s: Sandbox & { dataDir: string }
  readonly adminToken: string
  /** Jobs no handler takes, parked before the bridge became a `serve` process (jobs API). */
  readonly parkedJobIds: readonly string[]
  /**
   * Every secret the bridge holds (the catalogue adds the API keys it makes); none may appear in
   * a response unless the request had it.
   */
  readonly secrets: string[]
  readonly probe: WriteProbe
  inject(request: FuzzRequest): Promise<FuzzResponse>
  socket(request: FuzzRequest): Promise<FuzzResponse>
  close(): Promise<void>
}

/**
 * The whole sandbox (bridge and emulators) with a small body limit and an admin token; once it is
 * seeded and signed in, its bridge gives way to a `serve` process on the same port, data and
 * emulators: HTTP only, no worker and no timers, so whatever the store or queue holds after a
 * request is that request's doing (a worker would write on its own time).
 */
export async function startFuzzBridge(): Promise<FuzzBridge> {
  const adminToken = randomBytes(24).toString('base64url')
  process.env[ADMIN_TOKEN_ENV] = adminToken
  const sandbox = await startTestSandbox({
    memoryDisk: true,
    overrides: {
      http: { port: 0, bodyLimitBytes: FUZZ_BODY_LIMIT },
      admin: { tokenSecret: `env:${ADMIN_TOKEN_ENV}` },
    },
  })
  const parked = await parkJobs(sandbox.bridge.infra.queue)
  await sandbox.bridge.close()
  const log = createLogger({ level: 'silent' })
  const serve = await startBridge({
    config: {
      ...sandbox.config,
      http: { ...sandbox.config.http, port: Number(new URL(sandbox.bridge.url).port) },
      tls: { extraCaFile: EMULATOR_CA_FILE },
      trustedHosts: [...sandbox.config.trustedHosts, ...sandbox.trustedHosts],
    },
    log,
    roles: { http: true, worker: false },
  })
  const s = { ...sandbox, bridge: serve }
  const app = serve.http
  if (!app) throw new Error('the bridge runs without HTTP')
  const probe = openWriteProbe(s.dataDir)
  const secrets = await bridgeSecrets(s, adminToken)
  const { hostname, port } = new URL(s.bridge.url)

  return {
    s,
    adminToken,
    parkedJobIds: parked.map((job) => job.id),
    secrets,
    probe,
    async inject(request) {
      const response = await app.inject({
        method: request.method as HTTPMethods,
        url: request.url,
        headers: request.headers,
        ...(request.body !== undefined && { payload: request.body }),
      })
      return { status: response.statusCode, headers: response.headers, body: response.body }
    },
    socket: (request) => sendOverSocket(hostname, Number(port), request),
    async close() {
      probe.close()
      await serve.close()
      await Promise.allSettled(
        [s.identity, s.graph, s.botframework, s.genesys].map((e) => e.close()),
      )
      rmSync(s.dataDir, { recursive: true, force: true })
      delete process.env[ADMIN_TOKEN_ENV]
    },
  }
}

/** Jobs no handler takes park their lanes: something for the jobs API to retry and skip. */
async function parkJobs(queue: JobQueue): Promise<EnqueueResult[]> {
  const parked = await queue.enqueue(
    [1, 2, 3].map((n) => ({ task: 'fuzz.no-handler', payload: { n }, lane: `fuzz-lane-${n}` })),
  )
  await eventually('parked jobs', async () => {
    const jobs = await Promise.all(parked.map((job) => queue.get(job.id)))
    return jobs.every((job) => job?.state === 'parked')
  })
  await queue.idle()
  return parked
}

async function bridgeSecrets(s: Sandbox & { dataDir: string }, adminToken: string) {
  const stored = await Promise.all(
    ['sandbox-service-account-refresh-token', 'sandbox-notification-key'].map((name) =>
      s.bridge.infra.secrets.get(name).catch(() => ''),
    ),
  )
  // A PEM's first body line is as secret as the rest and short enough to search for.
  const pemLine = (pem: string) =>
    pem.split('\n').find((line) => line.length > 40 && !line.startsWith('-----')) ?? ''
  return [
    adminToken,
    DEMO.graphApp.secret,
    DEMO.botApp.secret,
    DEMO.genesys.clientSecret,
    DEMO.genesys.webhookToken,
    DEMO.clientState,
    DEMO.aiBotApp.secret,
    DEMO.account.key,
    readFileSync(join(s.dataDir, 'secrets.key'), 'utf8').trim(),
    stored[0]!,
    pemLine(stored[1]!),
  ].filter((secret) => secret.length >= 8)
}
