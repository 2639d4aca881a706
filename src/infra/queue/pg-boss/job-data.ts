import type { JsonValue } from '../../../core/model/json.ts'
import type { Job, JobInfo, JobState } from '../../../core/ports/job-queue.ts'

/** What a job stores in pg-boss's `data` column. */
export interface JobData {
  readonly task: string
  readonly payload: JsonValue
  readonly lane?: string
  readonly dedupeKey?: string
  readonly maxAttempts: number
  /**
   * pg-boss counts claims (`retry_count` goes up on every claim after the first); this many of
   * them are not attempts of the current budget: runs given back by `stop()`, and the budgets
   * spent before an operator's retry. So `attempt = claims - claimOffset`.
   */
  readonly claimOffset: number
}

/** How the bridge ended an attempt, stored in pg-boss's `output` column. */
export type Outcome = 'retry' | 'parked' | 'failed'

export interface JobOutput {
  readonly outcome: Outcome
  readonly lastError: string
}

/** The pg-boss columns the queue reads (raw SQL rows and `fetch({ includeMetadata })` alike). */
export interface BossJobRow {
  readonly id: string
  readonly data: JobData
  readonly state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed'
  readonly retryCount: number
  readonly startedOn: Date | null
  readonly createdOn: Date
  readonly completedOn: Date | null
  readonly startAfter: Date
  readonly output: unknown
}

/** pg-boss `key_strict_fifo` needs a key on every job: a lane's, or one of the job's own. */
export function singletonKeyFor(lane: string | undefined, id: string): string {
  return lane === undefined ? `job:${id}` : `lane:${lane}`
}

/** pg-boss retries a failed claim while `retry_count < retry_limit`; this keeps that in step. */
export function retryLimitFor(maxAttempts: number, claimOffset: number): number {
  return maxAttempts + claimOffset - 1
}

/** Claims pg-boss has handed out for this job (`retry_count` only moves from the second on). */
export function claimsOf(row: Pick<BossJobRow, 'retryCount' | 'startedOn'>): number {
  return row.startedOn === null ? 0 : row.retryCount + 1
}

export function attemptOf(row: Pick<BossJobRow, 'retryCount' | 'startedOn' | 'data'>): number {
  return Math.max(0, claimsOf(row) - row.data.claimOffset)
}

export function outputOf(row: Pick<BossJobRow, 'output'>): Partial<JobOutput> {
  const output = row.output
  if (output === null || typeof output !== 'object') return {}
  const { outcome, lastError, value } = output as Record<string, unknown>
  // pg-boss's own supervisor writes `{ value: { message } }` when a claim expires.
  const expired =
    value !== null && typeof value === 'object' ? (value as { message?: unknown }).message : value
  return {
    outcome:
      outcome === 'retry' || outcome === 'parked' || outcome === 'failed' ? outcome : undefined,
    lastError:
      typeof lastError === 'string'
        ? lastError
        : typeof expired === 'string'
          ? `pg-boss: ${expired}`
          : undefined,
  }
}

/**
 * pg-boss states onto the port's: `failed` is the parked head that blocks its key; a permanent
 * failure is `cancelled` with a `failed` outcome (cancelled jobs do not block), so is a skip.
 */
export function stateOf(row: Pick<BossJobRow, 'state' | 'output'>): JobState {
  switch (row.state) {
    case 'created':
    case 'retry':
      return 'queued'
    case 'active':
      return 'active'
    case 'completed':
      return 'done'
    case 'failed':
      return 'parked'
    case 'cancelled':
      return outputOf(row).outcome === 'failed' ? 'failed' : 'skipped'
  }
}

export function toJob(row: BossJobRow): Job {
  return {
    id: row.id,
    task: row.data.task,
    payload: row.data.payload,
    lane: row.data.lane,
    dedupeKey: row.data.dedupeKey,
    attempt: attemptOf(row),
    maxAttempts: row.data.maxAttempts,
    createdAt: row.createdOn,
  }
}

export function toJobInfo(row: BossJobRow): JobInfo {
  return {
    ...toJob(row),
    state: stateOf(row),
    lastError: outputOf(row).lastError,
    runAt: row.startAfter,
    // pg-boss keeps no update time: the latest of the times it does keep.
    updatedAt: row.completedOn ?? row.startedOn ?? row.createdOn,
  }
}
