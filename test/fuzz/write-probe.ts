import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import Database from 'better-sqlite3'

/** The bridge's durable state: the store (with its secrets) and the job queue. */
export type Durable = 'store' | 'queue'

export interface WriteProbe {
  /** Marks of every database; cheap enough to take around each request (a few µs). */
  mark(): Mark
  /** The databases whose content changed since `mark`. */
  writtenSince(mark: Mark): Durable[]
  /** Every file under the blob store's directory. */
  blobFiles(): string[]
  close(): void
}

export type Mark = readonly (readonly [version: number, content: string])[]

interface Watched {
  readonly name: Durable
  readonly version: Database.Statement
  readonly content: Database.Statement
  last: readonly [number, string]
}

/**
 * Watches the bridge's SQLite files from read-only connections. `PRAGMA data_version` changes
 * whenever another connection commits, so it is read around every request; only when it moved is
 * the content compared: rows per table, the highest rowid, and every `*_at` timestamp (each write
 * the bridge makes inserts, deletes or stamps a row). That leaves out commits that change nothing
 * and the one bookkeeping write a genuine API key makes on use (`api_keys.last_used_at`, at most
 * once a minute). A request that stored anything (messages, conversations, integrations,
 * contacts, events, secrets, jobs, inbox...) is caught by the request itself, not by a later
 * count.
 */
export function openWriteProbe(dataDir: string): WriteProbe {
  const open = (file: string) =>
    new Database(join(dataDir, file), { readonly: true, fileMustExist: true })
  const store = open('cx-bridge.db')
  const queue = open('queue.db')
  const watched: Watched[] = [
    { name: 'store', version: versionOf(store), content: contentOf(store), last: [-1, ''] },
    { name: 'queue', version: versionOf(queue), content: contentOf(queue), last: [-1, ''] },
  ]
  const now = (w: Watched): readonly [number, string] => {
    const version = w.version.get() as number
    if (version !== w.last[0]) w.last = [version, String(w.content.get())]
    return w.last
  }
  const blobDir = join(dataDir, 'blobs')
  return {
    mark: () => watched.map(now),
    writtenSince(mark) {
      return watched.filter((w, i) => now(w)[1] !== mark[i]![1]).map((w) => w.name)
    },
    blobFiles() {
      try {
        return (readdirSync(blobDir, { recursive: true }) as string[]).sort()
      } catch {
        return []
      }
    },
    close() {
      store.close()
      queue.close()
    },
  }
}

const versionOf = (db: Database.Database) => db.prepare('PRAGMA data_version').pluck()

/** Usage bookkeeping, not content. */
const NOT_CONTENT = new Set(['api_keys.last_used_at'])

function contentOf(db: Database.Database): Database.Statement {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
    .pluck()
    .all() as string[]
  const parts = tables.flatMap((table) => {
    const q = (sql: string) => `(SELECT ${sql} FROM "${table}")`
    const stamps = (
      db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]
    )
      .filter((column) => column.endsWith('_at') && !NOT_CONTENT.has(`${table}.${column}`))
      .flatMap((column) => [q(`max("${column}")`), q(`count("${column}")`)])
    return [q('count(*)'), q('max(rowid)'), ...stamps]
  })
  return db.prepare(`SELECT json_array(${parts.join(', ')})`).pluck()
}
