import type Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'

import { JobTable } from './job-table.ts'
import { LaneTransitions } from './lane-transitions.ts'
import { openQueueDatabase } from './queue-database.ts'

/** Opens a queue database that remembers every SQL text prepared on it. */
function recordingDatabase(): { db: Database.Database; statements: Set<string> } {
  const db = openQueueDatabase(':memory:')
  const statements = new Set<string>()
  const prepare = db.prepare.bind(db)
  db.prepare = ((sql: string) => {
    statements.add(sql)
    return prepare(sql)
  }) as typeof db.prepare
  return { db, statements }
}

const job = (lane: string | null, dedupeKey: string | null = null) => ({
  task: 't',
  payload: '{}',
  lane,
  dedupeKey,
  runAt: 0,
  maxAttempts: 1,
})

describe('queue statements', () => {
  it('never scan the jobs table: every statement the queue runs is an index search', () => {
    const { db, statements } = recordingDatabase()
    const table = new JobTable(db)
    const transitions = new LaneTransitions(db)
    const now = 1000
    table.insert([job('a', 'k'), job('a'), job('a'), job(null), job('b'), job(null, 'k')], now)
    const [first, second, third] = table.claim(3, now, new Set())
    table.atomically(() => {
      transitions.finish(first!, { kind: 'done' }, now)
      transitions.finish(second!, { kind: 'retry', runAt: now + 5, error: 'e' }, now)
      transitions.finish(third!, { kind: 'parked', error: 'e' }, now)
    })
    const [next] = table.claim(1, now + 10, new Set())
    table.atomically(() => transitions.finish(next!, { kind: 'failed', error: 'e' }, now))
    table.atomically(() => transitions.retry(next!.id, now))
    table.atomically(() => transitions.skip(third!.id, now))
    const [again] = table.claim(1, now + 10, new Set())
    table.atomically(() => transitions.release(again!.id, now))
    table.claim(1, now + 10, new Set())
    table.atomically(() => transitions.recoverInterrupted(now))
    table.hasRunnable(now)
    table.get(1)
    table.parked()
    table.stats()
    table.purge(now, 10)

    expect(statements.size).toBeGreaterThan(15)
    for (const sql of [...statements]) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...placeholders(sql)) as Array<{
        detail: string
      }>
      const details = plan.map((row) => row.detail).join(' | ')
      expect(details, sql).not.toMatch(/\bSCAN jobs\b/)
    }
    db.close()
  })

  // How long a claim takes is a benchmark's business (bench/), not a unit test's: the test above
  // shows every statement is an index search, this one that the heads come out right at scale.
  it('claims the oldest lane heads, one per lane, with 10,000 lanes waiting', () => {
    const db = openQueueDatabase(':memory:')
    const table = new JobTable(db)
    const transitions = new LaneTransitions(db)
    for (let batch = 0; batch < 10; batch += 1) {
      table.insert(
        Array.from({ length: 3000 }, (_, i) => job(`lane-${(batch * 3000 + i) % 10_000}`)),
        0,
      )
    }
    const claimedIds: number[] = []
    for (let round = 0; round < 200; round += 1) {
      const claimed = table.claim(8, 1, new Set())
      expect(claimed).toHaveLength(8)
      expect(new Set(claimed.map((row) => row.lane)).size).toBe(8)
      claimedIds.push(...claimed.map((row) => row.id))
      table.atomically(() => claimed.forEach((row) => transitions.finish(row, { kind: 'done' }, 1)))
    }
    // The first 1,600 jobs inserted are the heads of lanes 0-1,599, claimed in insertion order.
    expect(claimedIds).toEqual(Array.from({ length: 1600 }, (_, i) => i + 1))
    db.close()
  })
})

/** Binds each `?` / `@name` to null: only the plan matters here. */
function placeholders(sql: string): unknown[] {
  const named = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!)
  if (named.length > 0) return [Object.fromEntries(named.map((name) => [name, null]))]
  return Array.from(sql.matchAll(/\?/g), () => null)
}
