import { describe, expect, it } from 'vitest'

import { systemClock } from './system-clock.ts'

describe('systemClock', () => {
  it('tells the current time', () => {
    const before = Date.now()
    const now = systemClock.nowMs()
    expect(now).toBeGreaterThanOrEqual(before)
    expect(Math.abs(systemClock.now().getTime() - now)).toBeLessThan(1000)
  })

  it('sleeps about the requested time', async () => {
    const start = performance.now()
    await systemClock.sleep(20)
    expect(performance.now() - start).toBeGreaterThanOrEqual(15)
  })

  it('rejects at once with the reason when aborted mid-sleep', async () => {
    const controller = new AbortController()
    const start = performance.now()
    const sleeping = systemClock.sleep(10_000, controller.signal)
    setTimeout(() => controller.abort(new Error('stop')), 5)
    await expect(sleeping).rejects.toThrow('stop')
    expect(performance.now() - start).toBeLessThan(1000)
  })

  it('rejects without sleeping when the signal is already aborted', async () => {
    const signal = AbortSignal.abort()
    await expect(systemClock.sleep(10_000, signal)).rejects.toMatchObject({ name: 'AbortError' })
  })
})
