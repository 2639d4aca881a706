import { expect, it } from 'vitest'

import {
  ConflictError,
  NotFoundError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../../src/core/errors.ts'
import type { QueueContext } from '../job-queue.contract.ts'
import { RETRY_STEP_MS } from './harness.ts'
import { enqueueOne, RunLog, runUntil } from './run-log.ts'

const transient = () => new RemoteUnavailableError('Genesys answered 503', { status: 503 })

export function failureCases(ctx: QueueContext): void {
  it('a retried job still runs before the next job in its lane, while other lanes go on', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    let failures = 1
    const [first] = await queue.enqueue([
      { task: 'send', payload: 'a1', lane: 'a' },
      { task: 'send', payload: 'a2', lane: 'a' },
      { task: 'send', payload: 'b1', lane: 'b' },
      { task: 'send', payload: 'a3', lane: 'a' },
    ])
    const handler = log.handler(async (job) => {
      if (job.payload === 'a1' && failures-- > 0) throw transient()
    })
    queue.work({ send: handler }, { concurrency: 4 })
    await queue.idle()
    expect(log.payloads()).toEqual(['a1', 'b1'])
    expect(await queue.get(first!.id)).toMatchObject({
      state: 'queued',
      attempt: 1,
      lastError: expect.stringContaining('Genesys answered 503'),
    })
    await runUntil(queue, ctx.harness, () => log.runs.length === 5)
    expect(log.payloads('a')).toEqual(['a1', 'a1', 'a2', 'a3'])
    expect(log.runs.filter((r) => r.payload === 'a1').map((r) => r.attempt)).toEqual([1, 2])
  })

  it('honours Retry-After: the job does not run again before the time the remote asked for', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    let first = true
    const id = await enqueueOne(queue, { task: 'send', payload: 1, lane: 'a' })
    await queue.enqueue([{ task: 'send', payload: 2, lane: 'a' }])
    const handler = log.handler(async () => {
      if (first) {
        first = false
        throw new RemoteUnavailableError('429', { status: 429, retryAfterMs: 60_000 })
      }
    })
    queue.work({ send: handler }, { concurrency: 2 })
    await queue.idle()
    const failedAt = ctx.harness.now()
    const info = await queue.get(id)
    expect(info?.runAt.getTime()).toBeGreaterThanOrEqual(failedAt + 60_000 - RETRY_STEP_MS)
    await ctx.harness.advance(30_000)
    await queue.idle()
    expect(log.payloads()).toEqual([1])
    await ctx.harness.advance(30_000)
    await runUntil(queue, ctx.harness, () => log.runs.length === 3)
    expect(log.payloads()).toEqual([1, 1, 2])
  })

  it('records a permanent failure and moves the lane on', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const [poison] = await queue.enqueue([
      { task: 'send', payload: 'poison', lane: 'a' },
      { task: 'send', payload: 'next', lane: 'a' },
    ])
    const handler = log.handler(async (job) => {
      if (job.payload === 'poison')
        throw new RemoteRejectedError('Genesys refused the message', { status: 400 })
    })
    queue.work({ send: handler }, { concurrency: 1 })
    await queue.idle()
    expect(log.payloads()).toEqual(['poison', 'next'])
    const info = await queue.get(poison!.id)
    expect(info).toMatchObject({ state: 'failed', attempt: 1 })
    expect(info?.lastError).toContain('Genesys refused the message')
    expect(info?.lastError).not.toMatch(/\n\s+at /)
    expect(await queue.stats()).toMatchObject({ failed: 1, queued: 0, active: 0, parked: 0 })
  })

  it('parks a lane once the retry budget is spent; retry gives a fresh budget and the lane resumes', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    let healthy = false
    const [head, behind] = await queue.enqueue([
      { task: 'send', payload: 'head', lane: 'a', maxAttempts: 3 },
      { task: 'send', payload: 'behind', lane: 'a' },
    ])
    await queue.enqueue([{ task: 'send', payload: 'other', lane: 'b' }])
    const handler = log.handler(async (job) => {
      if (job.payload === 'head' && !healthy) throw new Error('socket hang up')
    })
    queue.work({ send: handler }, { concurrency: 2 })
    await runUntil(queue, ctx.harness, async () => (await queue.get(head!.id))?.state === 'parked')

    const parked = await queue.parked()
    expect(parked.map((j) => j.id)).toEqual([head!.id])
    expect(parked[0]).toMatchObject({
      attempt: 3,
      maxAttempts: 3,
      lastError: expect.stringContaining('socket hang up'),
    })
    expect(log.payloads('a')).toEqual(['head', 'head', 'head'])
    expect(log.payloads('b')).toEqual(['other'])
    // Parked stays parked, however long we wait.
    await ctx.harness.advance(10 * RETRY_STEP_MS)
    await queue.idle()
    expect((await queue.get(behind!.id))?.state).toBe('queued')
    expect(await queue.stats()).toMatchObject({ parked: 1, queued: 1 })

    healthy = true
    await queue.retry(head!.id)
    await runUntil(queue, ctx.harness, () => log.payloads('a').length === 5)
    expect(log.payloads('a')).toEqual(['head', 'head', 'head', 'head', 'behind'])
    expect(log.runs.at(-2)?.attempt).toBe(1)
    expect(await queue.parked()).toEqual([])
  })

  it('skip gives up on a parked head and the lane moves on', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const [head] = await queue.enqueue([
      { task: 'send', payload: 'head', lane: 'a', maxAttempts: 1 },
      { task: 'send', payload: 'behind', lane: 'a' },
    ])
    queue.work(
      {
        send: log.handler(async (job) => {
          if (job.payload === 'head') throw transient()
        }),
      },
      { concurrency: 1 },
    )
    await queue.idle()
    expect((await queue.get(head!.id))?.state).toBe('parked')
    await queue.skip(head!.id)
    await queue.idle()
    expect(log.payloads()).toEqual(['head', 'behind'])
    expect((await queue.get(head!.id))?.state).toBe('skipped')
  })

  it('retry puts a failed job back at the head of its lane', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    let reject = true
    const [failed] = await queue.enqueue([{ task: 'send', payload: 'first', lane: 'a' }])
    queue.work(
      {
        send: log.handler(async () => {
          if (reject) throw new RemoteRejectedError('no', { status: 422 })
        }),
      },
      { concurrency: 2 },
    )
    await queue.idle()
    expect((await queue.get(failed!.id))?.state).toBe('failed')
    // A later job is waiting (not yet due) when the operator retries the failed one.
    await queue.enqueue([
      { task: 'send', payload: 'later', lane: 'a', runAt: new Date(ctx.harness.now() + 5000) },
    ])
    reject = false
    await queue.retry(failed!.id)
    await runUntil(queue, ctx.harness, () => log.runs.length === 3)
    expect(log.payloads()).toEqual(['first', 'first', 'later'])
    expect(await queue.get(failed!.id)).toMatchObject({ state: 'done', attempt: 1 })
  })

  it('refuses retry and skip of unknown jobs and of jobs in the wrong state', async () => {
    const queue = await ctx.open()
    const [job] = await queue.enqueue([{ task: 'send', payload: 1, lane: 'a' }])
    await expect(queue.retry('999999')).rejects.toBeInstanceOf(NotFoundError)
    await expect(queue.skip('999999')).rejects.toBeInstanceOf(NotFoundError)
    await expect(queue.retry(job!.id)).rejects.toBeInstanceOf(ConflictError)
    await expect(queue.skip(job!.id)).rejects.toBeInstanceOf(ConflictError)
  })
}
