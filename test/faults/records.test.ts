import { describe, expect, it } from 'vitest'

import { overtakenTexts } from './records.ts'

describe('overtakenTexts', () => {
  it('names the late message of each crossing, not the one that went ahead', () => {
    expect(overtakenTexts(['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])).toEqual([])
    expect(overtakenTexts(['a', 'b', 'c', 'd'], ['b', 'a', 'c', 'd'])).toEqual(['a'])
    expect(overtakenTexts(['a', 'b', 'c', 'd'], ['a', 'd', 'b', 'c'])).toEqual(['b', 'c'])
    // A missing message is no crossing.
    expect(overtakenTexts(['a', 'b', 'c'], ['a', 'c'])).toEqual([])
  })
})
