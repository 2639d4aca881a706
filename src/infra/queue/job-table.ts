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
const INBOX_INSERT = `INSERT INTO inbox (jobs, accepted_at) VALUES (?, ?)`
const INBOX_OLDEST = `SELECT id, jobs, accepted_at FROM inbox ORDER BY id LIMIT ?`
/** Inbox rows (group-commit batches) one claim moves: bounds the time a claim holds the loop. */
const INBOX_ROWS_PER_DRAIN = 32
const RUNNABLE = `
  SELECT id, lane FROM jobs
   WHERE state = 'queued' AND is_head = 1 AND run_at <= ?
   ORDER BY run_at, id LIMIT ?`

/** Reads, inserts and claims on the `jobs` table, synchronously (better-sqlite3). */
export class JobTable {
  readonly #sql: Prepare
  // One transaction wrapper for every call: better-sqlite3 builds four closures per wrapper.
  readonly #transaction: Database.Transaction<(work: () => unknown) => unknown>

  constructor(db: Database.Database) {
    this.#sql = statementCache(db)
    this.#transaction = db.transaction((work: () => unknown) => work())
  }

  /**
   * Runs `work` in one write transaction (taken at once, so a second process waits). The commit
   * is not fsynced (synchronous=NORMAL): it survives a crash of the process, and `WalSync`
   * makes it survive power loss where that matters (enqueues, operator actions). A claim or
   * outcome lost to power loss only runs an idempotent job again.
   */
  atomically<T>(work: () => T): T {
    return this.#transaction.immediate(work) as T
  }

  /**
   * Inserts a batch in one transaction: the group commit. What the inbox holds goes first, so a
   * job enqueued now never overtakes one accepted earlier in its lane.
   */
  insert(jobs: readonly NewJob[], now: number): EnqueueResult[] {
    return this.atomically(() => {
      while (this.drainInbox(INBOX_ROWS_PER_DRAIN) > 0);
      return jobs.map((job) => this.#insertOne(job, now))
    })
  }

  /** Stores an accepted batch as one inbox row (see queue-database.ts). */
  accept(jobs: readonly NewJob[], now: number): void {
    this.atomically(() => this.#sql(INBOX_INSERT).run(JSON.stringify(jobs), now))
  }

  /**
   * Moves up to `rows` inbox rows, oldest first, into `jobs` (deduplicated, placed in their
   * lanes), inside the caller's transaction. Returns how many rows it moved.
   */
  drainInbox(rows: number): number {
    const batches = this.#sql(INBOX_OLDEST).all(rows) as Array<{
      id: number
      jobs: string
      accepted_at: number
    }>
    if (batches.length === 0) return 0
    for (const batch of batches) {
      for (const job of JSON.parse(batch.jobs) as NewJob[]) this.#insertOne(job, batch.accepted_at)
    }
    this.#sql(`DELETE FROM inbox WHERE id <= ?`).run(batches[batches.length - 1]!.id)
    return batches.length
  }

  #insertOne(job: NewJob, now: number): EnqueueResult {
    // run() rather than RETURNING: no result row to build for the common case.
    const inserted = this.#sql(INSERT).run({ ...job, now })
    if (inserted.changes > 0) return { id: String(inserted.lastInsertRowid), duplicate: false }
    const existing = this.#sql(`SELECT id FROM jobs WHERE dedupe_key = ?`).get(job.dedupeKey)
    return { id: String((existing as { id: number }).id), duplicate: true }
  }

  /**
   * Marks up to `limit` runnable lane heads active. `busyLanes` are lanes with a job running
   * here: after an operator retries an old failed job, its lane can briefly have two heads.
   */
  claim(limit: number, now: number, busyLanes: ReadonlySet<string>): JobRow[] {
    return this.atomically(() => {
      this.drainInbox(INBOX_ROWS_PER_DRAIN)
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
    return this.inboxWaiting() || this.#sql(RUNNABLE).all(now, 1).length > 0
  }

  /** Accepted batches are still waiting to be drained into `jobs`. */
  inboxWaiting(): boolean {
    return this.#sql(`SELECT 1 FROM inbox LIMIT 1`).get() !== undefined
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
    // Accepted jobs not yet drained are queued too (duplicates among them included).
    const inbox = this.#sql(`SELECT coalesce(sum(json_array_length(jobs)), 0) AS n FROM inbox`)
    stats.queued += (inbox.get() as { n: number }).n
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
