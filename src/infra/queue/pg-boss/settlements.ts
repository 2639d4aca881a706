import type { Db, JobAttempt, PgBoss } from 'pg-boss'

import { ConflictError, NotFoundError } from '../../../core/errors.ts'
import { type BossJobRow, claimsOf, type JobOutput, retryLimitFor, stateOf } from './job-data.ts'
import { isJobId } from './job-ids.ts'
import type { JobNotices } from './job-notices.ts'
import type { JobReads } from './job-reads.ts'
import { inTransaction } from './transaction.ts'
import { WriteBatches } from './write-batches.ts'

/** A job as `fetch({ includeMetadata: true })` hands it out. */
export interface ClaimedJob extends BossJobRow {
  readonly retryLimit: number
}

/**
 * Every state change after a claim or by an operator, through pg-boss's API. Outcomes of a run
 * are fenced to the claim (`{ id, retryCount }`): if pg-boss's supervisor took the claim away
 * (heartbeat or expiry), they change nothing and answer false.
 */
export class Settlements {
  readonly #boss: PgBoss
  readonly #queue: string
  readonly #reads: JobReads
  readonly #notices: JobNotices
  readonly #dones = new WriteBatches<ClaimedJob, boolean>((jobs) => this.#completeAll(jobs))

  constructor(boss: PgBoss, queue: string, reads: JobReads, notices: JobNotices) {
    this.#boss = boss
    this.#queue = queue
    this.#reads = reads
    this.#notices = notices
  }

  /** Done; the last error of an earlier attempt stays readable. */
  async done(job: ClaimedJob): Promise<boolean> {
    const [completed] = await this.#dones.submit([job])
    return completed!
  }

  /** First attempts (no output to keep) in one statement; the others one by one. */
  async #completeAll(jobs: readonly ClaimedJob[]): Promise<boolean[]> {
    const fresh = jobs.filter((job) => keptOutput(job) === null)
    const settled = new Set<string>()
    if (fresh.length > 0) {
      const response = await this.#boss.complete(this.#queue, fresh.map(claimOf), null)
      // pg-boss answers the ids it settled at run time; its type declares an empty interface.
      for (const id of (response as { settled?: string[] }).settled ?? []) settled.add(id)
    }
    for (const job of jobs) {
      if (keptOutput(job) === null) continue
      if (affected(await this.#boss.complete(this.#queue, claimOf(job), keptOutput(job)))) {
        settled.add(job.id)
      }
    }
    return jobs.map((job) => settled.has(job.id))
  }

  /** Back to the head of its lane (pg-boss `retry` holds the key), due after `delayMs`. */
  async retry(job: ClaimedJob, delayMs: number, lastError: string): Promise<boolean> {
    return inTransaction(this.#boss, async (db) => {
      if (!(await this.#fail(db, job, { outcome: 'retry', lastError }))) return false
      // pg-boss's delay is whole seconds and blind to Retry-After: move the start ourselves.
      await this.#boss.update(this.#queue, undefined, {
        id: job.id,
        startAfter: delayMs / 1000,
        db,
      })
      return true
    })
  }

  /** pg-boss `failed`: the key stays blocked until an operator retries or skips. */
  async park(job: ClaimedJob, lastError: string): Promise<boolean> {
    return inTransaction(this.#boss, async (db) => {
      const output = { outcome: 'parked', lastError } as const
      if (!(await this.#fail(db, job, output))) return false
      const row = await this.#reads.get(db, job.id)
      if (row?.state === 'retry') {
        // Parked with budget left (no handler for the task): spend the budget, fail again.
        await this.#boss.update(this.#queue, undefined, {
          id: job.id,
          retryLimit: row.retryCount,
          db,
        })
        await this.#boss.fail(this.#queue, job.id, output, { db })
      }
      return true
    })
  }

  /** Recorded as failed and out of the lane's way: pg-boss `cancelled`, which blocks nothing. */
  async failForGood(job: ClaimedJob, lastError: string): Promise<boolean> {
    return inTransaction(this.#boss, async (db) => {
      if (!(await this.#fail(db, job, { outcome: 'failed', lastError }))) return false
      await this.#cancel(db, job.id)
      return true
    })
  }

  /** Gives an interrupted run back as queued, not counted as an attempt. */
  async release(job: ClaimedJob): Promise<boolean> {
    return inTransaction(this.#boss, async (db) => {
      const failed = await this.#boss.fail(this.#queue, claimOf(job), keptOutput(job), { db })
      if (!affected(failed)) return false
      if ((await this.#reads.get(db, job.id))?.state === 'failed') {
        await this.#boss.retry(this.#queue, job.id, { db })
      }
      const data = { ...job.data, claimOffset: job.data.claimOffset + 1 }
      await this.#update(db, job.id, data, job.retryLimit + 1)
      await this.#notices.announce(db)
      return true
    })
  }

  /** Operator: a parked or failed job goes back to its lane's head with a fresh budget. */
  async retryByOperator(id: string): Promise<void> {
    await inTransaction(this.#boss, async (db) => {
      const row = await this.#require(db, id, ['parked', 'failed'])
      if (row.state === 'failed') await this.#boss.retry(this.#queue, id, { db })
      else await this.#boss.resume(this.#queue, id, { db })
      const claims = claimsOf(row)
      const data = { ...row.data, claimOffset: claims }
      await this.#update(db, id, data, retryLimitFor(row.data.maxAttempts, claims))
      await this.#notices.announce(db)
    })
  }

  /** Operator: gives up on a parked job; its lane moves on. */
  async skip(id: string): Promise<void> {
    await inTransaction(this.#boss, async (db) => {
      await this.#require(db, id, ['parked'])
      await this.#cancel(db, id)
      await this.#notices.announce(db)
    })
  }

  async #fail(db: Db, job: ClaimedJob, output: JobOutput): Promise<boolean> {
    return affected(await this.#boss.fail(this.#queue, claimOf(job), output, { db }))
  }

  /** pg-boss cancels only jobs below `completed`; a `failed` one goes through `retry` first. */
  async #cancel(db: Db, id: string): Promise<void> {
    if ((await this.#reads.get(db, id))?.state === 'failed') {
      await this.#boss.retry(this.#queue, id, { db })
    }
    if (!affected(await this.#boss.cancel(this.#queue, id, { db }))) {
      throw new Error('pg-boss did not cancel the job')
    }
  }

  async #update(db: Db, id: string, data: object, retryLimit: number): Promise<void> {
    const { updated } = await this.#boss.update(this.#queue, data, { id, retryLimit, db })
    if (updated !== 1) throw new Error('pg-boss did not update the queued job')
  }

  async #require(db: Db, id: string, states: readonly string[]): Promise<BossJobRow> {
    const row = isJobId(id) ? await this.#reads.get(db, id, true) : undefined
    if (!row) throw new NotFoundError('job not found', { details: { id } })
    const state = stateOf(row)
    if (!states.includes(state)) {
      throw new ConflictError(`job is ${state}, expected ${states.join(' or ')}`, {
        details: { id, state },
      })
    }
    return row
  }
}

function claimOf(job: ClaimedJob): JobAttempt {
  return { id: job.id, retryCount: job.retryCount }
}

function keptOutput(job: ClaimedJob): object | null {
  return job.output !== null && typeof job.output === 'object' ? job.output : null
}

/** pg-boss answers `{ affected }` at run time; its type declares an empty interface. */
function affected(response: object): boolean {
  return ((response as { affected?: number }).affected ?? 0) > 0
}
