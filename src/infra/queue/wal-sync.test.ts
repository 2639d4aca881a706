import { fdatasync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createTempDir } from '../../../test/support/temp-dir.ts'
import { openQueueDatabase } from './queue-database.ts'
import { WalSync } from './wal-sync.ts'

describe('WalSync', () => {
  const cleanups: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  function queueFile() {
    const dir = createTempDir('wal-sync-')
    cleanups.push(dir.remove)
    const path = join(dir.path, 'queue.db')
    const db = openQueueDatabase(path)
    cleanups.push(() => void db.close())
    return { path, db }
  }

  it('runs fdatasync on the -wal file, one flush for the calls made while one runs', async () => {
    const { path, db } = queueFile()
    expect(db.pragma('synchronous', { simple: true })).toBe(1) // NORMAL: no fsync in the commit
    const flushed: number[] = []
    const sync = new WalSync(path, (fd, callback) => {
      flushed.push(fd)
      setTimeout(() => fdatasync(fd, callback), 5)
    })
    cleanups.push(() => sync.close())
    const first = sync.sync()
    const rest = Array.from({ length: 20 }, () => sync.sync())
    await Promise.all([first, ...rest])
    // The first call's flush was running when the others came: they share exactly one more.
    expect(flushed).toHaveLength(2)
    await sync.sync()
    expect(flushed).toHaveLength(3)
  })

  it('rejects the callers whose flush failed; later calls flush again', async () => {
    const { path } = queueFile()
    let fail = true
    const sync = new WalSync(path, (fd, callback) =>
      fail ? callback(new Error('EIO')) : fdatasync(fd, callback),
    )
    cleanups.push(() => sync.close())
    await expect(sync.sync()).rejects.toThrow('EIO')
    fail = false
    await expect(sync.sync()).resolves.toBeUndefined()
  })

  it('has nothing to do for an in-memory database', async () => {
    const sync = new WalSync(':memory:', () => {
      throw new Error('must not be called')
    })
    await expect(sync.sync()).resolves.toBeUndefined()
    await sync.close()
  })
})
