import { describe, expect, it } from 'vitest'

import { ManualClock } from './manual-clock.ts'

describe('ManualClock', () => {
  it('wakes sleepers only when time is advanced past them, in order', async () => {
    const clock = new ManualClock(1000)
    const woke: string[] = []
    const a = clock.sleep(50).then(() => woke.push('a'))
    const b = clock.sleep(10).then(() => woke.push('b'))
    clock.advance(20)
    await b
    expect(woke).toEqual(['b'])
    expect(clock.pendingSleeps).toBe(1)
    clock.advance(30)
    await a
    expect(woke).toEqual(['b', 'a'])
    expect(clock.nowMs()).toBe(1050)
  })

  it('rejects an aborted sleep and forgets it', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const sleeping = clock.sleep(100, controller.signal)
    controller.abort(new Error('gone'))
    await expect(sleeping).rejects.toThrow('gone')
    expect(clock.pendingSleeps).toBe(0)
  })
})
