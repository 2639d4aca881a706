import type Database from 'better-sqlite3'

export type Prepare = (sql: string) => Database.Statement

/** Prepares each SQL text once per connection (better-sqlite3 does not cache). */
export function statementCache(db: Database.Database): Prepare {
  const cache = new Map<string, Database.Statement>()
  return (sql) => {
    let statement = cache.get(sql)
    if (!statement) {
      statement = db.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
}
