import { isBridgeError, isRetryable } from '../../../core/errors.ts'
import type { Job } from '../../../core/ports/job-queue.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import { type BackoffOptions, retryDelayMs } from '../backoff.ts'
import { errorSummary } from '../error-summary.ts'
import type { ClaimedJob, Settlements } from './settlements.ts'

/** What one run of a job came to; `delayMs` counts from the database's now. */
export type RunOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly error: string }
  | { readonly kind: 'parked'; readonly error: string }
  | { readonly kind: 'failed'; readonly error: string }

/** The port's rule: BridgeError `retryable` (or any non-BridgeError) is transient. */
export function classifyFailure(job: Job, error: unknown, backoff: BackoffOptions): RunOutcome {
  const summary = errorSummary(error)
  if (!isRetryable(error)) return { kind: 'failed', error: summary }
  if (job.attempt >= job.maxAttempts) return { kind: 'parked', error: summary }
  const retryAfterMs = isBridgeError(error) ? error.retryAfterMs : undefined
  return {
    kind: 'retry',
    delayMs: retryDelayMs(job.attempt, backoff, retryAfterMs),
    error: summary,
  }
}

/** Writes the outcome; false when the claim had lapsed and pg-boss gave the job to another run. */
export function recordOutcome(
  settlements: Settlements,
  job: ClaimedJob,
  outcome: RunOutcome,
): Promise<boolean> {
  switch (outcome.kind) {
    case 'done':
      return settlements.done(job)
    case 'retry':
      return settlements.retry(job, outcome.delayMs, outcome.error)
    case 'parked':
      return settlements.park(job, outcome.error)
    case 'failed':
      return settlements.failForGood(job, outcome.error)
  }
}

const LOGGED = {
  done: ['debug', 'job done'],
  retry: ['warn', 'job failed, will retry'],
  parked: ['error', 'job parked: its lane waits for an operator'],
  failed: ['warn', 'job failed for good'],
} as const

export function logOutcome(log: Logger, outcome: RunOutcome): void {
  const [level, message] = LOGGED[outcome.kind]
  const fields =
    outcome.kind === 'done'
      ? {}
      : { err: outcome.error, ...(outcome.kind === 'retry' ? { delayMs: outcome.delayMs } : {}) }
  log[level](fields, message)
}
