import type { JobInsert } from 'pg-boss'

/** The one pg-boss queue every task shares (see pg-boss-queue.ts for why one). */
export const QUEUE_NAME = 'cxb-jobs'

/** pg-boss schema names are interpolated into SQL: letters, digits and underscores only. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,49}$/

/** pg-boss keeps `retention_seconds` in an int column; ten years means "never" for a queued job. */
const NEVER_EXPIRES_S = 10 * 365 * 24 * 60 * 60

/** Seconds between a worker's heartbeats (pg-boss requires >= 10); a lapsed claim is retried. */
export const HEARTBEAT_S = 30

/**
 * Per-job pg-boss settings. The bridge decides retries itself (delay, Retry-After), so pg-boss
 * retries at once and the bridge moves `start_after`. Nothing is deleted by pg-boss: a queued job
 * behind a parked head must wait for the operator however long it takes, and failed jobs are
 * dead letters; done and skipped jobs are purged by the queue's own retention (retention.ts).
 */
export const JOB_TIMING = {
  retryDelay: 0,
  retryBackoff: false,
  // A claim held this long is failed by pg-boss's supervisor (then retried or parked).
  expireInSeconds: 15 * 60,
  heartbeatSeconds: HEARTBEAT_S,
  deleteAfterSeconds: 0,
  retentionSeconds: NEVER_EXPIRES_S,
} as const satisfies Partial<JobInsert>
