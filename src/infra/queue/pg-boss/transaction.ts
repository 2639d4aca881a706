import type { Db, PgBoss } from 'pg-boss'

/** Runs `work` in one transaction on pg-boss's pool; pass the `db` to pg-boss calls as `{ db }`. */
export async function inTransaction<T>(boss: PgBoss, work: (db: Db) => Promise<T>): Promise<T> {
  const pool = boss.getDb()
  if (!pool.beginTransaction) throw new Error('the pg-boss database adapter has no transactions')
  const tx = await pool.beginTransaction()
  let result: T
  try {
    result = await work(tx.db)
  } catch (error) {
    await tx.rollback()
    throw error
  }
  await tx.commit()
  return result
}
