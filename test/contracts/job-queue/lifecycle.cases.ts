import { expect, it } from 'vitest'

import type { QueueContext } from '../job-queue.contract.ts'
import { enqueueOne, eventually, pause, RunLog } from './run-log.ts'

/** A handler body that only ends when its signal aborts. */
const untilAborted = (_job: unknown, signal: AbortSignal) =>
  new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)))

export function lifecycleCases(ctx: QueueContext): void {
  it('keeps queued jobs across a reopen', async () => {
    const first = await ctx.open()
    await first.enqueue([{ task: 'send', payload: 'kept', lane: 'a' }])
    await first.close()
    const second = await ctx.open()
    const log = new RunLog()
    second.work({ send: log.handler() }, { concurrency: 1 })
    await second.idle()
    expect(log.payloads()).toEqual(['kept'])
  })

  it('runs a job again after a restart when the process went away while it was active', async () => {
    const first = await ctx.open()
    const started = new RunLog()
    const id = await enqueueOne(first, { task: 'send', payload: 'x', lane: 'a' })
    await first.enqueue([{ task: 'send', payload: 'y', lane: 'a' }])
    first.work({ send: started.handler(untilAborted) }, { concurrency: 1 })
    await eventually(() => started.runs.length === 1)
    await first.close()

    const second = await ctx.open()
    const log = new RunLog()
    second.work({ send: log.handler() }, { concurrency: 2 })
    await second.idle()
    expect(log.payloads()).toEqual(['x', 'y'])
    expect((await second.get(id))?.state).toBe('done')
  })

  it('stop() waits for running jobs to finish', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    const id = await enqueueOne(queue, { task: 'send', payload: 1 })
    queue.work({ send: log.handler(() => pause(30)) }, { concurrency: 1 })
    await eventually(() => log.runs.length === 1)
    await queue.stop(5000)
    expect((await queue.get(id))?.state).toBe('done')
  })

  it('stop() aborts jobs still running at the timeout and gives them back as queued', async () => {
    const queue = await ctx.open()
    const log = new RunLog()
    let aborted = false
    const id = await enqueueOne(queue, { task: 'send', payload: 1, lane: 'a' })
    await queue.enqueue([{ task: 'send', payload: 2, lane: 'a' }])
    queue.work(
      {
        send: log.handler(async (job, signal) => {
          signal.addEventListener('abort', () => (aborted = true))
          await untilAborted(job, signal)
        }),
      },
      { concurrency: 2 },
    )
    await eventually(() => log.runs.length === 1)
    await queue.stop(20)
    expect(aborted).toBe(true)
    expect(await queue.get(id)).toMatchObject({ state: 'queued', attempt: 0 })
    expect(log.runs).toHaveLength(1)

    const after = new RunLog()
    queue.work({ send: after.handler() }, { concurrency: 2 })
    await queue.idle()
    expect(after.payloads()).toEqual([1, 2])
    expect(after.runs[0]?.attempt).toBe(1)
  })

  it('ping() answers while the queue is open and rejects once it is closed', async () => {
    const queue = await ctx.open()
    await expect(queue.ping()).resolves.toBeUndefined()
    await queue.close()
    await expect(queue.ping()).rejects.toThrow(/closed/)
  })
}
