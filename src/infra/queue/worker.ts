import { isBridgeError, isRetryable } from '../../core/errors.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Job, JobHandler } from '../../core/ports/job-queue.ts'
import type { Logger } from '../../core/ports/logger.ts'
import { lazyChild } from '../logging/lazy-child.ts'
import { type BackoffOptions, retryDelayMs } from './backoff.ts'
import { errorSummary } from './error-summary.ts'
import { GroupCommit } from './group-commit.ts'
import { type JobRow, toJob } from './job-rows.ts'
import type { JobTable } from './job-table.ts'
import type { LaneTransitions, Outcome } from './lane-transitions.ts'
import type { QueueMetrics } from './queue-metrics.ts'

const DEPTH_INTERVAL_MS = 1000

export interface WorkerDeps {
  readonly table: JobTable
  readonly transitions: LaneTransitions
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: QueueMetrics
  readonly backoff: BackoffOptions
  readonly pollIntervalMs: number
}

interface Run {
  readonly row: JobRow
  readonly controller: AbortController
  /** Set when stop() gave the job back or close() abandoned it: its outcome is not written. */
  detached: boolean
  done?: Promise<void>
}

/**
 * Claims runnable lane heads up to `concurrency`, runs their handlers and records outcomes
 * (group-committed like enqueues). Wakes at once when told (enqueue, a finished job) and polls
 * otherwise, for jobs whose runAt has come.
 */
export class Worker {
  readonly #deps: WorkerDeps
  readonly #handlers: Readonly<Record<string, JobHandler>>
  readonly #concurrency: number
  readonly #runs = new Map<number, Run>()
  readonly #busyLanes = new Set<string>()
  readonly #outcomes: GroupCommit<{ row: JobRow; outcome: Outcome }, void>
  #stopping = false
  #woken = false
  #wakeup: (() => void) | undefined
  readonly #loop: Promise<void>

  constructor(
    deps: WorkerDeps,
    handlers: Readonly<Record<string, JobHandler>>,
    concurrency: number,
  ) {
    this.#deps = deps
    this.#handlers = handlers
    this.#concurrency = Math.max(1, Math.floor(concurrency))
    this.#outcomes = new GroupCommit(
      (items) =>
        deps.table.atomically(() => {
          const now = deps.clock.nowMs()
          return items.map(({ row, outcome }) => deps.transitions.finish(row, outcome, now))
        }),
      { afterCommit: () => this.wake() },
    )
    // Starts after work() returns, so no handler runs inside the caller's work() call.
    this.#loop = Promise.resolve().then(() => this.#run())
  }

  /** Jobs running now or whose outcome is still being written. */
  get busy(): number {
    return this.#runs.size
  }

  wake(): void {
    this.#woken = true
    this.#wakeup?.()
  }

  /** Waits for running jobs up to `timeoutMs`, then aborts the rest and gives them back. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true
    this.wake()
    await this.#loop
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      Promise.allSettled([...this.#runs.values()].map((run) => run.done)).then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ])
    clearTimeout(timer)
    if (!timedOut) return
    const now = this.#deps.clock.nowMs()
    for (const run of this.#runs.values()) {
      run.detached = true
      this.#deps.table.atomically(() => this.#deps.transitions.release(run.row.id, now))
      this.#deps.metrics.finished(run.row.task, 'released')
      run.controller.abort(new Error('the job queue is stopping'))
    }
  }

  /** For close(): stop at once, leaving running jobs active to be recovered on the next open. */
  abandon(): void {
    this.#stopping = true
    this.wake()
    this.#outcomes.flush()
    for (const run of this.#runs.values()) {
      run.detached = true
      run.controller.abort(new Error('the job queue was closed'))
    }
  }

  async #run(): Promise<void> {
    let depthAt = Number.NEGATIVE_INFINITY
    while (!this.#stopping) {
      this.#claim()
      if (performance.now() - depthAt >= DEPTH_INTERVAL_MS) {
        depthAt = performance.now()
        this.#deps.metrics.depth(this.#deps.table.stats().queued)
      }
      await this.#sleepUntilWoken()
    }
  }

  #claim(): void {
    const free = this.#concurrency - this.#runs.size
    if (free <= 0) return
    try {
      const rows = this.#deps.table.claim(free, this.#deps.clock.nowMs(), this.#busyLanes)
      for (const row of rows) this.#start(row)
      // More accepted batches to drain: next turn, after pending I/O (webhooks) had its share.
      if (this.#deps.table.inboxWaiting()) setImmediate(() => this.wake())
    } catch (error) {
      this.#deps.log.error({ err: errorSummary(error) }, 'job claim failed')
    }
  }

  #start(row: JobRow): void {
    const run: Run = { row, controller: new AbortController(), detached: false }
    this.#runs.set(row.id, run)
    if (row.lane !== null) this.#busyLanes.add(row.lane)
    run.done = this.#execute(run).finally(() => {
      this.#runs.delete(row.id)
      if (row.lane !== null) this.#busyLanes.delete(row.lane)
      this.wake()
    })
  }

  async #execute(run: Run): Promise<void> {
    const job = toJob(run.row)
    const log = lazyChild(this.#deps.log, {
      jobId: job.id,
      task: job.task,
      lane: job.lane,
      attempt: job.attempt,
    })
    const handler = this.#handlers[job.task]
    const started = performance.now()
    let outcome: Outcome
    if (!handler) {
      outcome = { kind: 'parked', error: `no handler is registered for task ${job.task}` }
    } else {
      try {
        await handler(job, { signal: run.controller.signal, log })
        outcome = { kind: 'done' }
      } catch (error) {
        outcome = this.#classify(job, error)
      }
    }
    this.#deps.metrics.duration(job.task, (performance.now() - started) / 1000)
    if (run.detached) return
    try {
      await this.#outcomes.submit([{ row: run.row, outcome }])
    } catch (error) {
      // The row stays active; the next open runs the job again (at least once).
      log.error({ err: errorSummary(error) }, 'job outcome could not be recorded')
      return
    }
    this.#deps.metrics.finished(job.task, outcome.kind)
    logOutcome(log, outcome)
  }

  #classify(job: Job, error: unknown): Outcome {
    const summary = errorSummary(error)
    if (!isRetryable(error)) return { kind: 'failed', error: summary }
    if (job.attempt >= job.maxAttempts) return { kind: 'parked', error: summary }
    const retryAfterMs = isBridgeError(error) ? error.retryAfterMs : undefined
    const delay = retryDelayMs(job.attempt, this.#deps.backoff, retryAfterMs)
    return { kind: 'retry', runAt: this.#deps.clock.nowMs() + delay, error: summary }
  }

  #sleepUntilWoken(): Promise<void> {
    if (this.#woken) {
      this.#woken = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wakeup = undefined
        this.#woken = false
        resolve()
      }
      const timer = setTimeout(done, this.#deps.pollIntervalMs)
      this.#wakeup = done
    })
  }
}

function logOutcome(log: Logger, outcome: Outcome): void {
  switch (outcome.kind) {
    case 'done':
      return log.debug({}, 'job done')
    case 'retry':
      return log.warn(
        { err: outcome.error, runAt: new Date(outcome.runAt) },
        'job failed, will retry',
      )
    case 'parked':
      return log.error({ err: outcome.error }, 'job parked: its lane waits for an operator')
    case 'failed':
      return log.warn({ err: outcome.error }, 'job failed for good')
  }
}
