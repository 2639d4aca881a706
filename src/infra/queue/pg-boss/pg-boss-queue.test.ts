import { PgBoss, TestClock } from 'pg-boss'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../../../../test/support/postgres-database.ts'
import { ConfigError, RemoteRejectedError, RemoteUnavailableError } from '../../../core/errors.ts'
import type { Job, JobQueue } from '../../../core/ports/job-queue.ts'
import type { Labels, Metrics } from '../../../core/ports/metrics.ts'
import type { DatabaseClock } from './database-clock.ts'
import { openPgBossQueue, type PgBossQueueOptions } from './pg-boss-queue.ts'
import { QUEUE_NAME } from './queue-settings.ts'

let database: TestPostgresDatabase
let schemas = 0
let opened: JobQueue[] = []

beforeAll(async () => {
  database = await createTestPostgresDatabase()
})
afterAll(() => database?.drop())
afterEach(async () => {
  for (const queue of opened) await queue.close()
  opened = []
})

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const throwing = (error: () => Error) => () => Promise.reject(error())
/** Handlers ending in each outcome: done, failed for good, and transient (retried, then parked). */
const oneOfEach = {
  ok: async () => {},
  bad: throwing(() => new RemoteRejectedError('no')),
  flaky: throwing(() => new RemoteUnavailableError('later')),
}

/** Opens queues on one fresh schema; `clock` (a pg-boss TestClock) moves database time. */
function freshSchema(clock?: TestClock) {
  const schema = `unit_${(schemas += 1)}`
  return async (options: Partial<PgBossQueueOptions> = {}) => {
    const queue = await openPgBossQueue({
      connectionString: database.url,
      schema,
      pollIntervalMs: 10,
      backoff: { baseMs: 1, maxMs: 1 },
      ...(clock ? { clock: databaseClock(clock) } : {}),
      ...options,
    })
    opened.push(queue)
    return queue
  }
}

function databaseClock(time: TestClock): DatabaseClock {
  return {
    database: time,
    now: () => new Date(time.now()),
    nowMs: () => time.now(),
    sleep: () => Promise.reject(new Error('not used by the queue')),
  }
}

describe('openPgBossQueue', () => {
  it('refuses a schema name it would have to quote', async () => {
    await expect(
      openPgBossQueue({ connectionString: database.url, schema: 'pgboss; DROP' }),
    ).rejects.toBeInstanceOf(ConfigError)
  })

  it('keeps each lane in order and one at a time across two processes sharing the database', async () => {
    const open = freshSchema()
    const [first, second] = [await open(), await open()]
    const active = new Set<string>()
    const seen: Record<string, number[]> = {}
    const byProcess = [0, 0]
    let overlaps = 0
    const handler = (process: number) => async (job: Job) => {
      byProcess[process]! += 1
      if (active.has(job.lane!)) overlaps += 1
      active.add(job.lane!)
      await pause(Math.random() * 4)
      ;(seen[job.lane!] ??= []).push(job.payload as number)
      active.delete(job.lane!)
    }
    await first.enqueue(
      Array.from({ length: 40 }, (_, n) => ({ task: 'step', payload: n, lane: `conv-${n % 4}` })),
    )
    // One slot each, so neither process can take every lane's head alone.
    first.work({ step: handler(0) }, { concurrency: 1 })
    second.work({ step: handler(1) }, { concurrency: 1 })
    await first.idle()
    await second.idle()
    expect(overlaps).toBe(0)
    expect(byProcess.every((n) => n > 0)).toBe(true)
    for (let lane = 0; lane < 4; lane += 1) {
      expect(seen[`conv-${lane}`]).toEqual(Array.from({ length: 10 }, (_, k) => lane + 4 * k))
    }
  })

  it('gives one id to a dedupe key enqueued at once from two processes', async () => {
    const open = freshSchema()
    const [first, second] = [await open(), await open()]
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        (n % 2 ? first : second).enqueue([{ task: 't', payload: n, dedupeKey: 'graph:msg-9' }]),
      ),
    )
    const flat = results.flat()
    expect(new Set(flat.map((r) => r.id)).size).toBe(1)
    expect(flat.filter((r) => !r.duplicate)).toHaveLength(1)
    expect((await first.stats()).queued).toBe(1)
  })

  it('records a permanent failure on the last attempt as failed and moves the lane on', async () => {
    const queue = await freshSchema()()
    const [poison] = await queue.enqueue([
      { task: 'send', payload: 'poison', lane: 'a', maxAttempts: 1 },
      { task: 'send', payload: 'next', lane: 'a' },
    ])
    const ran: unknown[] = []
    queue.work(
      {
        send: async (job) => {
          ran.push(job.payload)
          if (job.payload === 'poison') throw new RemoteRejectedError('refused')
        },
      },
      { concurrency: 1 },
    )
    await queue.idle()
    expect(ran).toEqual(['poison', 'next'])
    expect(await queue.get(poison!.id)).toMatchObject({ state: 'failed', attempt: 1 })
  })

  it('gives back a job stopped on its last attempt as queued, not parked', async () => {
    const queue = await freshSchema()()
    const [job] = await queue.enqueue([{ task: 'slow', payload: 1, lane: 'a', maxAttempts: 1 }])
    let started = 0
    const never = (_: Job, { signal }: { signal: AbortSignal }) =>
      new Promise<void>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      )
    queue.work({ slow: (j, ctx) => ((started += 1), never(j, ctx)) }, { concurrency: 1 })
    while (started === 0) await pause(2)
    await queue.stop(10)
    expect(await queue.get(job!.id)).toMatchObject({ state: 'queued', attempt: 0 })
    const attempts: number[] = []
    queue.work({ slow: async (j) => void attempts.push(j.attempt) }, { concurrency: 1 })
    await queue.idle()
    expect(attempts).toEqual([1])
    expect(await queue.get(job!.id)).toMatchObject({ state: 'done', attempt: 1 })
  })

  it('parks a job whose task has no handler at once, naming the task', async () => {
    const queue = await freshSchema()()
    const [job] = await queue.enqueue([{ task: 'unknown.task', payload: 1, lane: 'a' }])
    queue.work({}, { concurrency: 1 })
    await queue.idle()
    expect(await queue.get(job!.id)).toMatchObject({
      state: 'parked',
      attempt: 1,
      lastError: expect.stringContaining('unknown.task'),
    })
    expect(await queue.parked()).toHaveLength(1)
  })

  it('purges done and skipped jobs after the retention period, freeing their dedupe keys', async () => {
    const options = { retentionMs: 50, purgeIntervalMs: 20, backoff: { baseMs: 1, maxMs: 1 } }
    const queue = await freshSchema()(options)
    const [done, failed, skipped] = await queue.enqueue([
      { task: 'ok', payload: 1, dedupeKey: 'k-done' },
      { task: 'bad', payload: 2, dedupeKey: 'k-failed' },
      { task: 'flaky', payload: 3, dedupeKey: 'k-skipped', maxAttempts: 1 },
    ])
    queue.work(oneOfEach, { concurrency: 3 })
    await queue.idle()
    await queue.skip(skipped!.id)
    await pause(200)
    expect(await queue.get(done!.id)).toBeUndefined()
    expect(await queue.get(skipped!.id)).toBeUndefined()
    expect((await queue.get(failed!.id))?.state).toBe('failed')
    const again = await queue.enqueue([
      { task: 'ok', payload: 4, dedupeKey: 'k-done' },
      { task: 'ok', payload: 5, dedupeKey: 'k-failed' },
    ])
    expect(again[0]).toMatchObject({ duplicate: false })
    expect(again[1]).toEqual({ id: failed!.id, duplicate: true })
  })

  it("runs a job again when the process that claimed it died (pg-boss's heartbeat check)", async () => {
    const clock = new TestClock(Date.now())
    const open = freshSchema(clock)
    const queue = await open()
    const [claimed] = await queue.enqueue([
      { task: 'send', payload: 'x', lane: 'a' },
      { task: 'send', payload: 'y', lane: 'a' },
    ])
    // Another process claims the head and dies without a word: its claim stays active.
    const crashed = new PgBoss({ connectionString: database.url, schema: `unit_${schemas}`, clock })
    crashed.on('error', () => {})
    await crashed.start()
    expect(await crashed.fetch(QUEUE_NAME)).toHaveLength(1)
    await crashed.stop({ graceful: false })

    const ran: Array<[unknown, number]> = []
    queue.work(
      { send: async (job) => void ran.push([job.payload, job.attempt]) },
      { concurrency: 2 },
    )
    await pause(50)
    expect(ran).toEqual([])
    // Past the heartbeat (30 s) and pg-boss's supervision interval (60 s).
    await clock.tick(120_000)
    await queue.idle()
    expect(ran).toEqual([
      ['x', 2],
      ['y', 1],
    ])
    expect(await queue.get(claimed!.id)).toMatchObject({
      state: 'done',
      lastError: expect.stringContaining('heartbeat'),
    })
  })

  it('reports outcomes, durations and depth as metrics', async () => {
    const recorded: Array<[string, string, Labels | undefined]> = []
    const metrics: Metrics = {
      increment: (name, labels) => recorded.push(['increment', name, labels]),
      observe: (name, _value, labels) => recorded.push(['observe', name, labels]),
      set: (name, _value, labels) => recorded.push(['set', name, labels]),
    }
    const queue = await freshSchema()({ metrics })
    await queue.enqueue([
      { task: 'ok', payload: 1 },
      { task: 'bad', payload: 2 },
      { task: 'flaky', payload: 3, maxAttempts: 2 },
    ])
    queue.work(oneOfEach, { concurrency: 3 })
    await queue.idle()
    while ((await queue.stats()).parked === 0) await queue.idle()
    const outcomes = recorded
      .filter(([kind, name]) => kind === 'increment' && name === 'cxb_queue_jobs_total')
      .map(([, , labels]) => `${labels?.task}:${labels?.outcome}`)
      .sort()
    expect(outcomes).toEqual(['bad:failed', 'flaky:parked', 'flaky:retry', 'ok:done'])
    const durations = recorded.filter(([, name]) => name === 'cxb_queue_job_duration_seconds')
    expect(durations).toHaveLength(4)
    expect(recorded.some(([kind, name]) => kind === 'set' && name === 'cxb_queue_depth')).toBe(true)
  })
})
