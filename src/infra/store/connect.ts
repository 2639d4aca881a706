import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

import SqliteDatabase from 'better-sqlite3'
import {
  Kysely,
  PostgresDialect,
  type SqliteDatabase as SqliteDialectDatabase,
  SqliteDialect,
} from 'kysely'
import pg from 'pg'

import { ConfigError } from '../../core/errors.ts'
import type { Logger } from '../../core/ports/logger.ts'
import { useServicePragmas } from '../sqlite/pragmas.ts'
import type { SqlDialect } from './codec.ts'
import type { Database } from './schema.ts'

export interface Connection {
  readonly dialect: SqlDialect
  readonly db: Kysely<Database>
}

const SQLITE_PREFIX = 'sqlite:'

/** `sqlite:<path>`, `sqlite::memory:` or `postgres://…` / `postgresql://…`. */
export function connect(url: string, log?: Logger): Connection {
  if (url.startsWith(SQLITE_PREFIX)) {
    return { dialect: 'sqlite', db: new Kysely({ dialect: sqliteDialect(url) }) }
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = openPgPool(url, 10, log)
    return { dialect: 'postgres', db: new Kysely({ dialect: new PostgresDialect({ pool }) }) }
  }
  throw new ConfigError('store.url', 'expected sqlite:<path>, sqlite::memory: or postgres://…')
}

/** A pg pool whose lost connections never end the process (the next query reconnects). */
export function openPgPool(url: string, max: number, log?: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max })
  pool.on('error', (error) => log?.warn({ err: error.message }, 'postgres idle client error'))
  // A connection that drops while a query holds the client (PostgreSQL restarting) emits 'error'
  // on it, where pg-pool listens only while the client is idle: with nobody listening that ended
  // the process. The query fails on its own, and the pool drops the client on release.
  pool.on('connect', (client) =>
    client.on('error', (error) => log?.warn({ err: error.message }, 'postgres connection lost')),
  )
  return pool
}

function sqliteDialect(url: string): SqliteDialect {
  const path = url.slice(SQLITE_PREFIX.length)
  if (path === '') throw new ConfigError('store.url', 'sqlite: needs a file path or :memory:')
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const database = new SqliteDatabase(path)
  // WAL lets readers run beside the writer. NORMAL: in WAL mode a commit survives a crash of
  // the process, and only a power loss may roll back the latest commits, never corrupt the file
  // (https://www.sqlite.org/pragma.html#pragma_synchronous). What a webhook acknowledges is
  // made durable by the queue's own FULL commit; the store's writes follow from a queued job,
  // which runs again (idempotently) if a power loss took them back. Syncing every store write
  // cost four fsyncs per forwarded message on the event loop (docs/benchmarks.md).
  useServicePragmas(database)
  database.pragma('foreign_keys = ON')
  return new SqliteDialect({ database: withStatementCache(database) })
}

const STATEMENT_CACHE_LIMIT = 500

/**
 * Kysely's SQLite driver prepares every query anew (~0.5 ms per forwarded message in all);
 * the store's SQL texts repeat, so each is prepared once. A statement is reused only after
 * it finished, which holds as long as the store never streams a query (`.stream()`): one
 * connection runs one query at a time. Queries with a varying number of parameters make new
 * texts, hence the bound (past it the cache starts over).
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>()
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql)
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_LIMIT) statements.clear()
        statement = database.prepare(sql)
        statements.set(sql, statement)
      }
      return statement
    },
  }
}
