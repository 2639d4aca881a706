import { expect, it } from 'vitest'

import type { QueueContext } from '../job-queue.contract.ts'
import { RunLog } from './run-log.ts'

export function schedulingCases(ctx: QueueContext): void {
  it('stores an enqueued job as queued with its fields and default retry budget', async () => {
    const queue = await ctx.open()
    const [a, b] = await queue.enqueue([
      { task: 'send', payload: { text: 'hi' }, lane: 'conv-1', dedupeKey: 'evt-1' },
      { task: 'sync', payload: null },
    ])
    expect(a!.duplicate).toBe(false)
    expect(a!.id).not.toBe(b!.id)
    expect(await queue.get(a!.id)).toMatchObject({
      id: a!.id,
      task: 'send',
      payload: { text: 'hi' },
      lane: 'conv-1',
      dedupeKey: 'evt-1',
      state: 'queued',
      attempt: 0,
      maxAttempts: 10,
      lastError: undefined,
    })
    const info = await queue.get(b!.id)
    expect(info).toMatchObject({
      task: 'sync',
      payload: null,
      lane: undefined,
      dedupeKey: undefined,
    })
    expect(info!.runAt.getTime()).toBeLessThanOrEqual(ctx.harness.now())
    expect(await queue.get('424242')).toBeUndefined()
    expect(await queue.stats()).toEqual({ queued: 2, active: 0, parked: 0, failed: 0 })
  })

  it('ignores a second job with the same dedupe key, even after the first is done', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const [first, sameBatch] = await queue.enqueue([
      { task: 'send', payload: 1, dedupeKey: 'graph:msg-1' },
      { task: 'send', payload: 2, dedupeKey: 'graph:msg-1' },
    ])
    expect(first!.duplicate).toBe(false)
    expect(sameBatch).toEqual({ id: first!.id, duplicate: true })
    const concurrent = await Promise.all(
      [3, 4].map((payload) => queue.enqueue([{ task: 'send', payload, dedupeKey: 'graph:msg-1' }])),
    )
    expect(concurrent.flat()).toEqual([
      { id: first!.id, duplicate: true },
      { id: first!.id, duplicate: true },
    ])
    queue.work({ send: log.handler() }, { concurrency: 1 })
    await queue.idle()
    expect(await queue.enqueue([{ task: 'send', payload: 5, dedupeKey: 'graph:msg-1' }])).toEqual([
      { id: first!.id, duplicate: true },
    ])
    await queue.idle()
    expect(log.payloads()).toEqual([1])
  })

  it('waits for runAt, and a lane waits for its delayed head', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const later = new Date(ctx.harness.now() + 5000)
    const [delayed] = await queue.enqueue([
      { task: 'send', payload: 'delayed', lane: 'a', runAt: later },
      { task: 'send', payload: 'behind', lane: 'a' },
      { task: 'send', payload: 'free' },
    ])
    expect((await queue.get(delayed!.id))?.runAt).toEqual(later)
    queue.work({ send: log.handler() }, { concurrency: 3 })
    await queue.idle()
    expect(log.payloads()).toEqual(['free'])
    await ctx.harness.advance(4000)
    await queue.idle()
    expect(log.payloads()).toEqual(['free'])
    await ctx.harness.advance(1000)
    await queue.idle()
    expect(log.payloads()).toEqual(['free', 'delayed', 'behind'])
  })

  it('runs jobs enqueued while it works without waiting for a poll', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    queue.work({ send: log.handler() }, { concurrency: 2 })
    for (let i = 0; i < 5; i += 1) {
      await queue.enqueue([{ task: 'send', payload: i, lane: 'a' }])
    }
    await queue.idle()
    expect(log.payloads()).toEqual([0, 1, 2, 3, 4])
  })
}
