import { describe, expect, it } from 'vitest'

import { nestsDeeperThan } from './json-depth.ts'

describe('nestsDeeperThan', () => {
  const nested = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown

  it('counts arrays and objects, not scalars', () => {
    expect(nestsDeeperThan(nested(3), 3)).toBe(false)
    expect(nestsDeeperThan(nested(4), 3)).toBe(true)
    expect(nestsDeeperThan({ a: { b: [1, 'x', null] } }, 3)).toBe(false)
    expect(nestsDeeperThan({ a: { b: [{}] } }, 3)).toBe(true)
    expect(nestsDeeperThan('text', 0)).toBe(false)
    expect(nestsDeeperThan(undefined, 0)).toBe(false)
  })

  it('walks a million levels without a stack overflow', () => {
    expect(nestsDeeperThan(nested(1_000_000), 32)).toBe(true)
  })
})
