import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../../../../test/support/postgres-database.ts'
import type { Job, JobQueue } from '../../../core/ports/job-queue.ts'
import { noopLogger } from '../noop-logger.ts'
import { LaneHeads } from './lane-heads.ts'
import { openPgBossQueue } from './pg-boss-queue.ts'
import { QUEUE_NAME } from './queue-settings.ts'
import { startBoss } from './start-boss.ts'

let database: TestPostgresDatabase
let opened: Array<{ close(): Promise<unknown> }> = []

beforeAll(async () => {
  database = await createTestPostgresDatabase()
})
afterAll(() => database?.drop())
afterEach(async () => {
  for (const each of opened) await each.close()
  opened = []
})

let schemas = 0
async function open(schema: string, pollIntervalMs = 10): Promise<JobQueue> {
  const queue = await openPgBossQueue({ connectionString: database.url, schema, pollIntervalMs })
  opened.push(queue)
  return queue
}

/** pg-boss on `schema` for raw SQL and LaneHeads, beside the queues. */
async function bossOn(schema: string) {
  const { boss } = await startBoss({ connectionString: database.url, schema }, noopLogger)
  opened.push({ close: () => boss.stop({ graceful: false }) })
  return boss.getDb()
}

const planNodes = (node: Record<string, unknown>): Array<Record<string, unknown>> => [
  node,
  ...((node.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(planNodes),
]

describe('LaneHeads', () => {
  it('claims the head of each free lane, oldest first, and reads no table end to end', async () => {
    const schema = `heads_${(schemas += 1)}`
    const queue = await open(schema)
    const lanes = 20
    for (let n = 0; n < 2000; n += 200) {
      await queue.enqueue(
        Array.from({ length: 200 }, (_, k) => ({
          task: 't',
          payload: n + k,
          lane: `lane-${(n + k) % lanes}`,
        })),
      )
    }
    const db = await bossOn(schema)
    await db.executeSql(`ANALYZE ${schema}.job_common`)
    const heads = new LaneHeads({
      connectionString: database.url,
      schema,
      queue: QUEUE_NAME,
      log: noopLogger,
      testClock: false,
    })
    opened.push(heads)

    const first = await heads.claim(5)
    const rest = await heads.claim(100)
    const payloads = [...first, ...rest].map((job) => job.data.payload as number)
    // One job per lane, each its lane's first, and nothing more while they are active.
    expect(payloads.sort((a, b) => a - b)).toEqual(Array.from({ length: lanes }, (_, k) => k))
    expect(await heads.claim(100)).toEqual([])
    expect(first.every((job) => job.state === 'active' && job.retryCount === 0)).toBe(true)

    const { rows } = await db.executeSql(`EXPLAIN (FORMAT JSON) ${heads.sql}`, [QUEUE_NAME, 100])
    const plan = (rows[0] as { 'QUERY PLAN': Array<{ Plan: Record<string, unknown> }> })[
      'QUERY PLAN'
    ][0]!.Plan
    const scans = planNodes(plan)
      .filter((node) => node['Relation Name'] === 'job_common')
      .map((node) => node['Node Type'])
    expect(scans.length).toBeGreaterThan(3)
    expect(scans).not.toContain('Seq Scan')
  })

  it('lets a worker of another process hear of new jobs at once, without its poll', async () => {
    const schema = `heads_${(schemas += 1)}`
    // The worker would next look in an hour: only the enqueuer's notice can wake it.
    const worker = await open(schema, 3_600_000)
    const web = await open(schema)
    const ran = new Promise<Job>((resolve) => {
      worker.work({ hello: async (job) => resolve(job) }, { concurrency: 1 })
    })
    // Its first look found nothing (the queue is empty); now it naps.
    await worker.idle()
    await new Promise((resolve) => setTimeout(resolve, 200))
    await web.enqueue([{ task: 'hello', payload: 'from serve', lane: 'a' }])
    expect((await ran).payload).toBe('from serve')
  })
})
