import { join } from 'node:path'

import { type BridgeWorld, NO_LIMITS, openBridgeWorld, warmUp } from '../lib/bridge-world.ts'
import { openFleetWorld } from '../lib/fleet-world.ts'
import { runTeamsToGenesys, type TeamsToGenesysResult } from './teams-to-genesys.ts'

export interface FleetResult {
  readonly offeredRate: number
  readonly durationS: number
  /** `cx-bridge start` on SQLite (the embedded deployment). */
  readonly embedded: TeamsToGenesysResult
  /** `serve` + 1 `work` on PostgreSQL (pg-boss) and Redis. */
  readonly oneWorker: TeamsToGenesysResult
  /** `serve` + 2 `work`. */
  readonly twoWorkers: TeamsToGenesysResult
}

/**
 * End-to-end throughput and latency Teams → Genesys of the same load against the embedded
 * deployment and the scaled one with 1 and 2 worker processes: customers write at `rate` for
 * `durationS` (more than either deployment forwards, so the end-to-end rate is its throughput),
 * each deployment in a fresh data dir, one after the other.
 */
export async function runFleet(options: {
  dataDir: string
  customers: number
  rate: number
  durationS: number
  log: (line: string) => void
}): Promise<FleetResult> {
  const measure = async (name: string, open: (dataDir: string) => Promise<BridgeWorld>) => {
    options.log(`  ${name} …`)
    const world = await open(join(options.dataDir, name))
    try {
      await warmUp(world, name)
      return await runTeamsToGenesys(world, {
        rate: options.rate,
        durationS: options.durationS,
        tag: name,
        drainTimeoutMs: 300_000,
      })
    } finally {
      await world.close()
    }
  }
  const common = { customers: options.customers, limits: NO_LIMITS }
  return {
    offeredRate: options.rate,
    durationS: options.durationS,
    embedded: await measure('embedded', (dataDir) =>
      openBridgeWorld({ ...common, dataDir, richNotifications: true }),
    ),
    oneWorker: await measure('fleet-1', (dataDir) =>
      openFleetWorld({ ...common, dataDir, workers: 1 }),
    ),
    twoWorkers: await measure('fleet-2', (dataDir) =>
      openFleetWorld({ ...common, dataDir, workers: 2 }),
    ),
  }
}
