import { setImmediate as tick } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { ManualClock } from '../clock/manual-clock.ts'
import { createMemoryRateLimiter } from './memory-limiter.ts'

function setup() {
  const clock = new ManualClock(0)
  const limiter = createMemoryRateLimiter({
    budgets: { genesys: { limit: 2, intervalMs: 1000 } },
    clock,
  })
  const done: string[] = []
  const acquire = (key: string, label: string, signal?: AbortSignal) =>
    limiter.acquire(key, signal).then(() => done.push(label))
  return { clock, limiter, done, acquire }
}

describe('memory rate limiter', () => {
  it('lets a burst up to the limit through, then one unit per refill, in FIFO order', async () => {
    const { clock, done, acquire } = setup()
    for (const label of ['a', 'b', 'c', 'd', 'e']) void acquire('genesys:org1', label)
    await tick()
    expect(done).toEqual(['a', 'b'])
    clock.advance(499)
    await tick()
    expect(done).toEqual(['a', 'b'])
    clock.advance(1)
    await tick()
    expect(done).toEqual(['a', 'b', 'c'])
    clock.advance(1000)
    await tick()
    await tick()
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('keeps separate buckets per full key and does not limit keys without a budget', async () => {
    const { done, acquire } = setup()
    await Promise.all([acquire('genesys:a', 'a1'), acquire('genesys:a', 'a2')])
    await Promise.all([acquire('genesys:b', 'b1'), acquire('genesys:b', 'b2')])
    await Promise.all(Array.from({ length: 50 }, (_, i) => acquire('graph:x', `g${i}`)))
    expect(done).toHaveLength(54)
  })

  it('pauses every caller on a key, including unlimited keys, until the pause passes', async () => {
    const { clock, limiter, done, acquire } = setup()
    await limiter.pause('graph:app:tenant', 1500)
    void acquire('graph:app:tenant', 'first')
    void acquire('graph:app:tenant', 'second')
    void acquire('graph:other', 'other')
    await tick()
    expect(done).toEqual(['other'])
    await limiter.pause('graph:app:tenant', 100) // a shorter pause never shortens a longer one
    clock.advance(1000)
    await tick()
    expect(done).toEqual(['other'])
    clock.advance(500)
    await tick()
    expect(done).toEqual(['other', 'first', 'second'])
  })

  it('rejects an aborted waiter and serves the next one in its place', async () => {
    const { clock, done, acquire } = setup()
    await Promise.all([acquire('genesys:o', 'a'), acquire('genesys:o', 'b')])
    const controller = new AbortController()
    const aborted = acquire('genesys:o', 'c', controller.signal)
    void acquire('genesys:o', 'd')
    controller.abort(new Error('caller gave up'))
    await expect(aborted).rejects.toThrow('caller gave up')
    clock.advance(500)
    await tick()
    expect(done).toEqual(['a', 'b', 'd'])
  })

  it('rejects at once when the signal is already aborted', async () => {
    const { limiter } = setup()
    await expect(limiter.acquire('genesys:o', AbortSignal.abort(new Error('no')))).rejects.toThrow(
      'no',
    )
  })
})
