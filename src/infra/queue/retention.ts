import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import { errorSummary } from './error-summary.ts'
import type { JobTable } from './job-table.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const PURGE_CHUNK = 5000

export interface RetentionOptions {
  /** How long done and skipped jobs stay, so their dedupe keys keep working (default 7 days). */
  readonly retentionMs?: number
  /** How often old jobs are purged (default 1 hour). */
  readonly purgeIntervalMs?: number
}

/**
 * Purges done and skipped jobs after the retention period (their dedupe keys stop working
 * then), now and every interval, in chunks so a large backlog never blocks the event loop for
 * long. Failed jobs stay: they are dead letters an operator may still retry.
 */
export function startRetention(
  table: JobTable,
  clock: Clock,
  log: Logger,
  options: RetentionOptions,
): { stop(): void } {
  const retentionMs = options.retentionMs ?? 7 * DAY_MS
  let stopped = false
  const purge = async () => {
    try {
      const before = clock.nowMs() - retentionMs
      let removed = 0
      for (let n = PURGE_CHUNK; n === PURGE_CHUNK && !stopped;) {
        n = table.purge(before, PURGE_CHUNK)
        removed += n
        await new Promise((resolve) => setImmediate(resolve))
      }
      if (removed > 0) log.info({ removed }, 'old finished jobs purged')
    } catch (error) {
      log.error({ err: errorSummary(error) }, 'job purge failed')
    }
  }
  const timer = setInterval(() => void purge(), options.purgeIntervalMs ?? 60 * 60 * 1000)
  timer.unref()
  const first = setImmediate(() => void purge())
  return {
    stop() {
      stopped = true
      clearInterval(timer)
      clearImmediate(first)
    },
  }
}
