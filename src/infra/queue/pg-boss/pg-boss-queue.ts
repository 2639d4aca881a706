import { PgBoss } from 'pg-boss'

import { ConfigError } from '../../../core/errors.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type {
  EnqueueResult,
  JobHandler,
  JobInfo,
  JobQueue,
  JobSpec,
  QueueStats,
  WorkerOptions,
} from '../../../core/ports/job-queue.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { Metrics } from '../../../core/ports/metrics.ts'
import { type BackoffOptions, defaultBackoff } from '../backoff.ts'
import { errorSummary } from '../error-summary.ts'
import { noopLogger } from '../noop-logger.ts'
import { queueMetrics } from '../queue-metrics.ts'
import type { RetentionOptions } from '../retention.ts'
import { type DatabaseClock, toBossClock } from './database-clock.ts'
import { DedupeKeys } from './dedupe-keys.ts'
import { enqueueJobs } from './enqueue.ts'
import { toJobInfo } from './job-data.ts'
import { isJobId } from './job-ids.ts'
import { JobReads } from './job-reads.ts'
import { PgBossWorker, type WorkerDeps } from './pg-boss-worker.ts'
import { startPurge } from './purge.ts'
import { JOB_TIMING, QUEUE_NAME, SCHEMA_NAME } from './queue-settings.ts'
import { Settlements } from './settlements.ts'

export interface PgBossQueueOptions extends RetentionOptions {
  readonly connectionString: string
  /** pg-boss's schema (default `pgboss`), created if missing; the dedupe keys live there too. */
  readonly schema?: string
  /** A DatabaseClock (tests) also moves the database's time; see database-clock.ts. */
  readonly clock?: Clock | DatabaseClock
  readonly log?: Logger
  readonly metrics?: Metrics
  /** How often an idle worker looks for jobs whose time has come (default 1000). */
  readonly pollIntervalMs?: number
  /** Retry delays after transient failures (default 1 s doubling to 5 min). */
  readonly backoff?: BackoffOptions
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000
const IDLE_POLL_MS = 10

/**
 * The JobQueue on PostgreSQL through pg-boss 12, for several processes at once. One pg-boss
 * queue holds every task, with the task in the job's data: `key_strict_fifo` keeps order per
 * (queue, singletonKey), so a queue per task would let a conversation's jobs of two tasks
 * overtake each other. The lane is the singletonKey; a job without a lane gets a key of its own.
 */
export async function openPgBossQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  const schema = options.schema ?? 'pgboss'
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError('queue.schema', 'use lower-case letters, digits and underscores')
  }
  const log = options.log ?? noopLogger
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    clock: toBossClock(options.clock),
    application_name: 'cx-bridge',
    // No cron schedules here; supervision (expiry, heartbeats) stays on.
    schedule: false,
  })
  boss.on('error', (error) => log.error({ err: errorSummary(error) }, 'pg-boss reported an error'))
  boss.on('warning', (warning) => log.warn({ detail: warning.message }, 'pg-boss warning'))
  await boss.start()
  const dedupe = new DedupeKeys(schema)
  try {
    await boss.createQueue(QUEUE_NAME, { policy: 'key_strict_fifo', ...JOB_TIMING })
    const queue = await boss.getQueue(QUEUE_NAME)
    if (queue?.policy !== 'key_strict_fifo') {
      throw new ConfigError('queue.schema', `pg-boss queue ${QUEUE_NAME} is not key_strict_fifo`)
    }
    await dedupe.install(boss.getDb())
  } catch (error) {
    await boss.stop({ graceful: false })
    throw error
  }
  return new PgBossQueue(boss, schema, dedupe, log, options)
}

class PgBossQueue implements JobQueue {
  readonly #boss: PgBoss
  readonly #reads: JobReads
  readonly #dedupe: DedupeKeys
  readonly #settlements: Settlements
  readonly #workerDeps: WorkerDeps
  readonly #purge: { stop(): Promise<void> }
  #worker: PgBossWorker | undefined
  /** Calls still using the pool: close() lets them finish, and idle() waits for enqueues. */
  readonly #inFlight = new Set<Promise<unknown>>()
  #closed = false

  constructor(
    boss: PgBoss,
    schema: string,
    dedupe: DedupeKeys,
    log: Logger,
    options: PgBossQueueOptions,
  ) {
    this.#boss = boss
    this.#reads = new JobReads(schema, QUEUE_NAME)
    this.#dedupe = dedupe
    this.#settlements = new Settlements(boss, QUEUE_NAME, this.#reads)
    this.#workerDeps = {
      boss,
      queue: QUEUE_NAME,
      reads: this.#reads,
      settlements: this.#settlements,
      log,
      metrics: queueMetrics(options.metrics),
      backoff: options.backoff ?? defaultBackoff,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    }
    const purgeDeps = { boss, queue: QUEUE_NAME, reads: this.#reads, dedupe, log }
    this.#purge = startPurge(purgeDeps, options)
  }

  async enqueue(jobs: readonly JobSpec[]): Promise<EnqueueResult[]> {
    this.#assertOpen()
    if (jobs.length === 0) return []
    const deps = { boss: this.#boss, queue: QUEUE_NAME, reads: this.#reads, dedupe: this.#dedupe }
    try {
      return await this.#track(enqueueJobs(deps, jobs))
    } finally {
      this.#worker?.wake()
    }
  }

  work(handlers: Readonly<Record<string, JobHandler>>, options: WorkerOptions): void {
    this.#assertOpen()
    if (this.#worker) throw new Error('this queue is already working; call stop() first')
    this.#worker = new PgBossWorker(this.#workerDeps, handlers, options.concurrency)
  }

  async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    const worker = this.#worker
    if (!worker) return
    await worker.stop(timeoutMs)
    if (this.#worker === worker) this.#worker = undefined
  }

  async get(id: string): Promise<JobInfo | undefined> {
    this.#assertOpen()
    if (!isJobId(id)) return undefined
    const row = await this.#track(this.#reads.get(this.#boss.getDb(), id))
    return row && toJobInfo(row)
  }

  async parked(): Promise<JobInfo[]> {
    this.#assertOpen()
    return (await this.#track(this.#reads.parked(this.#boss.getDb()))).map(toJobInfo)
  }

  async retry(id: string): Promise<void> {
    this.#assertOpen()
    await this.#track(this.#settlements.retryByOperator(id))
    this.#worker?.wake()
  }

  async skip(id: string): Promise<void> {
    this.#assertOpen()
    await this.#track(this.#settlements.skip(id))
    this.#worker?.wake()
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen()
    return this.#track(this.#reads.stats(this.#boss.getDb()))
  }

  async idle(): Promise<void> {
    for (;;) {
      this.#assertOpen()
      const local = this.#inFlight.size + (this.#worker?.busy ?? 0)
      if (local === 0 && !(await this.#reads.busy(this.#boss.getDb()))) return
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS))
    }
  }

  /**
   * Stops at once: running handlers are aborted and their jobs given back as queued (not
   * counted as an attempt), so another process or the next start runs them.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#purge.stop()
    await this.#worker?.stop(0)
    this.#worker = undefined
    await Promise.allSettled(this.#inFlight)
    await this.#boss.stop()
  }

  #track<T>(call: Promise<T>): Promise<T> {
    this.#inFlight.add(call)
    const forget = () => this.#inFlight.delete(call)
    call.then(forget, forget)
    return call
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the job queue is closed')
  }
}
