import { expect, it } from 'vitest'

import type { QueueContext } from '../job-queue.contract.ts'
import { enqueueOne, eventually, pause, RunLog } from './run-log.ts'

export function orderingCases(ctx: QueueContext): void {
  it('runs the jobs of a lane one at a time, in enqueue order, even with many workers', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const expected: Record<string, number[]> = { a: [], b: [], c: [] }
    for (let i = 0; i < 45; i += 1) {
      const lane = ['a', 'b', 'c'][i % 3]!
      expected[lane]!.push(i)
      // Separate calls and one batched call must both keep order.
      if (i < 30) await queue.enqueue([{ task: 'step', payload: i, lane }])
    }
    await queue.enqueue(
      Array.from({ length: 15 }, (_, k) => ({
        task: 'step',
        payload: 30 + k,
        lane: ['a', 'b', 'c'][(30 + k) % 3]!,
      })),
    )
    queue.work({ step: log.handler(() => pause(Math.random() * 3)) }, { concurrency: 8 })
    await queue.idle()
    for (const lane of ['a', 'b', 'c']) expect(log.payloads(lane)).toEqual(expected[lane])
  })

  it('runs different lanes in parallel', async () => {
    const queue = await ctx.open()
    const started = new Set<string>()
    const log = new RunLog()
    // Each job waits until all three lanes have started: this only finishes if they overlap.
    const handler = log.handler(async (job) => {
      started.add(job.lane!)
      await eventually(() => started.size === 3)
    })
    await queue.enqueue(['x', 'y', 'z'].map((lane) => ({ task: 'meet', payload: lane, lane })))
    queue.work({ meet: handler }, { concurrency: 3 })
    await queue.idle()
    expect(log.maxConcurrent).toBe(3)
  })

  it('runs jobs without a lane freely, never more than the concurrency at once', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    await queue.enqueue(Array.from({ length: 12 }, (_, i) => ({ task: 'free', payload: i })))
    queue.work({ free: log.handler(() => pause(5)) }, { concurrency: 4 })
    await queue.idle()
    expect(log.runs).toHaveLength(12)
    expect(log.maxConcurrent).toBe(4)
  })

  it('hands the handler the job as enqueued, with an open signal', async () => {
    const queue = await ctx.open()
    const seen: unknown[] = []
    const id = await enqueueOne(queue, {
      task: 'look',
      payload: { nested: ['ü', 1, null] },
      lane: 'conv-1',
      dedupeKey: 'look-1',
      maxAttempts: 3,
    })
    queue.work(
      {
        look: async (job, { signal, log }) => {
          log.info({ id: job.id }, 'looking')
          seen.push({ ...job, aborted: signal.aborted })
        },
      },
      { concurrency: 1 },
    )
    await queue.idle()
    expect(seen).toEqual([
      {
        id,
        task: 'look',
        payload: { nested: ['ü', 1, null] },
        lane: 'conv-1',
        dedupeKey: 'look-1',
        attempt: 1,
        maxAttempts: 3,
        createdAt: expect.any(Date),
        aborted: false,
      },
    ])
    expect(await queue.get(id)).toMatchObject({ state: 'done', attempt: 1, lastError: undefined })
  })
}
