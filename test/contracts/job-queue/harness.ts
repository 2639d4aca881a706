import type { JobQueue } from '../../../src/core/ports/job-queue.ts'

/**
 * What the job-queue contract needs from an implementation. The queue must be configured so
 * that a transient failure's backoff is at most `RETRY_STEP_MS` of queue time, and with a
 * short poll interval (the suite waits with `idle()`).
 */
export interface JobQueueHarness {
  /** Opens a queue on this harness's storage; after `close()` it reopens the same jobs. */
  open(): Promise<JobQueue>
  /** The queue's current time, in epoch milliseconds. */
  now(): number
  /** Moves the queue's time forward (runAt, backoff, Retry-After). */
  advance(ms: number): Promise<void>
  /** Removes the storage. */
  cleanup(): Promise<void>
}

export type JobQueueFactory = () => Promise<JobQueueHarness>

export const RETRY_STEP_MS = 1000
