import type { Db } from 'pg-boss'

/**
 * Dedupe keys live in a table beside pg-boss's, written in the enqueue's transaction: job ids
 * must sort in enqueue order (see job-ids.ts), so they cannot be derived from the key. A key
 * lasts as long as its job is stored (done and skipped jobs for the retention period, failed
 * and parked ones until an operator acts), and at least the retention period after enqueue.
 */
export class DedupeKeys {
  readonly #schema: string
  readonly #table: string

  constructor(schema: string) {
    this.#schema = schema
    this.#table = `${schema}.cxb_dedupe_key`
  }

  async install(db: Db): Promise<void> {
    try {
      await db.executeSql(
        `CREATE TABLE IF NOT EXISTS ${this.#table} (
           key text PRIMARY KEY,
           job_id uuid NOT NULL,
           created_on timestamptz NOT NULL)`,
      )
    } catch (error) {
      // Two processes creating it at once: one wins, the other sees the type or table appear
      // (a unique violation in pg_type, "relation already exists" or "type already exists").
      const code = (error as { code?: string }).code
      if (code !== '23505' && code !== '42P07' && code !== '42710') throw error
    }
  }

  /**
   * Claims each key for its proposed job id; answers the ids already holding the keys that were
   * taken. A concurrent enqueue of the same key waits on the primary key until the first
   * commits, then sees its row. Keys are locked in sorted order so two batches cannot deadlock.
   */
  async claim(db: Db, proposed: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const keys = [...proposed.keys()].sort()
    if (keys.length === 0) return new Map()
    const { rows: claimed } = await db.executeSql(
      `INSERT INTO ${this.#table} (key, job_id, created_on)
       SELECT key, job_id, ${this.#schema}.job_now()
         FROM unnest($1::text[], $2::uuid[]) AS k (key, job_id) ORDER BY key
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [keys, keys.map((key) => proposed.get(key)!)],
    )
    const won = new Set((claimed as Array<{ key: string }>).map((r) => r.key))
    const lost = keys.filter((key) => !won.has(key))
    if (lost.length === 0) return new Map()
    const { rows } = await db.executeSql(
      `SELECT key, job_id::text AS id FROM ${this.#table} WHERE key = ANY($1::text[])`,
      [lost],
    )
    return new Map((rows as Array<{ key: string; id: string }>).map((r) => [r.key, r.id]))
  }

  /** Drops keys older than the retention whose job is gone (purged, or deleted by hand). */
  async purge(db: Db, queue: string, retentionMs: number): Promise<number> {
    const schema = this.#schema
    const { rows } = await db.executeSql(
      `WITH gone AS (
         DELETE FROM ${this.#table} d
          WHERE d.created_on < ${schema}.job_now() - $2 * interval '1 millisecond'
            AND NOT EXISTS (SELECT 1 FROM ${schema}.job j WHERE j.name = $1 AND j.id = d.job_id)
          RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [queue, retentionMs],
    )
    return (rows[0] as { n: number }).n
  }
}
