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
  /** What the content looks like, when commits that change nothing happen in the background. */
  readonly content?: Database.Statement
  last: readonly [number, string]
}

/**
 * Watches the bridge's SQLite files from read-only connections. `PRAGMA data_version` changes
 * whenever another connection commits, whatever the table (messages, conversations,
 * integrations, secrets, jobs, inbox...), so a request that stored anything is caught by the
 * request itself, not by a later count. The queue also commits on its own (each process offers
 * the fleet singletons every minute, a duplicate that changes nothing), so for the queue a new
 * version counts only if the jobs and inbox changed too.
 */
export function openWriteProbe(dataDir: string): WriteProbe {
  const open = (file: string) =>
    new Database(join(dataDir, file), { readonly: true, fileMustExist: true })
  const store = open('cx-bridge.db')
  const queue = open('queue.db')
  const watched: Watched[] = [
    { name: 'store', version: versionOf(store), last: [-1, ''] },
    {
      name: 'queue',
      version: versionOf(queue),
      content: queue
        .prepare(
          `SELECT json_array((SELECT count(*) FROM jobs), (SELECT max(id) FROM jobs),
             (SELECT max(updated_at) FROM jobs), (SELECT count(*) FROM inbox),
             (SELECT max(id) FROM inbox))`,
        )
        .pluck(),
      last: [-1, ''],
    },
  ]
  const now = (w: Watched): readonly [number, string] => {
    const version = w.version.get() as number
    if (version !== w.last[0])
      w.last = [version, w.content ? String(w.content.get()) : String(version)]
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
