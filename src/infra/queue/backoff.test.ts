import { describe, expect, it } from 'vitest'

import { retryDelayMs } from './backoff.ts'

const backoff = { baseMs: 1000, maxMs: 60_000 }

describe('retryDelayMs', () => {
  it('doubles per attempt, between half and all of the step', () => {
    expect(retryDelayMs(1, backoff, undefined, () => 0)).toBe(500)
    expect(retryDelayMs(1, backoff, undefined, () => 1)).toBe(1000)
    expect(retryDelayMs(3, backoff, undefined, () => 0)).toBe(2000)
    expect(retryDelayMs(3, backoff, undefined, () => 1)).toBe(4000)
  })

  it('stops growing at maxMs', () => {
    expect(retryDelayMs(30, backoff, undefined, () => 1)).toBe(60_000)
    expect(retryDelayMs(30, backoff, undefined, () => 0)).toBe(30_000)
  })

  it('waits at least as long as Retry-After asks, even beyond maxMs', () => {
    expect(retryDelayMs(1, backoff, 120_000, () => 1)).toBe(120_000)
    expect(retryDelayMs(5, backoff, 10, () => 0)).toBe(8000)
  })
})
