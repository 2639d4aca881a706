import type { Db } from 'pg-boss'

import type { QueueStats } from '../../../core/ports/job-queue.ts'
import type { BossJobRow } from './job-data.ts'

const COLUMNS = `id, data, state, retry_count AS "retryCount", started_on AS "startedOn",
  created_on AS "createdOn", completed_on AS "completedOn", start_after AS "startAfter", output`

/**
 * Reads of pg-boss's job table (its schema is public: pgboss.io documents SQL use from other
 * runtimes). Writes go through pg-boss's API, except the claim (lane-heads.ts). `schema` is
 * validated before it gets here.
 */
export class JobReads {
  readonly #schema: string
  readonly #queue: string

  constructor(schema: string, queue: string) {
    this.#schema = schema
    this.#queue = queue
  }

  async get(db: Db, id: string, lock = false): Promise<BossJobRow | undefined> {
    const { rows } = await db.executeSql(
      `SELECT ${COLUMNS} FROM ${this.#schema}.job WHERE name = $1 AND id = $2
       ${lock ? 'FOR UPDATE' : ''}`,
      [this.#queue, id],
    )
    return rows[0] as BossJobRow | undefined
  }

  async parked(db: Db): Promise<BossJobRow[]> {
    const { rows } = await db.executeSql(
      `SELECT ${COLUMNS} FROM ${this.#schema}.job
        WHERE name = $1 AND state = 'failed' AND policy = 'key_strict_fifo'
        ORDER BY created_on, id`,
      [this.#queue],
    )
    return rows as BossJobRow[]
  }

  /** Exact counts; `failed` reads every cancelled job of the queue (an operator's call). */
  async stats(db: Db): Promise<QueueStats> {
    const { rows } = await db.executeSql(
      `SELECT count(*) FILTER (WHERE state < 'active')::int AS queued,
              count(*) FILTER (WHERE state = 'active')::int AS active,
              count(*) FILTER (WHERE state = 'failed')::int AS parked,
              count(*) FILTER (WHERE state = 'cancelled' AND output->>'outcome' = 'failed')::int
                AS failed
         FROM ${this.#schema}.job WHERE name = $1`,
      [this.#queue],
    )
    return rows[0] as QueueStats
  }

  /**
   * Whether a job is active, or one could be claimed now: the same test as pg-boss's
   * `key_strict_fifo` fetch (due, not blocked, no other job of its key active, retrying or
   * failed), against the database's clock (`job_now()`, which a TestClock moves).
   */
  async busy(db: Db): Promise<boolean> {
    const s = this.#schema
    const { rows } = await db.executeSql(
      `SELECT EXISTS (SELECT 1 FROM ${s}.job WHERE name = $1 AND state = 'active')
           OR EXISTS (
             SELECT 1 FROM ${s}.job j
              WHERE j.name = $1 AND j.state < 'active' AND NOT j.blocked
                AND j.start_after <= ${s}.job_now()
                AND NOT EXISTS (
                  SELECT 1 FROM ${s}.job b
                   WHERE b.name = j.name AND b.singleton_key = j.singleton_key AND b.id <> j.id
                     AND b.state IN ('active', 'retry', 'failed'))) AS busy`,
      [this.#queue],
    )
    return (rows[0] as { busy: boolean }).busy
  }

  /** The latest start of each lane's queued jobs, which a later job of the lane must wait for. */
  async laneStarts(db: Db, keys: readonly string[]): Promise<Map<string, Date>> {
    if (keys.length === 0) return new Map()
    const { rows } = await db.executeSql(
      `SELECT singleton_key AS key, max(start_after) AS "startAfter" FROM ${this.#schema}.job
        WHERE name = $1 AND singleton_key = ANY($2::text[])
          AND state < 'active' AND NOT blocked AND policy = 'key_strict_fifo'
        GROUP BY singleton_key`,
      [this.#queue, keys],
    )
    return new Map(
      (rows as Array<{ key: string; startAfter: Date }>).map((r) => [r.key, r.startAfter]),
    )
  }

  /** Done and skipped jobs finished before the retention cutoff, a chunk at a time. */
  async expired(db: Db, retentionMs: number, limit: number): Promise<string[]> {
    const { rows } = await db.executeSql(
      `SELECT id FROM ${this.#schema}.job
        WHERE name = $1 AND completed_on < ${this.#schema}.job_now() - $2 * interval '1 millisecond'
          AND (state = 'completed'
               OR (state = 'cancelled' AND output->>'outcome' IS DISTINCT FROM 'failed'))
        LIMIT $3`,
      [this.#queue, retentionMs, limit],
    )
    return (rows as Array<{ id: string }>).map((r) => r.id)
  }
}
