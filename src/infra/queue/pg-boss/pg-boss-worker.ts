import { setTimeout as sleep } from 'node:timers/promises'

import type { PgBoss } from 'pg-boss'

import type { JobHandler } from '../../../core/ports/job-queue.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import { lazyChild } from '../../logging/lazy-child.ts'
import type { BackoffOptions } from '../backoff.ts'
import { errorSummary } from '../error-summary.ts'
import type { QueueMetrics } from '../queue-metrics.ts'
import { startClaimHeartbeat } from './claim-heartbeat.ts'
import { Doorbell } from './doorbell.ts'
import { toJob } from './job-data.ts'
import type { JobNotices } from './job-notices.ts'
import type { LaneHeads } from './lane-heads.ts'
import { classifyFailure, logOutcome, recordOutcome, type RunOutcome } from './outcomes.ts'
import type { ClaimedJob, Settlements } from './settlements.ts'

export interface WorkerDeps {
  readonly boss: PgBoss
  readonly queue: string
  readonly settlements: Settlements
  readonly heads: LaneHeads
  readonly notices: JobNotices
  readonly log: Logger
  readonly metrics: QueueMetrics
  readonly backoff: BackoffOptions
  readonly pollIntervalMs: number
}

/** One claimed job in this process, from fetch until its outcome is written. */
class Run {
  readonly controller = new AbortController()
  /** Given back by stop(), or its claim lapsed: the outcome is not written. */
  detached = false
  /** The handler has returned and the outcome is being written. */
  settling = false
  finished: Promise<void> = Promise.resolve()
  readonly job: ClaimedJob

  constructor(job: ClaimedJob) {
    this.job = job
  }

  lapse(): void {
    if (this.settling || this.detached) return
    this.detached = true
    this.controller.abort(new Error('the job claim lapsed'))
  }
}

/**
 * Claims lane heads up to `concurrency` (at most one job per lane across every process, as
 * pg-boss's `key_strict_fifo` fetch: lane-heads.ts), runs their handlers and writes outcomes.
 * Rung awake by this process's enqueues and finished jobs and by other processes' notices
 * (job-notices.ts); polls `pollIntervalMs` otherwise.
 */
export class PgBossWorker {
  readonly #deps: WorkerDeps
  readonly #handlers: Readonly<Record<string, JobHandler>>
  readonly #slots: number
  readonly #runs = new Map<string, Run>()
  readonly #bell = new Doorbell()
  readonly #heartbeat: { stop(): void }
  readonly #listening: Promise<{ close(): Promise<void> } | undefined>
  readonly #loop: Promise<void>
  #stopping = false

  constructor(
    deps: WorkerDeps,
    handlers: Readonly<Record<string, JobHandler>>,
    concurrency: number,
  ) {
    this.#deps = deps
    this.#handlers = handlers
    this.#slots = Math.max(1, Math.floor(concurrency))
    // pg-boss's cached queue counts (refreshed by its monitor) are cheap enough for a gauge.
    const reportDepth = async () =>
      deps.metrics.depth((await deps.boss.getQueue(deps.queue))?.queuedCount ?? 0)
    const held = () => [...this.#runs.values()].filter((run) => !run.detached && !run.settling)
    this.#heartbeat = startClaimHeartbeat(deps.boss, deps.queue, deps.log, held, reportDepth)
    this.#listening = deps.notices
      .listen(deps.boss, () => this.wake())
      .catch((error: unknown) => {
        deps.log.warn({ err: errorSummary(error) }, 'not listening for new jobs; polling only')
        return undefined
      })
    // Begins on a later tick, so no handler runs inside the caller's work() call.
    this.#loop = sleep(0).then(() => this.#poll())
  }

  /** Jobs running now or whose outcome is still being written. */
  get busy(): number {
    return this.#runs.size
  }

  wake(): void {
    this.#bell.ring()
  }

  /** Stops claiming; gives running jobs `timeoutMs`, then aborts them and gives them back. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true
    this.#bell.ring()
    await this.#loop
    await (await this.#listening)?.close()
    await this.#deps.heads.close()
    const grace = new AbortController()
    const allDone = Promise.allSettled([...this.#runs.values()].map((run) => run.finished))
    const inTime = await Promise.race([
      allDone.then(() => true),
      sleep(timeoutMs, false, { signal: grace.signal }).catch(() => true),
    ])
    grace.abort()
    this.#heartbeat.stop()
    if (!inTime) await Promise.all([...this.#runs.values()].map((run) => this.#giveBack(run)))
  }

  async #giveBack(run: Run): Promise<void> {
    run.detached = true
    run.controller.abort(new Error('the job queue is stopping'))
    try {
      const released = await this.#deps.settlements.release(run.job)
      if (released) this.#deps.metrics.finished(run.job.data.task, 'released')
    } catch (error) {
      // Still claimed: pg-boss's supervisor gives it back once the heartbeats stop.
      this.#deps.log.error({ err: errorSummary(error), jobId: run.job.id }, 'job release failed')
    }
  }

  async #poll(): Promise<void> {
    while (!this.#stopping) {
      const free = this.#slots - this.#runs.size
      if (free > 0) {
        try {
          const claimed = await this.#deps.heads.claim(free)
          for (const job of claimed) this.#begin(new Run(job))
        } catch (error) {
          this.#deps.log.error({ err: errorSummary(error) }, 'job claim failed')
        }
      }
      await this.#bell.nap(this.#deps.pollIntervalMs)
    }
  }

  #begin(run: Run): void {
    this.#runs.set(run.job.id, run)
    run.finished = this.#runToEnd(run)
      // A job this code cannot read (not one of ours): its heartbeats stop, so pg-boss retries
      // it and parks it once its retry_limit is spent.
      .catch((error) => this.#deps.log.error({ err: errorSummary(error) }, 'job run failed'))
      .finally(() => {
        this.#runs.delete(run.job.id)
        this.#bell.ring()
      })
  }

  async #runToEnd(run: Run): Promise<void> {
    const job = toJob(run.job)
    const { id: jobId, task, lane, attempt } = job
    const log = lazyChild(this.#deps.log, { jobId, task, lane, attempt })
    const began = performance.now()
    const outcome = await this.#handle(run, log)
    this.#deps.metrics.duration(task, (performance.now() - began) / 1000)
    if (run.detached) return
    run.settling = true
    try {
      if (!(await recordOutcome(this.#deps.settlements, run.job, outcome))) {
        log.warn({ outcome: outcome.kind }, 'job claim lapsed before its outcome was recorded')
        return
      }
    } catch (error) {
      // Still claimed: pg-boss's supervisor gives it back once the heartbeats stop (at least once).
      log.error({ err: errorSummary(error) }, 'job outcome could not be recorded')
      return
    }
    this.#deps.metrics.finished(task, outcome.kind)
    logOutcome(log, outcome)
  }

  async #handle(run: Run, log: Logger): Promise<RunOutcome> {
    const job = toJob(run.job)
    const handler = this.#handlers[job.task]
    if (!handler) return { kind: 'parked', error: `no handler is registered for task ${job.task}` }
    try {
      await handler(job, { signal: run.controller.signal, log })
      return { kind: 'done' }
    } catch (error) {
      return classifyFailure(job, error, this.#deps.backoff)
    }
  }
}
