import type { Db, PgBoss } from 'pg-boss'

/**
 * PostgreSQL LISTEN/NOTIFY between the processes sharing a queue: a transaction that makes jobs
 * runnable (enqueue, an operator's retry or skip, a job given back) announces it, and the notice
 * reaches every listening worker at COMMIT, so a worker that did not enqueue the jobs itself
 * (`cx-bridge work` beside `serve`) claims them at once instead of at its next poll. A notice is
 * only a hint: polling stays the backstop for missed notices and for jobs whose time comes.
 */
export class JobNotices {
  readonly #channel: string

  /** `schema` is validated before it gets here; one channel per schema and database. */
  constructor(schema: string) {
    this.#channel = `${schema}_cxb_jobs`
  }

  /** Inside a transaction: every listener hears of it when (and only if) it commits. */
  async announce(db: Db): Promise<void> {
    await db.executeSql(`SELECT pg_notify($1, '')`, [this.#channel])
  }

  /**
   * Calls `onNotice` for every notice, and after each (re)connection of the listening session,
   * which may have missed some. pg-boss's listener holds a connection of its own outside the
   * pool, reconnects with backoff and checks its registration with a heartbeat.
   */
  async listen(boss: PgBoss, onNotice: () => void): Promise<{ close(): Promise<void> }> {
    const db = boss.getDb()
    if (!db.listen) throw new Error('the pg-boss database adapter cannot LISTEN')
    return db.listen(this.#channel, onNotice, onNotice)
  }
}
