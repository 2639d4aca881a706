import { describe, expect, it } from 'vitest'

import { Doorbell } from './doorbell.ts'

describe('Doorbell', () => {
  it('naps the whole interval when nobody rings', async () => {
    const started = performance.now()
    await new Doorbell().nap(30)
    expect(performance.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('wakes at once when rung during the nap', async () => {
    const bell = new Doorbell()
    const started = performance.now()
    setTimeout(() => bell.ring(), 5)
    await bell.nap(5000)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('remembers a ring that came while awake, once', async () => {
    const bell = new Doorbell()
    bell.ring()
    const started = performance.now()
    await bell.nap(5000)
    expect(performance.now() - started).toBeLessThan(1000)
    await bell.nap(20)
    expect(performance.now() - started).toBeGreaterThanOrEqual(15)
  })
})
