import { describe, expect, it } from 'vitest'

import { JobTable } from './job-table.ts'
import { openQueueDatabase } from './queue-database.ts'

const FULL = 2
const NORMAL = 1

describe('JobTable durability levels', () => {
  it('commits enqueues FULL and claims/outcomes NORMAL, back to FULL afterwards even on error', () => {
    const db = openQueueDatabase(':memory:')
    const table = new JobTable(db)
    const level = () => db.pragma('synchronous', { simple: true })
    expect(table.atomically(level)).toBe(FULL)
    expect(table.atomicallyUnsynced(level)).toBe(NORMAL)
    expect(level()).toBe(FULL)
    expect(() =>
      table.atomicallyUnsynced(() => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    expect(level()).toBe(FULL)
    db.close()
  })
})
