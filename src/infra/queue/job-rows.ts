import type { JsonValue } from '../../core/model/json.ts'
import type { Job, JobInfo, JobState } from '../../core/ports/job-queue.ts'

/** A `jobs` row as better-sqlite3 returns it (times are epoch milliseconds). */
export interface JobRow {
  readonly id: number
  readonly task: string
  readonly payload: string
  readonly lane: string | null
  readonly dedupe_key: string | null
  readonly state: JobState
  readonly is_head: number
  readonly attempt: number
  readonly max_attempts: number
  readonly run_at: number
  readonly last_error: string | null
  readonly created_at: number
  readonly updated_at: number
}

/** Ids are the table's integer key, exchanged as decimal strings. */
export function parseJobId(id: string): number | undefined {
  return /^[1-9]\d{0,15}$/.test(id) ? Number(id) : undefined
}

export function toJob(row: JobRow): Job {
  return {
    id: String(row.id),
    task: row.task,
    payload: JSON.parse(row.payload) as JsonValue,
    lane: row.lane ?? undefined,
    dedupeKey: row.dedupe_key ?? undefined,
    attempt: row.attempt,
    maxAttempts: row.max_attempts,
    createdAt: new Date(row.created_at),
  }
}

export function toJobInfo(row: JobRow): JobInfo {
  return {
    ...toJob(row),
    state: row.state,
    lastError: row.last_error ?? undefined,
    runAt: new Date(row.run_at),
    updatedAt: new Date(row.updated_at),
  }
}
