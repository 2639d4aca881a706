import type { PgBoss } from 'pg-boss'

import type { Logger } from '../../../core/ports/logger.ts'
import { errorSummary } from '../error-summary.ts'
import { HEARTBEAT_S } from './queue-settings.ts'
import type { ClaimedJob } from './settlements.ts'

/** A claim the heartbeat keeps alive while its handler runs. */
export interface HeldClaim {
  readonly job: ClaimedJob
  /** Called when pg-boss took the claim back (its supervisor saw no heartbeat, or expiry). */
  lapse(): void
}

/**
 * Touches every held claim a few times per `HEARTBEAT_S`, as pg-boss's supervisor expects of
 * jobs with `heartbeatSeconds`; without it a crashed process's jobs would wait out the 15-minute
 * expiry. A claim the touch no longer finds active has lapsed. `onBeat` runs on each beat too.
 */
export function startClaimHeartbeat(
  boss: PgBoss,
  queue: string,
  log: Logger,
  held: () => HeldClaim[],
  onBeat: () => Promise<void>,
): { stop(): void } {
  const beat = async () => {
    try {
      await onBeat()
      const claims = held()
      if (claims.length === 0) return
      const touched = await boss.touch(
        queue,
        claims.map(({ job }) => ({ id: job.id, retryCount: job.retryCount })),
      )
      // pg-boss answers the ids it touched at run time; its type declares an empty interface.
      const alive = new Set((touched as { settled?: string[] }).settled ?? [])
      for (const claim of claims) if (!alive.has(claim.job.id)) claim.lapse()
    } catch (error) {
      log.error({ err: errorSummary(error) }, 'job heartbeat failed')
    }
  }
  const timer = setInterval(() => void beat(), (HEARTBEAT_S * 1000) / 3)
  timer.unref()
  const first = setImmediate(() => void beat())
  return {
    stop: () => {
      clearInterval(timer)
      clearImmediate(first)
    },
  }
}
