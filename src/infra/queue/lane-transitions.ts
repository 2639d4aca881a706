import type Database from 'better-sqlite3'

import { ConflictError, NotFoundError } from '../../core/errors.ts'
import type { JobRow } from './job-rows.ts'
import { OPEN, UNFINISHED } from './queue-database.ts'
import { type Prepare, statementCache } from './statement-cache.ts'

/** What became of one run of a job. */
export type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'retry'; readonly runAt: number; readonly error: string }
  | { readonly kind: 'parked'; readonly error: string }

/**
 * State changes after a job ran, or by an operator. Each keeps `is_head` true for exactly the
 * oldest unfinished job of a lane. Callers run them inside `JobTable.atomically`.
 */
export class LaneTransitions {
  readonly #sql: Prepare

  constructor(db: Database.Database) {
    this.#sql = statementCache(db)
  }

  /** Records an outcome of an active job; ignored if the job is no longer active here. */
  finish(job: Pick<JobRow, 'id' | 'lane'>, outcome: Outcome, now: number): void {
    switch (outcome.kind) {
      case 'done':
      case 'failed': {
        const changed = this.#sql(
          `UPDATE jobs SET state = ?, is_head = 0, last_error = coalesce(?, last_error),
                  updated_at = ? WHERE id = ? AND state = 'active'`,
        ).run(outcome.kind, outcome.kind === 'failed' ? outcome.error : null, now, job.id).changes
        if (changed > 0 && job.lane !== null) this.#promoteNext(job.lane)
        return
      }
      case 'retry':
        // Still the head: the lane waits for this job, so order holds through retries.
        this.#sql(
          `UPDATE jobs SET state = 'queued', run_at = ?, last_error = ?, updated_at = ?
            WHERE id = ? AND state = 'active'`,
        ).run(outcome.runAt, outcome.error, now, job.id)
        return
      case 'parked':
        this.#sql(
          `UPDATE jobs SET state = 'parked', last_error = ?, updated_at = ?
            WHERE id = ? AND state = 'active'`,
        ).run(outcome.error, now, job.id)
        return
    }
  }

  /** Gives an interrupted run back without counting it as an attempt. */
  release(id: number, now: number): void {
    this.#sql(
      `UPDATE jobs SET state = 'queued', attempt = max(attempt - 1, 0), updated_at = ?
        WHERE id = ? AND state = 'active'`,
    ).run(now, id)
  }

  /**
   * After a crash, active jobs run again (at least once). A job whose interrupted runs used up
   * its budget is parked instead, so a job that kills the process cannot loop forever.
   */
  recoverInterrupted(now: number): { requeued: number; parked: number } {
    const parked = this.#sql(
      `UPDATE jobs SET state = 'parked', last_error = 'interrupted: the process stopped while it ran',
              updated_at = ? WHERE state IN ${OPEN} AND state = 'active' AND attempt >= max_attempts`,
    ).run(now).changes
    const requeued = this.#sql(
      `UPDATE jobs SET state = 'queued', updated_at = ? WHERE state IN ${OPEN} AND state = 'active'`,
    ).run(now).changes
    return { requeued, parked }
  }

  /** Puts a parked or failed job back at its lane's head with a fresh budget. */
  retry(id: number, now: number): void {
    const job = this.#require(id, ['parked', 'failed'])
    this.#sql(
      `UPDATE jobs SET state = 'queued', attempt = 0, run_at = ?, updated_at = ?,
              is_head = CASE WHEN lane IS NULL THEN 1 ELSE is_head END WHERE id = ?`,
    ).run(now, now, id)
    // A failed job is older than what its lane ran since, so it takes the head back.
    if (job.lane !== null) this.#recomputeHead(job.lane)
  }

  /** Gives up on a parked job so its lane moves on. */
  skip(id: number, now: number): void {
    const job = this.#require(id, ['parked'])
    this.#sql(`UPDATE jobs SET state = 'skipped', is_head = 0, updated_at = ? WHERE id = ?`).run(
      now,
      id,
    )
    if (job.lane !== null) this.#promoteNext(job.lane)
  }

  #require(id: number, states: readonly string[]): JobRow {
    const job = this.#sql(`SELECT * FROM jobs WHERE id = ?`).get(id) as JobRow | undefined
    if (!job) throw new NotFoundError('job not found', { details: { id: String(id) } })
    if (!states.includes(job.state)) {
      throw new ConflictError(`job is ${job.state}, expected ${states.join(' or ')}`, {
        details: { id: String(id), state: job.state },
      })
    }
    return job
  }

  #nextInLane(lane: string): number | undefined {
    const next = this.#sql(
      `SELECT id FROM jobs WHERE lane = ? AND state IN ${UNFINISHED} ORDER BY id LIMIT 1`,
    ).get(lane) as { id: number } | undefined
    return next?.id
  }

  #promoteNext(lane: string): void {
    const next = this.#nextInLane(lane)
    if (next !== undefined) this.#sql(`UPDATE jobs SET is_head = 1 WHERE id = ?`).run(next)
  }

  /** Scans the lane's unfinished jobs: only for operator actions, never per job. */
  #recomputeHead(lane: string): void {
    this.#sql(
      `UPDATE jobs SET is_head = (id = @head)
        WHERE lane = @lane AND state IN ${UNFINISHED} AND is_head <> (id = @head)`,
    ).run({ lane, head: this.#nextInLane(lane) ?? null })
  }
}
