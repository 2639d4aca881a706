import { expect, it } from 'vitest'

import type { QueueContext } from '../job-queue.contract.ts'
import { RunLog } from './run-log.ts'

/** `accept`: the acknowledging write (webhooks) — durable, deduplicated, in order with `enqueue`. */
export function acceptCases(ctx: QueueContext): void {
  it('runs accepted jobs in acceptance order, interleaved with enqueued ones in the same lane', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    for (let i = 0; i < 30; i += 1) {
      const spec = { task: 'step', payload: i, lane: i % 2 === 0 ? 'even' : 'odd' }
      if (i % 3 === 0) await queue.enqueue([spec])
      else await queue.accept([spec])
    }
    queue.work({ step: log.handler() }, { concurrency: 4 })
    await queue.idle()
    expect(log.payloads('even')).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28])
    expect(log.payloads('odd')).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29])
  })

  it('deduplicates accepted jobs against each other and against enqueued ones', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    await queue.enqueue([{ task: 'send', payload: 'first', lane: 'a', dedupeKey: 'k1' }])
    // One after the other: which of two concurrent calls with one key wins is not defined.
    await queue.accept([{ task: 'send', payload: 'again', lane: 'a', dedupeKey: 'k1' }])
    await queue.accept([
      { task: 'send', payload: 'second', lane: 'a', dedupeKey: 'k2' },
      { task: 'send', payload: 'second, same call', lane: 'a', dedupeKey: 'k2' },
    ])
    await queue.accept([{ task: 'send', payload: 'second again', lane: 'a', dedupeKey: 'k2' }])
    queue.work({ send: log.handler() }, { concurrency: 2 })
    await queue.idle()
    expect(log.payloads()).toEqual(['first', 'second'])
  })

  it('keeps accepted jobs across a reopen, counted as queued before they run', async () => {
    const first = await ctx.open()
    await first.accept([
      { task: 'send', payload: 'one', lane: 'a' },
      { task: 'send', payload: 'two', lane: 'a' },
    ])
    expect((await first.stats()).queued).toBe(2)
    await first.close()
    const second = await ctx.open()
    const log = new RunLog()
    second.work({ send: log.handler() }, { concurrency: 2 })
    await second.idle()
    expect(log.payloads()).toEqual(['one', 'two'])
  })

  it('rejects an invalid spec without storing the others of its call', async () => {
    const queue = await ctx.open()
    await expect(
      queue.accept([
        { task: 'send', payload: 'fine' },
        { task: '', payload: 'bad' },
      ]),
    ).rejects.toThrow(/task/)
    expect((await queue.stats()).queued).toBe(0)
  })
}
