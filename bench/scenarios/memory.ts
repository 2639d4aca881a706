import { randomUUID } from 'node:crypto'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import { DEMO } from '../../src/app/sandbox-seed.ts'
import { checkArrivals, type SentMessage, waitForArrivals } from '../lib/arrivals.ts'
import type { BridgeWorld } from '../lib/bridge-world.ts'
import { metricSum, MiB, scrapeMetrics } from '../lib/metrics.ts'

export interface MemoryResult {
  readonly conversations: number
  readonly rssBeforeMiB: number
  readonly rssAfterMiB: number
  /** After the last delivery and a quiet pause (what stays resident). */
  readonly rssSettledMiB: number
  /** V8 heap in use and committed (the bridge's prom-client default metrics). */
  readonly heapUsedMiB: number | undefined
  readonly heapTotalMiB: number | undefined
  readonly externalMiB: number | undefined
  readonly allArrived: boolean
  readonly arrivedOnce: number
  /** Conversations the bridge's store holds afterwards. */
  readonly storedConversations: number
  /** Messages per second from the first send to the last arrival in Genesys. */
  readonly throughput: number
}

/**
 * Bridge RSS with many live conversations: `count` distinct Teams users each write one message
 * to the bot (Bot Framework path, one personal conversation each, signed activities), and
 * every message must reach Genesys, where each opens its own conversation.
 */
export async function runMemory(
  world: BridgeWorld,
  options: { count: number; inFlight: number; dataDir: string },
): Promise<MemoryResult> {
  const { emulators, bridge } = world
  emulators.genesys.control.setRateLimit({ enabled: false })
  emulators.botframework.control.setRateLimits(false)
  // A fresh bridge process: let start-up work (catch-up, subscription check) finish first.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  const rssBeforeMiB = bridge.rssMiB()
  const sent: SentMessage[] = []
  const started = Date.now()
  let next = 0
  const sender = async () => {
    while (next < options.count) {
      const i = next++
      const aadObjectId = randomUUID()
      const text = `memory ${i}`
      sent.push({ text, sender: aadObjectId, createdMs: Date.now() })
      const result = await emulators.botframework.control.userSends({
        user: {
          id: `29:${aadObjectId}`,
          aadObjectId,
          name: `Memory ${i}`,
          tenantId: DEMO.tenantId,
        },
        text,
      })
      if (result.status >= 300)
        throw new Error(`the bridge answered ${result.status} to a bot message`)
    }
  }
  await Promise.all(Array.from({ length: options.inFlight }, sender))
  const received = () => emulators.genesys.control.received()
  const allArrived = await waitForArrivals(received, sent, 600_000)
  const arrivals = checkArrivals(sent, received())
  const rssAfterMiB = bridge.rssMiB()
  await new Promise((resolve) => setTimeout(resolve, 5_000))
  const metrics = await scrapeMetrics(bridge.url)
  return {
    conversations: options.count,
    rssBeforeMiB,
    rssAfterMiB,
    rssSettledMiB: bridge.rssMiB(),
    heapUsedMiB: MiB(metricSum(metrics, 'nodejs_heap_size_used_bytes')),
    heapTotalMiB: MiB(metricSum(metrics, 'nodejs_heap_size_total_bytes')),
    externalMiB: MiB(metricSum(metrics, 'nodejs_external_memory_bytes')),
    allArrived,
    arrivedOnce: arrivals.arrivedOnce,
    storedConversations: countConversations(join(options.dataDir, 'cx-bridge.db')),
    throughput: options.count / ((arrivals.lastArrivalMs - started) / 1000),
  }
}

function countConversations(file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n
  } finally {
    db.close()
  }
}
