import type { PgBoss } from 'pg-boss'

import type { Logger } from '../../../core/ports/logger.ts'
import { errorSummary } from '../error-summary.ts'
import type { RetentionOptions } from '../retention.ts'
import type { DedupeKeys } from './dedupe-keys.ts'
import type { JobReads } from './job-reads.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const CHUNK = 1000

export interface PurgeDeps {
  readonly boss: PgBoss
  readonly queue: string
  readonly reads: JobReads
  readonly dedupe: DedupeKeys
  readonly log: Logger
}

/**
 * Deletes done and skipped jobs (and then their dedupe keys) once the retention period has
 * passed since they finished; failed and parked jobs stay for the operator. pg-boss's own
 * deletion is off for this queue because it cannot tell those apart (it deletes every finished
 * state after `deleteAfterSeconds`, a parked head included, which would unblock its lane).
 */
export function startPurge(deps: PurgeDeps, options: RetentionOptions): { stop(): Promise<void> } {
  const retentionMs = options.retentionMs ?? 7 * DAY_MS
  let stopped = false
  let running: Promise<void> | undefined
  const pass = async () => {
    try {
      let removed = 0
      for (let n = CHUNK; n === CHUNK && !stopped;) {
        const ids = await deps.reads.expired(deps.boss.getDb(), retentionMs, CHUNK)
        n = ids.length
        if (n > 0) await deps.boss.deleteJob(deps.queue, ids)
        removed += n
      }
      const keys = stopped ? 0 : await deps.dedupe.purge(deps.boss.getDb(), deps.queue, retentionMs)
      if (removed + keys > 0) {
        deps.log.info({ jobs: removed, dedupeKeys: keys }, 'old finished jobs purged')
      }
    } catch (error) {
      deps.log.error({ err: errorSummary(error) }, 'job purge failed')
    }
  }
  const start = () => {
    running ??= pass().finally(() => (running = undefined))
  }
  const timer = setInterval(start, options.purgeIntervalMs ?? 60 * 60 * 1000)
  timer.unref()
  const first = setImmediate(start)
  return {
    /** Resolves once a pass that is running has ended (before the pool closes). */
    async stop() {
      stopped = true
      clearInterval(timer)
      clearImmediate(first)
      await running
    },
  }
}
