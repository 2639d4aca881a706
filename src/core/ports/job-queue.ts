import type { JsonValue } from '../model/json.ts'
import type { Logger } from './logger.ts'

export interface JobSpec {
  readonly task: string
  readonly payload: JsonValue
  /**
   * Jobs sharing a lane run one at a time, in enqueue order. A transiently failing job holds its
   * lane through its retries; once its retry budget is spent the lane is parked until an operator
   * retries or skips it. A permanent failure is recorded and the lane moves on. Use the
   * conversation key; never a random value. No lane: runs whenever a worker is free.
   */
  readonly lane?: string
  /** A second enqueue with the same key is ignored (reported as duplicate). */
  readonly dedupeKey?: string
  readonly runAt?: Date
  /** Attempts before the lane is parked (default 10). */
  readonly maxAttempts?: number
}

export interface EnqueueResult {
  readonly id: string
  readonly duplicate: boolean
}

export type JobState = 'queued' | 'active' | 'done' | 'failed' | 'parked' | 'skipped'

export interface Job {
  readonly id: string
  readonly task: string
  readonly payload: JsonValue
  readonly lane: string | undefined
  readonly dedupeKey: string | undefined
  /** 1 on the first run. */
  readonly attempt: number
  readonly maxAttempts: number
  readonly createdAt: Date
}

export interface JobInfo extends Job {
  readonly state: JobState
  readonly lastError: string | undefined
  readonly runAt: Date
  readonly updatedAt: Date
}

export interface JobContext {
  readonly signal: AbortSignal
  readonly log: Logger
}

/**
 * Throw a BridgeError to classify the failure: `retryable` → transient (backoff honouring
 * `retryAfterMs`, lane held); otherwise permanent (recorded as failed, lane moves on). Any
 * other thrown value is treated as transient.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>

export interface WorkerOptions {
  readonly concurrency: number
}

export interface QueueStats {
  readonly queued: number
  readonly active: number
  readonly parked: number
  readonly failed: number
}

export interface JobQueue {
  /** Resolves once every job is durably stored (the caller may then acknowledge). */
  enqueue(jobs: readonly JobSpec[]): Promise<EnqueueResult[]>
  /**
   * Resolves once every job is durably stored, like `enqueue`, but reports neither ids nor
   * duplicates: deduplication and lane placement may happen later, before any of these jobs
   * runs and in the order accepted. For acknowledging webhooks, where only durability counts.
   */
  accept(jobs: readonly JobSpec[]): Promise<void>
  /** Starts processing with the given handlers until `stop()`. */
  work(handlers: Readonly<Record<string, JobHandler>>, options: WorkerOptions): void
  /** Finishes in-flight jobs (or releases them on timeout) and stops claiming new ones. */
  stop(timeoutMs?: number): Promise<void>
  get(id: string): Promise<JobInfo | undefined>
  /** Parked heads of lanes, oldest first. */
  parked(): Promise<JobInfo[]>
  /** Puts a parked or failed job back at its lane's head with a fresh retry budget. */
  retry(id: string): Promise<void>
  /** Gives up on a parked job so its lane moves on. */
  skip(id: string): Promise<void>
  stats(): Promise<QueueStats>
  /** Resolves when the queue's storage answers a trivial query (readiness). */
  ping(): Promise<void>
  /** Resolves when nothing is queued or active that can run now (tests and graceful stops). */
  idle(): Promise<void>
  close(): Promise<void>
}
