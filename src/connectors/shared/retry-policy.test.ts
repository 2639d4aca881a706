import { describe, expect, it } from 'vitest'

import { backoffDelayMs, parseRetryAfter } from './retry-policy.ts'

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0)
  it('reads seconds, fractional seconds and HTTP-dates', () => {
    expect(parseRetryAfter('2', now)).toBe(2000)
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500)
    expect(parseRetryAfter('0.2', now)).toBe(200)
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(0)
  })
  it('ignores what it cannot read', () => {
    for (const bad of [undefined, '', '-1', 'soon', '1e3', '12abc']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined()
    }
  })
})

describe('backoffDelayMs', () => {
  it('draws uniformly below an exponentially growing, capped ceiling', () => {
    const options = { baseMs: 100, maxMs: 1000 }
    expect(backoffDelayMs(0, { ...options, random: () => 0.999 })).toBe(99)
    expect(backoffDelayMs(3, { ...options, random: () => 0.5 })).toBe(400)
    expect(backoffDelayMs(10, { ...options, random: () => 0.999 })).toBe(999)
    expect(backoffDelayMs(2, { ...options, random: () => 0 })).toBe(0)
  })
})
