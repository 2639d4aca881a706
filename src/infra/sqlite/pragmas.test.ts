import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createTempDir } from '../../../test/support/temp-dir.ts'
import { openQueueDatabase } from '../queue/queue-database.ts'
import { PAGE_CACHE_KIB } from './pragmas.ts'

describe('service pragmas', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup()
  })

  it('give the queue file WAL, NORMAL sync, a busy wait and the bounded page cache', () => {
    const dir = createTempDir('pragmas-')
    cleanups.push(dir.remove)
    const db = openQueueDatabase(join(dir.path, 'queue.db'))
    cleanups.push(() => void db.close())
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    // better-sqlite3's build default would be -16000 (16 MB per connection)
    expect(db.pragma('cache_size', { simple: true })).toBe(-PAGE_CACHE_KIB)
  })
})
