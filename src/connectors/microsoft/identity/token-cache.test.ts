import { describe, expect, it } from 'vitest'

import type { Clock } from '../../../core/ports/clock.ts'
import { TokenCache } from './token-cache.ts'

const clockAt = (start: number): Clock & { nowValue: number } => {
  const clock = {
    nowValue: start,
    now: () => new Date(clock.nowValue),
    nowMs: () => clock.nowValue,
    sleep: () => Promise.resolve(),
  }
  return clock
}

describe('TokenCache', () => {
  it('reuses a token until five minutes before expiry, then renews', async () => {
    const clock = clockAt(0)
    let issued = 0
    const cache = new TokenCache(clock, async () => ({
      accessToken: `t${++issued}`,
      expiresInMs: 3600_000,
    }))
    expect(await cache.get()).toBe('t1')
    clock.nowValue = 3600_000 - 300_001
    expect(await cache.get()).toBe('t1')
    clock.nowValue = 3600_000 - 300_000
    expect(await cache.get()).toBe('t2')
  })

  it('renews short-lived tokens at half their lifetime', async () => {
    const clock = clockAt(0)
    let issued = 0
    const cache = new TokenCache(clock, async () => ({
      accessToken: `t${++issued}`,
      expiresInMs: 60_000,
    }))
    await cache.get()
    clock.nowValue = 29_999
    expect(await cache.get()).toBe('t1')
    clock.nowValue = 30_000
    expect(await cache.get()).toBe('t2')
  })

  it('shares one renewal between concurrent callers', async () => {
    let calls = 0
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    const cache = new TokenCache(clockAt(0), async () => {
      calls += 1
      await gate
      return { accessToken: 'shared', expiresInMs: 3600_000 }
    })
    const all = Promise.all([cache.get(), cache.get(), cache.get()])
    release()
    expect(await all).toEqual(['shared', 'shared', 'shared'])
    expect(calls).toBe(1)
  })

  it('does not cache a token whose renewal began before clear()', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let issued = 0
    const cache = new TokenCache(clockAt(0), async () => {
      const n = ++issued
      if (n === 1) await gate
      return { accessToken: `t${n}`, expiresInMs: 3600_000 }
    })
    const stale = cache.get()
    cache.clear()
    release()
    expect(await stale).toBe('t1')
    expect(await cache.get()).toBe('t2')
  })

  it('does not cache failures', async () => {
    let calls = 0
    const cache = new TokenCache(clockAt(0), async () => {
      calls += 1
      if (calls === 1) throw new Error('down')
      return { accessToken: 'ok', expiresInMs: 3600_000 }
    })
    await expect(cache.get()).rejects.toThrow('down')
    expect(await cache.get()).toBe('ok')
  })
})
