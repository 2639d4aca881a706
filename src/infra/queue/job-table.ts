import type Database from 'better-sqlite3'

import type { EnqueueResult, QueueStats } from '../../core/ports/job-queue.ts'
import type { JobRow } from './job-rows.ts'
import { OPEN, UNFINISHED } from './queue-database.ts'
import { type Prepare, statementCache } from './statement-cache.ts'

/** A validated JobSpec, payload already serialized. */
export interface NewJob {
  readonly task: string
  readonly payload: string
  readonly lane: string | null
  readonly dedupeKey: string | null
  readonly runAt: number
  readonly maxAttempts: number
}

const INSERT = `
  INSERT INTO jobs (task, payload, lane, dedupe_key, state, is_head, attempt, max_attempts,
                    run_at, created_at, updated_at)
  VALUES (@task, @payload, @lane, @dedupeKey, 'queued',
          CASE WHEN @lane IS NULL THEN 1
               WHEN EXISTS (SELECT 1 FROM jobs WHERE lane = @lane AND state IN ${UNFINISHED}) THEN 0
               ELSE 1 END,
          0, @maxAttempts, @runAt, @now, @now)
  ON CONFLICT (dedupe_key) DO NOTHING`
const RUNNABLE = `
  SELECT id, lane FROM jobs
   WHERE state = 'queued' AND is_head = 1 AND run_at <= ?
   ORDER BY run_at, id LIMIT ?`

/** Reads, inserts and claims on the `jobs` table, synchronously (better-sqlite3). */
export class JobTable {
  readonly #db: Database.Database
  readonly #sql: Prepare
  // One transaction wrapper for every call: better-sqlite3 builds four closures per wrapper.
  readonly #transaction: Database.Transaction<(work: () => unknown) => unknown>

  constructor(db: Database.Database) {
    this.#db = db
    this.#sql = statementCache(db)
    this.#transaction = db.transaction((work: () => unknown) => work())
  }

  /** Runs `work` in one write transaction (taken at once, so a second process waits). */
  atomically<T>(work: () => T): T {
    return this.#transaction.immediate(work) as T
  }

  /**
   * Like `atomically`, but the commit is not fsynced (synchronous=NORMAL): for claims and
   * outcomes, never for an enqueue. In WAL mode such a commit still survives a crash of the
   * process; only power loss can drop it, and the next FULL commit (every enqueue) syncs the
   * WAL up to it as well. A lost claim or outcome only runs an idempotent job again
   * (https://www.sqlite.org/pragma.html#pragma_synchronous, https://www.sqlite.org/wal.html).
   */
  atomicallyUnsynced<T>(work: () => T): T {
    this.#db.exec('PRAGMA synchronous = NORMAL')
    try {
      return this.atomically(work)
    } finally {
      this.#db.exec('PRAGMA synchronous = FULL')
    }
  }

  /** Inserts a batch in one transaction: the group commit. */
  insert(jobs: readonly NewJob[], now: number): EnqueueResult[] {
    return this.atomically(() =>
      jobs.map((job) => {
        // run() rather than RETURNING: no result row to build for the common case.
        const inserted = this.#sql(INSERT).run({ ...job, now })
        if (inserted.changes > 0) return { id: String(inserted.lastInsertRowid), duplicate: false }
        const existing = this.#sql(`SELECT id FROM jobs WHERE dedupe_key = ?`).get(job.dedupeKey)
        return { id: String((existing as { id: number }).id), duplicate: true }
      }),
    )
  }

  /**
   * Marks up to `limit` runnable lane heads active. `busyLanes` are lanes with a job running
   * here: after an operator retries an old failed job, its lane can briefly have two heads.
   */
  claim(limit: number, now: number, busyLanes: ReadonlySet<string>): JobRow[] {
    return this.atomicallyUnsynced(() => {
      const candidates = this.#sql(RUNNABLE).all(now, limit * 2 + 8) as Array<{
        id: number
        lane: string | null
      }>
      const lanes = new Set<string>()
      const claimed: JobRow[] = []
      for (const { id, lane } of candidates) {
        if (claimed.length >= limit) break
        if (lane !== null && (busyLanes.has(lane) || lanes.has(lane))) continue
        if (lane !== null) lanes.add(lane)
        const row = this.#sql(
          `UPDATE jobs SET state = 'active', attempt = attempt + 1, updated_at = ?
            WHERE id = ? RETURNING *`,
        ).get(now, id)
        claimed.push(row as JobRow)
      }
      return claimed
    })
  }

  hasRunnable(now: number): boolean {
    return this.#sql(RUNNABLE).all(now, 1).length > 0
  }

  get(id: number): JobRow | undefined {
    return this.#sql(`SELECT * FROM jobs WHERE id = ?`).get(id) as JobRow | undefined
  }

  parked(): JobRow[] {
    return this.#sql(
      `SELECT * FROM jobs WHERE state IN ${OPEN} AND state = 'parked' ORDER BY id`,
    ).all() as JobRow[]
  }

  stats(): QueueStats {
    const rows = this.#sql(
      `SELECT state, count(*) AS n FROM jobs WHERE state IN ${OPEN} GROUP BY state`,
    ).all() as Array<{ state: keyof QueueStats; n: number }>
    const stats = { queued: 0, active: 0, parked: 0, failed: 0 }
    for (const { state, n } of rows) stats[state] = n
    return stats
  }

  /** Deletes up to `limit` done or skipped jobs last touched before `before`; returns how many. */
  purge(before: number, limit: number): number {
    return this.#sql(
      `DELETE FROM jobs WHERE id IN (
         SELECT id FROM jobs WHERE state IN ('done', 'skipped') AND updated_at < ? LIMIT ?)`,
    ).run(before, limit).changes
  }
}
