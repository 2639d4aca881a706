import { describe, expect, it } from 'vitest'

import { isJobId, nextJobId } from './job-ids.ts'

describe('nextJobId', () => {
  it('makes version 7, RFC variant uuids', () => {
    const id = nextJobId()
    expect(isJobId(id)).toBe(true)
    expect(id[14]).toBe('7')
    expect(['8', '9', 'a', 'b']).toContain(id[19])
  })

  it('sorts in the order made, within one millisecond and when the clock steps back', () => {
    const now = Date.now() + 60_000
    const ids = [
      ...Array.from({ length: 5000 }, () => nextJobId(now)),
      nextJobId(now - 10_000),
      nextJobId(now + 1),
    ]
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
  })

  it('refuses what is not a uuid', () => {
    expect(isJobId('424242')).toBe(false)
    expect(isJobId('')).toBe(false)
    expect(isJobId("1' OR '1'='1")).toBe(false)
  })
})
