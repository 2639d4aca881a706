import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'

import { createTestPostgresDatabase } from '../../../test/support/postgres-database.ts'
import { createTempDir, type TempDir } from '../../../test/support/temp-dir.ts'
import { ConfigError } from '../../core/errors.ts'
import { PAGE_CACHE_KIB } from '../sqlite/pragmas.ts'
import { connect } from './connect.ts'

describe('connect', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())

  it('refuses a URL it does not know, naming the config key', () => {
    expect(() => connect('mysql://localhost/x')).toThrow(ConfigError)
    expect(() => connect('sqlite:')).toThrow(/store\.url/)
  })

  it('opens a SQLite file in a new folder with WAL, full sync and foreign keys on', async () => {
    dir = createTempDir()
    const { dialect, db } = connect(`sqlite:${dir.file('nested/deeper/bridge.db')}`)
    try {
      expect(dialect).toBe('sqlite')
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] as object)[0]
      expect(await pragma('journal_mode')).toBe('wal')
      expect(await pragma('synchronous')).toBe(1) // NORMAL: the queue's FULL enqueue is what acknowledges
      expect(await pragma('foreign_keys')).toBe(1)
      expect(await pragma('busy_timeout')).toBe(5000)
      // better-sqlite3's own default is 16 MB per connection (memory benchmark)
      expect(await pragma('cache_size')).toBe(-PAGE_CACHE_KIB)
    } finally {
      await db.destroy()
    }
  })

  it('reuses prepared statements: each run answers with its own parameters', async () => {
    const { db } = connect('sqlite::memory:')
    try {
      const query = (n: number) => sql<{ v: number }>`SELECT ${n} + 1 AS v`.execute(db)
      const answers = [(await query(1)).rows[0]?.v, (await query(41)).rows[0]?.v]
      const inTransaction = await db.transaction().execute(async (tx) => {
        await sql`CREATE TABLE t (x INTEGER)`.execute(tx)
        await sql`INSERT INTO t VALUES (${7})`.execute(tx)
        return (await sql<{ x: number }>`SELECT x FROM t`.execute(tx)).rows
      })
      expect(answers).toEqual([2, 42])
      expect(inTransaction).toEqual([{ x: 7 }])
    } finally {
      await db.destroy()
    }
  })

  it('survives a PostgreSQL connection cut while a query runs on it (a server restart)', async () => {
    const database = await createTestPostgresDatabase()
    const { db } = connect(database.url)
    const admin = new pg.Client({ connectionString: database.url })
    try {
      await admin.connect()
      const running = sql`SELECT pg_sleep(10)`.execute(db)
      running.catch(() => undefined)
      for (let tries = 0; tries < 100; tries += 1) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%'`,
        )
        if (rowCount) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      await expect(running).rejects.toThrow(/terminat/)
      // The process is still here, and the pool opens a new connection (the dying one may be
      // handed out once more before its socket closes).
      let rows: unknown
      for (let tries = 0; tries < 5 && rows === undefined; tries += 1) {
        rows = await sql<{ one: number }>`SELECT 1 AS one`
          .execute(db)
          .then((r) => r.rows)
          .catch(() => undefined)
      }
      expect(rows).toEqual([{ one: 1 }])
    } finally {
      await admin.end()
      await db.destroy()
      await database.drop()
    }
  })
})
