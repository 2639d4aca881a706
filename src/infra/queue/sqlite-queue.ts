import type Database from 'better-sqlite3'

import type { Clock } from '../../core/ports/clock.ts'
import type {
  EnqueueResult,
  JobHandler,
  JobInfo,
  JobQueue,
  JobSpec,
  QueueStats,
  WorkerOptions,
} from '../../core/ports/job-queue.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import { systemClock } from '../clock/system-clock.ts'
import { type BackoffOptions, defaultBackoff } from './backoff.ts'
import { GroupCommit } from './group-commit.ts'
import { parseJobId, toJobInfo } from './job-rows.ts'
import { toNewJob } from './job-spec.ts'
import { JobTable, type NewJob } from './job-table.ts'
import { LaneTransitions } from './lane-transitions.ts'
import { noopLogger } from './noop-logger.ts'
import { openQueueDatabase } from './queue-database.ts'
import { queueMetrics } from './queue-metrics.ts'
import { type RetentionOptions, startRetention } from './retention.ts'
import { WalSync } from './wal-sync.ts'
import { Worker, type WorkerDeps } from './worker.ts'

export interface SqliteQueueOptions extends RetentionOptions {
  /** The queue's own database file, or ':memory:'. */
  readonly path: string
  readonly clock?: Clock
  readonly log?: Logger
  readonly metrics?: Metrics
  /** How often an idle worker looks for jobs whose runAt has come (default 1000). */
  readonly pollIntervalMs?: number
  /** Retry delays after transient failures (default 1 s doubling to 5 min). */
  readonly backoff?: BackoffOptions
}

const DEFAULT_STOP_TIMEOUT_MS = 30_000
const IDLE_POLL_MS = 5

/**
 * The embedded JobQueue: one SQLite file, group-committed enqueues, strict FIFO lanes. Meant
 * for one process; a second process may enqueue or inspect, but only one should `work()`.
 */
export function openSqliteQueue(options: SqliteQueueOptions): JobQueue {
  return new SqliteQueue(options)
}

class SqliteQueue implements JobQueue {
  readonly #db: Database.Database
  readonly #wal: WalSync
  readonly #table: JobTable
  readonly #transitions: LaneTransitions
  readonly #enqueues: GroupCommit<NewJob, EnqueueResult>
  readonly #accepts: GroupCommit<NewJob, undefined>
  readonly #workerDeps: WorkerDeps
  readonly #retention: { stop(): void }
  #worker: Worker | undefined
  #closed = false

  constructor(options: SqliteQueueOptions) {
    const clock = options.clock ?? systemClock
    const log = options.log ?? noopLogger
    this.#db = openQueueDatabase(options.path)
    this.#wal = new WalSync(options.path)
    this.#wal.syncDirectory()
    this.#table = new JobTable(this.#db)
    this.#transitions = new LaneTransitions(this.#db)
    const recovered = this.#table.atomically(() =>
      this.#transitions.recoverInterrupted(clock.nowMs()),
    )
    if (recovered.requeued + recovered.parked > 0) {
      log.warn(recovered, 'jobs left active by a stopped process were recovered')
    }
    this.#enqueues = new GroupCommit((jobs) => this.#table.insert(jobs, clock.nowMs()), {
      durable: () => this.#wal.sync(),
      afterCommit: () => this.#worker?.wake(),
    })
    this.#accepts = new GroupCommit(
      (jobs) => {
        this.#table.accept(jobs, clock.nowMs())
        return jobs.map(() => undefined)
      },
      // The worker may start on accepted jobs while their fsync runs; the webhook's 2xx still
      // waits for it. A power loss before the fsync loses the job and its 2xx together (the
      // remote delivers again), as it may the store's own NORMAL-synced writes after any job
      // (docs/architecture.md, "Work starts before the fsync").
      { durable: () => this.#wal.sync(), afterWrite: () => this.#worker?.wake() },
    )
    const metrics = queueMetrics(options.metrics)
    this.#workerDeps = {
      table: this.#table,
      transitions: this.#transitions,
      clock,
      log,
      metrics,
      backoff: options.backoff ?? defaultBackoff,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    }
    this.#retention = startRetention(this.#table, clock, log, options)
  }

  async enqueue(jobs: readonly JobSpec[]): Promise<EnqueueResult[]> {
    this.#assertOpen()
    if (jobs.length === 0) return []
    const now = this.#workerDeps.clock.nowMs()
    return this.#enqueues.submit(jobs.map((spec) => toNewJob(spec, now)))
  }

  async accept(jobs: readonly JobSpec[]): Promise<void> {
    this.#assertOpen()
    if (jobs.length === 0) return
    const now = this.#workerDeps.clock.nowMs()
    await this.#accepts.submit(jobs.map((spec) => toNewJob(spec, now)))
  }

  work(handlers: Readonly<Record<string, JobHandler>>, options: WorkerOptions): void {
    this.#assertOpen()
    if (this.#worker) throw new Error('this queue is already working; call stop() first')
    this.#worker = new Worker(this.#workerDeps, handlers, options.concurrency)
  }

  async stop(timeoutMs = DEFAULT_STOP_TIMEOUT_MS): Promise<void> {
    const worker = this.#worker
    if (!worker) return
    await worker.stop(timeoutMs)
    if (this.#worker === worker) this.#worker = undefined
  }

  async get(id: string): Promise<JobInfo | undefined> {
    this.#assertOpen()
    const key = parseJobId(id)
    const row = key === undefined ? undefined : this.#table.get(key)
    return row && toJobInfo(row)
  }

  async parked(): Promise<JobInfo[]> {
    this.#assertOpen()
    return this.#table.parked().map(toJobInfo)
  }

  async retry(id: string): Promise<void> {
    await this.#operate(id, (key, now) => this.#transitions.retry(key, now))
  }

  async skip(id: string): Promise<void> {
    await this.#operate(id, (key, now) => this.#transitions.skip(key, now))
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen()
    return this.#table.stats()
  }

  async ping(): Promise<void> {
    this.#assertOpen()
    this.#db.prepare('SELECT 1').get()
  }

  async idle(): Promise<void> {
    while (!this.#isIdle()) await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#accepts.flush()
    this.#enqueues.flush()
    this.#worker?.abandon()
    this.#worker = undefined
    this.#retention.stop()
    this.#closed = true
    await this.#wal.close()
    this.#db.close()
  }

  #isIdle(): boolean {
    this.#assertOpen()
    if (this.#enqueues.pending + this.#accepts.pending > 0 || (this.#worker?.busy ?? 0) > 0) {
      return false
    }
    return (
      this.#table.stats().active === 0 && !this.#table.hasRunnable(this.#workerDeps.clock.nowMs())
    )
  }

  async #operate(id: string, change: (key: number, now: number) => void): Promise<void> {
    this.#assertOpen()
    const key = parseJobId(id) ?? 0
    this.#table.atomically(() => change(key, this.#workerDeps.clock.nowMs()))
    await this.#wal.sync()
    this.#worker?.wake()
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the job queue is closed')
  }
}
