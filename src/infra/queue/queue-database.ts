import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

import Database from 'better-sqlite3'

import { useServicePragmas } from '../sqlite/pragmas.ts'

const SCHEMA_VERSION = 2

/** States that hold a lane: only the oldest of these in a lane may run. */
export const UNFINISHED = `('queued', 'active', 'parked')`
/** States an operator looks at (stats, parked list, crash recovery). */
export const OPEN = `('queued', 'active', 'parked', 'failed')`

/*
 * `is_head` marks the oldest unfinished job of its lane (always 1 without a lane), kept up to
 * date on every transition, so a claim is one range scan of `jobs_runnable` however many lanes
 * exist. Partial-index conditions are literals because SQLite only uses a partial index when
 * the query repeats its WHERE terms (https://www.sqlite.org/partialindex.html).
 */
const SCHEMA = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task TEXT NOT NULL,
  payload TEXT NOT NULL,
  lane TEXT,
  dedupe_key TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('queued', 'active', 'done', 'failed', 'parked', 'skipped')),
  is_head INTEGER NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_runnable ON jobs (run_at, id) WHERE state = 'queued' AND is_head = 1;
CREATE INDEX jobs_lane_unfinished ON jobs (lane, id) WHERE state IN ${UNFINISHED} AND lane IS NOT NULL;
CREATE INDEX jobs_open_state ON jobs (state) WHERE state IN ${OPEN};
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE state IN ('done', 'skipped');
`

/*
 * Version 2: the inbox. An acknowledging write stores a whole group-commit batch as one row
 * (an append at the end of one B-tree); the jobs' own rows and index entries (dedupe key, lane,
 * runnable) are written later, before any of them can run, by whichever process drains it
 * (job-table.ts). Rows are drained in id order, so lanes keep the order of acceptance.
 */
const INBOX = `
CREATE TABLE inbox (
  id INTEGER PRIMARY KEY,
  jobs TEXT NOT NULL,
  accepted_at INTEGER NOT NULL
);
`
const UPGRADES: ReadonlyArray<{ readonly to: number; readonly sql: string }> = [
  { to: 1, sql: SCHEMA },
  { to: 2, sql: INBOX },
]

/**
 * Opens the queue's own database file (separate from the store's, so the two never wait on
 * each other's write lock) and creates the schema on first use.
 */
export function openQueueDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  // NORMAL: commits are not fsynced on the event loop; enqueues wait for `WalSync` instead, so
  // an acknowledged job survives power loss, not only a crash (wal-sync.ts).
  useServicePragmas(db)
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    db.close()
    throw new Error(`queue database ${path} has schema ${version}, newer than this version knows`)
  }
  if (version < SCHEMA_VERSION) {
    db.transaction(() => {
      for (const upgrade of UPGRADES.filter((u) => u.to > version)) db.exec(upgrade.sql)
      db.pragma(`user_version = ${SCHEMA_VERSION}`)
    }).immediate()
  }
  return db
}
