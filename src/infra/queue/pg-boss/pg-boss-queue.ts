import type { PgBoss } from 'pg-boss'

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
import { defaultBackoff } from '../backoff.ts'
import { noopLogger } from '../noop-logger.ts'
import { queueMetrics } from '../queue-metrics.ts'
import { isDatabaseClock } from './database-clock.ts'
import { DedupeKeys } from './dedupe-keys.ts'
import { enqueueJobs, planJob, type PlannedJob } from './enqueue.ts'
import { toJobInfo } from './job-data.ts'
import { isJobId } from './job-ids.ts'
import { JobNotices } from './job-notices.ts'
import { JobReads } from './job-reads.ts'
import { LaneHeads } from './lane-heads.ts'
import type { PgBossQueueOptions } from './options.ts'
import { PgBossWorker, type WorkerDeps } from './pg-boss-worker.ts'
import { startPurge } from './purge.ts'
import { QUEUE_NAME } from './queue-settings.ts'
import { Settlements } from './settlements.ts'
import { startBoss } from './start-boss.ts'
import { WriteBatches } from './write-batches.ts'

export type { PgBossQueueOptions } from './options.ts'

const DEFAULT_STOP_TIMEOUT_MS = 30_000
const IDLE_POLL_MS = 10

/**
 * The JobQueue on PostgreSQL through pg-boss 12, for several processes at once. One pg-boss
 * queue holds every task, with the task in the job's data: `key_strict_fifo` keeps order per
 * (queue, singletonKey), so a queue per task would let a conversation's jobs of two tasks
 * overtake each other. The lane is the singletonKey; a job without a lane gets a key of its own.
 */
export async function openPgBossQueue(options: PgBossQueueOptions): Promise<JobQueue> {
  const log = options.log ?? noopLogger
  const { boss, schema } = await startBoss(options, log)
  return new PgBossQueue(boss, schema, log, options)
}

class PgBossQueue implements JobQueue {
  readonly #boss: PgBoss
  readonly #reads: JobReads
  readonly #dedupe: DedupeKeys
  readonly #notices: JobNotices
  readonly #enqueues: WriteBatches<PlannedJob, EnqueueResult>
  readonly #settlements: Settlements
  readonly #workerDeps: Omit<WorkerDeps, 'heads'>
  readonly #connectionString: string
  readonly #schema: string
  readonly #testClock: boolean
  readonly #purge: { stop(): Promise<void> }
  #worker: PgBossWorker | undefined
  /** Calls still using the pool: close() lets them finish, and idle() waits for enqueues. */
  readonly #inFlight = new Set<Promise<unknown>>()
  #closed = false

  constructor(boss: PgBoss, schema: string, log: Logger, options: PgBossQueueOptions) {
    this.#boss = boss
    this.#connectionString = options.connectionString
    this.#schema = schema
    this.#testClock = options.clock !== undefined && isDatabaseClock(options.clock)
    this.#reads = new JobReads(schema, QUEUE_NAME)
    this.#dedupe = new DedupeKeys(schema)
    this.#notices = new JobNotices(schema)
    this.#settlements = new Settlements(boss, QUEUE_NAME, this.#reads, this.#notices)
    this.#workerDeps = {
      boss,
      queue: QUEUE_NAME,
      settlements: this.#settlements,
      notices: this.#notices,
      log,
      metrics: queueMetrics(options.metrics),
      backoff: options.backoff ?? defaultBackoff,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    }
    const enqueueDeps = {
      boss,
      queue: QUEUE_NAME,
      reads: this.#reads,
      dedupe: this.#dedupe,
      notices: this.#notices,
    }
    this.#enqueues = new WriteBatches((jobs) => enqueueJobs(enqueueDeps, jobs))
    const purgeDeps = { boss, queue: QUEUE_NAME, reads: this.#reads, dedupe: this.#dedupe, log }
    this.#purge = startPurge(purgeDeps, options)
  }

  async enqueue(jobs: readonly JobSpec[]): Promise<EnqueueResult[]> {
    this.#assertOpen()
    if (jobs.length === 0) return []
    try {
      return await this.#track(this.#enqueues.submit(jobs.map(planJob)))
    } finally {
      this.#worker?.wake()
    }
  }

  /** Accepting is enqueueing: the enqueues of concurrent webhooks share one transaction. */
  async accept(jobs: readonly JobSpec[]): Promise<void> {
    await this.enqueue(jobs)
  }

  work(handlers: Readonly<Record<string, JobHandler>>, options: WorkerOptions): void {
    this.#assertOpen()
    if (this.#worker) throw new Error('this queue is already working; call stop() first')
    const heads = new LaneHeads({
      connectionString: this.#connectionString,
      schema: this.#schema,
      queue: QUEUE_NAME,
      log: this.#workerDeps.log,
      testClock: this.#testClock,
    })
    this.#worker = new PgBossWorker({ ...this.#workerDeps, heads }, handlers, options.concurrency)
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

  async ping(): Promise<void> {
    this.#assertOpen()
    await this.#track(this.#boss.getDb().executeSql('SELECT 1'))
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
