import { describe, expect, it } from 'vitest'

import { ExpiringMap } from './expiring-map.ts'
import type { Clock } from './ports/clock.ts'

function clock() {
  let nowMs = 1_000
  return {
    now: () => new Date(nowMs),
    nowMs: () => nowMs,
    sleep: async () => {},
    advance: (ms: number) => void (nowMs += ms),
  } satisfies Clock & { advance(ms: number): void }
}

describe('ExpiringMap', () => {
  it('keeps a value for its time to live, then forgets it', () => {
    const time = clock()
    const map = new ExpiringMap<string, number>(time, 100)
    map.set('a', 1)
    time.advance(99)
    expect(map.find('a')?.value).toBe(1)
    time.advance(1)
    expect(map.find('a')).toBeUndefined()
  })

  it('tells a stored undefined from a missing entry', () => {
    const map = new ExpiringMap<string, number | undefined>(clock(), 100)
    map.set('absent upstream', undefined)
    expect(map.find('absent upstream')).toBeDefined()
    expect(map.find('absent upstream')?.value).toBeUndefined()
    expect(map.find('never asked')).toBeUndefined()
  })

  it('starts over past its limit, and a key set again counts from then', () => {
    const time = clock()
    const map = new ExpiringMap<string, number>(time, 100, 2)
    map.set('a', 1)
    map.set('b', 2)
    time.advance(50)
    map.set('b', 3) // an existing key: no new room needed
    expect(map.find('a')?.value).toBe(1)
    map.set('c', 4) // a third key: the map starts over
    expect([map.find('a'), map.find('b'), map.find('c')?.value]).toEqual([undefined, undefined, 4])
    map.delete('c')
    expect(map.find('c')).toBeUndefined()
  })
})
