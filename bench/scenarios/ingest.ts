import { randomUUID } from 'node:crypto'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { DEMO } from '../../src/app/sandbox-seed.ts'
import { TASKS } from '../../src/flows/customer-chat/index.ts'
import { startBridgeProcess } from '../lib/bridge-process.ts'
import { cpuSeconds, firstJsonLine, runNodeJson, spawnNode, stopChild } from '../lib/child.ts'
import { bridgeConfig, freePort, seedDataDir, startEmulators } from '../lib/world.ts'
import type { LoadResult, LoadSpec } from '../load/generator.ts'

export interface IngestOptions {
  readonly dataDir: string
  readonly connections: number
  readonly warmupMs: number
  readonly durationMs: number
  /** The fixed offered rate of the latency run (requests per second). */
  readonly rate: number
}

export interface IngestResult {
  readonly bare: { closed: LoadResult; open: LoadResult }
  /**
   * The floor of any durable acknowledgement here: node:http + a SQLite WAL append per turn +
   * fdatasync before the 202 (bench/load/durable-server.ts). Its open loop at the target rate
   * shows what p99 any durable acknowledgement can reach on this machine.
   */
  readonly durableFloor: { closed: LoadResult; open: LoadResult; cpuMicrosPerAck: number }
  readonly bridge: { closed: LoadResult; open: LoadResult }
  /** Bridge 2xx per second / bare 2xx per second, same connections. */
  readonly ratio: number
  /** Jobs found in the bridge's queue file afterwards vs. 2xx answers it gave. */
  readonly storedJobs: number
  readonly acknowledged: number
  readonly bridgeRssMiB: number
  /** The bridge process's CPU time (user + system) per acknowledgement in the closed loop. */
  readonly bridgeCpuMicrosPerAck: number
  /** The same for the bare server: the ratio of the two holds even on a busy machine. */
  readonly bareCpuMicrosPerAck: number
}

/**
 * Webhook ingest: basic Graph change notifications against `cx-bridge serve` (HTTP role only, so
 * nothing but authenticate → parse → durable enqueue → 202 runs) and against a bare node:http
 * server that parses the same JSON. Closed loop at fixed connections for throughput, then open
 * loop at a fixed rate for latency. The load generator is a third process.
 */
export async function runIngest(options: IngestOptions): Promise<IngestResult> {
  const port = await freePort()
  const config = bridgeConfig(port)
  const emulators = await startEmulators(port)
  await seedDataDir(options.dataDir, config, emulators, { richNotifications: false })
  await emulators.close()

  const bareChild = spawnNode('bench/load/bare-server.ts', [], { keepStdout: true })
  const { port: barePort } = await firstJsonLine<{ port: number }>(bareChild)
  const floorChild = spawnNode('bench/load/durable-server.ts', [options.dataDir], {
    keepStdout: true,
  })
  const { port: floorPort } = await firstJsonLine<{ port: number }>(floorChild)
  const bridge = await startBridgeProcess({
    command: 'serve',
    dataDir: options.dataDir,
    config,
    name: 'ingest',
  })
  const path = `/webhooks/microsoft-teams/${DEMO.integrations.teams}/notifications`
  const spec = (url: string, mode: LoadSpec['mode']): LoadSpec => ({
    url,
    connections: options.connections,
    mode,
    rate: options.rate,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    body: {
      clientState: DEMO.clientState,
      tenantId: DEMO.tenantId,
      subscriptionId: randomUUID(),
      chats: 1000,
      runId: String(Date.now()),
    },
  })
  const load = (url: string, mode: LoadSpec['mode']) =>
    runNodeJson<LoadResult>('bench/load/generator.ts', spec(url, mode))

  try {
    const bareUrl = `http://127.0.0.1:${barePort}${path}`
    const bridgeUrl = `${bridge.url}${path}`
    const bareCpuBefore = cpuSeconds(bareChild.pid!)
    const bareClosed = await load(bareUrl, 'closed')
    const bareCpuMicrosPerAck =
      ((cpuSeconds(bareChild.pid!) - bareCpuBefore) * 1e6) / bareClosed.okTotal
    const bare = { closed: bareClosed, open: await load(bareUrl, 'open') }
    const floorCpuBefore = cpuSeconds(floorChild.pid!)
    const floorUrl = `http://127.0.0.1:${floorPort}${path}`
    const floorClosed = await load(floorUrl, 'closed')
    const cpuMicrosPerAck =
      ((cpuSeconds(floorChild.pid!) - floorCpuBefore) * 1e6) / floorClosed.okTotal
    const durableFloor = {
      closed: floorClosed,
      open: await load(floorUrl, 'open'),
      cpuMicrosPerAck,
    }
    await stopChild(floorChild)
    const cpuBefore = bridge.cpuSeconds()
    const bridgeClosed = await load(bridgeUrl, 'closed')
    const bridgeCpuMicrosPerAck = ((bridge.cpuSeconds() - cpuBefore) * 1e6) / bridgeClosed.okTotal
    const bridgeOpen = await load(bridgeUrl, 'open')
    const bridgeRssMiB = bridge.rssMiB()
    await bridge.stop()
    return {
      bare,
      durableFloor,
      bridge: { closed: bridgeClosed, open: bridgeOpen },
      ratio: bridgeClosed.okPerSecond / bare.closed.okPerSecond,
      storedJobs: countJobs(join(options.dataDir, 'queue.db')),
      acknowledged: bridgeClosed.okTotal + bridgeOpen.okTotal,
      bridgeRssMiB,
      bridgeCpuMicrosPerAck,
      bareCpuMicrosPerAck,
    }
  } finally {
    await bridge.stop()
    await stopChild(bareChild)
    await stopChild(floorChild)
  }
}

function countJobs(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    // `serve` runs no worker: accepted batches are still in the inbox, not yet drained to jobs.
    const row = db
      .prepare(
        `SELECT (SELECT count(*) FROM jobs WHERE task = @task) +
                (SELECT count(*) FROM inbox, json_each(inbox.jobs)
                  WHERE json_extract(json_each.value, '$.task') = @task) AS n`,
      )
      .get({ task: TASKS.fromChannel }) as { n: number }
    return row.n
  } finally {
    db.close()
  }
}
