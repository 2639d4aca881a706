import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createTempDir, type TempDir } from '../../../test/support/temp-dir.ts'
import {
  InvalidInputError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import type { EnqueueResult, JobQueue } from '../../core/ports/job-queue.ts'
import type { Labels, Metrics } from '../../core/ports/metrics.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { openSqliteQueue, type SqliteQueueOptions } from './sqlite-queue.ts'

const DAY_MS = 24 * 60 * 60 * 1000

const firstId = async (results: Promise<EnqueueResult[]>) => (await results)[0]!.id

describe('openSqliteQueue', () => {
  let dir: TempDir
  let clock: ManualClock
  let opened: JobQueue[]
  const open = (options: Partial<SqliteQueueOptions> = {}) => {
    const queue = openSqliteQueue({
      path: dir.file('queue.db'),
      clock,
      pollIntervalMs: 5,
      ...options,
    })
    opened.push(queue)
    return queue
  }

  beforeEach(() => {
    dir = createTempDir('cxb-queue-unit-')
    clock = new ManualClock(Date.UTC(2026, 2, 1))
    opened = []
  })
  afterEach(async () => {
    for (const queue of opened) await queue.close()
    dir.remove()
  })

  it('parks a job on restart when interrupted runs have used up its attempts', async () => {
    const first = open()
    const id = await firstId(first.enqueue([{ task: 't', payload: 1, maxAttempts: 1 }]))
    let started = false
    first.work({ t: () => ((started = true), new Promise(() => {})) }, { concurrency: 1 })
    while (!started) await new Promise((resolve) => setTimeout(resolve, 2))
    await first.close()

    const second = open()
    expect(await second.get(id)).toMatchObject({
      state: 'parked',
      attempt: 1,
      lastError: expect.stringMatching(/interrupted/),
    })
  })

  it('purges done jobs after the retention period, which frees their dedupe key', async () => {
    const first = open({ retentionMs: DAY_MS })
    const id = await firstId(first.enqueue([{ task: 't', payload: 1, dedupeKey: 'k' }]))
    first.work({ t: async () => {} }, { concurrency: 1 })
    await first.idle()
    await first.close()

    clock.advance(DAY_MS + 1)
    const second = open({ retentionMs: DAY_MS })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await second.get(id)).toBeUndefined()
    const [again] = await second.enqueue([{ task: 't', payload: 2, dedupeKey: 'k' }])
    expect(again).toMatchObject({ duplicate: false })
    expect(again!.id).not.toBe(id)
  })

  it('keeps failed jobs past the retention period (dead letters)', async () => {
    const first = open({ retentionMs: DAY_MS })
    const id = await firstId(first.enqueue([{ task: 't', payload: 1 }]))
    first.work(
      {
        t: async () => {
          throw new RemoteRejectedError('no')
        },
      },
      { concurrency: 1 },
    )
    await first.idle()
    await first.close()
    clock.advance(30 * DAY_MS)
    const second = open({ retentionMs: DAY_MS })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((await second.get(id))?.state).toBe('failed')
  })

  it('parks a job whose task has no handler, naming the task', async () => {
    const queue = open()
    const id = await firstId(queue.enqueue([{ task: 'unknown.task', payload: 1, lane: 'a' }]))
    queue.work({}, { concurrency: 1 })
    await queue.idle()
    expect(await queue.get(id)).toMatchObject({
      state: 'parked',
      lastError: expect.stringContaining('unknown.task'),
    })
  })

  it('reports outcomes, durations and depth as metrics', async () => {
    const recorded: Array<[string, string, number, Labels | undefined]> = []
    const metrics: Metrics = {
      increment: (name, labels, by = 1) => recorded.push(['increment', name, by, labels]),
      observe: (name, value, labels) => recorded.push(['observe', name, value, labels]),
      set: (name, value, labels) => recorded.push(['set', name, value, labels]),
    }
    const queue = open({ metrics, backoff: { baseMs: 1, maxMs: 1 } })
    await queue.enqueue([
      { task: 'ok', payload: 1 },
      { task: 'bad', payload: 2 },
      { task: 'flaky', payload: 3, maxAttempts: 2 },
    ])
    queue.work(
      {
        ok: async () => {},
        bad: async () => {
          throw new RemoteRejectedError('no')
        },
        flaky: async () => {
          throw new RemoteUnavailableError('later')
        },
      },
      { concurrency: 3 },
    )
    await queue.idle()
    clock.advance(10)
    await queue.idle()
    const outcomes = recorded
      .filter(([kind, name]) => kind === 'increment' && name === 'cxb_queue_jobs_total')
      .map(([, , , labels]) => `${labels?.task}:${labels?.outcome}`)
      .sort()
    expect(outcomes).toEqual(['bad:failed', 'flaky:parked', 'flaky:retry', 'ok:done'])
    const durations = recorded.filter(([, name]) => name === 'cxb_queue_job_duration_seconds')
    expect(durations).toHaveLength(4)
    expect(durations.every(([, , seconds]) => seconds >= 0)).toBe(true)
    expect(recorded.some(([kind, name]) => kind === 'set' && name === 'cxb_queue_depth')).toBe(true)
  })

  it('runs one job at a time in a lane when an old failed job is retried while the next runs', async () => {
    const queue = open()
    const log: string[] = []
    let releaseB: () => void = () => {}
    const bRunning = new Promise<void>((started) => {
      queue.work(
        {
          step: async (job) => {
            const name = job.payload as string
            log.push(`start ${name}`)
            if (name === 'F' && !log.includes('end B')) throw new RemoteRejectedError('no')
            // B holds the lane until released.
            if (name === 'B') {
              started()
              await new Promise<void>((resolve) => (releaseB = resolve))
            }
            log.push(`end ${name}`)
          },
        },
        { concurrency: 4 },
      )
    })
    const failed = await firstId(queue.enqueue([{ task: 'step', payload: 'F', lane: 'L' }]))
    await queue.idle()
    expect(await queue.get(failed)).toMatchObject({ state: 'failed' })
    await queue.enqueue([
      { task: 'step', payload: 'A', lane: 'L' },
      { task: 'step', payload: 'B', lane: 'L' },
    ])
    await bRunning
    // F is older than B: it takes the lane's head back, but must wait for B to finish.
    await queue.retry(failed)
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(log.filter((line) => line === 'start F')).toHaveLength(1)
    releaseB()
    await queue.idle()
    expect(log).toEqual(['start F', 'start A', 'end A', 'start B', 'end B', 'start F', 'end F'])
  })

  it('rejects a bad spec without failing the other callers of the same batch', async () => {
    const queue = open()
    const [good, bad] = await Promise.allSettled([
      queue.enqueue([{ task: 't', payload: 1 }]),
      queue.enqueue([{ task: '', payload: 1 }]),
    ])
    expect(good.status).toBe('fulfilled')
    expect(bad.status === 'rejected' && bad.reason).toBeInstanceOf(InvalidInputError)
    expect((await queue.stats()).queued).toBe(1)
  })

  it('commits enqueues still waiting when closed, and refuses new ones after', async () => {
    const first = open()
    const pending = first.enqueue([{ task: 't', payload: 'late' }])
    await first.close()
    const id = await firstId(pending)
    await expect(first.enqueue([{ task: 't', payload: 1 }])).rejects.toThrow(/closed/)
    expect((await open().get(id))?.payload).toBe('late')
  })

  it('refuses a queue file written by a newer schema', () => {
    const path = dir.file('newer.db')
    const db = new Database(path)
    db.pragma('user_version = 99')
    db.close()
    expect(() => openSqliteQueue({ path })).toThrow(/newer/)
  })
})
