import { setImmediate as tick } from 'node:timers/promises'

import { describe, expect, it } from 'vitest'

import { ManualClock } from '../clock/manual-clock.ts'
import { type Take, WaitLine } from './wait-line.ts'

/** A remote bucket behind an async try that holds `units`; records what each try asked for. */
function remoteBucket(units: number) {
  const asked: number[] = []
  const state = { units }
  const tryTake = async (wanted: number): Promise<Take> => {
    asked.push(wanted)
    await tick()
    const granted = Math.min(wanted, state.units)
    state.units -= granted
    return { granted, waitMs: granted < wanted ? 100 : 0 }
  }
  return { asked, state, tryTake }
}

describe('WaitLine', () => {
  it('asks once for everyone waiting and lets them through in arrival order', async () => {
    const clock = new ManualClock(0)
    const bucket = remoteBucket(10)
    const line = new WaitLine(clock, bucket.tryTake)
    const done: string[] = []
    await Promise.all(['a', 'b', 'c', 'd'].map((label) => line.wait().then(() => done.push(label))))
    expect(done).toEqual(['a', 'b', 'c', 'd'])
    // The first caller's try went out alone; the three who came meanwhile shared the next.
    expect(bucket.asked).toEqual([1, 3])
  })

  it('lets through only what was granted, from the head, and asks again after the named wait', async () => {
    const clock = new ManualClock(0)
    const bucket = remoteBucket(2)
    const line = new WaitLine(clock, bucket.tryTake)
    const done: string[] = []
    for (const label of ['a', 'b', 'c']) void line.wait().then(() => done.push(label))
    for (let i = 0; i < 5; i += 1) await tick()
    expect(done).toEqual(['a', 'b'])
    bucket.state.units = 5
    clock.advance(99)
    for (let i = 0; i < 5; i += 1) await tick()
    expect(done).toEqual(['a', 'b'])
    clock.advance(1)
    for (let i = 0; i < 5; i += 1) await tick()
    expect(done).toEqual(['a', 'b', 'c'])
  })
})
