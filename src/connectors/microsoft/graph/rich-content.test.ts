import { describe, expect, it } from 'vitest'

import { equalBytes, secretMatcher } from './rich-content.ts'

describe('byte comparisons', () => {
  it('match only the same bytes, whatever the lengths', () => {
    const bytes = (text: string) => Buffer.from(text, 'utf8')
    expect(equalBytes(bytes('signature'), bytes('signature'))).toBe(true)
    expect(equalBytes(bytes('signature'), bytes('signaturf'))).toBe(false)
    expect(equalBytes(bytes('signature'), bytes('signatur'))).toBe(false)
    expect(equalBytes(bytes(''), bytes(''))).toBe(true)
  })

  it('match a clientState only when it is the secret itself', () => {
    const matches = secretMatcher('s3cret-ståte')
    expect(matches('s3cret-ståte')).toBe(true)
    expect(matches('s3cret-state')).toBe(false) // same length in characters, not in bytes
    expect(matches('s3cret-ståt')).toBe(false)
    expect(matches('s3cret-ståtee')).toBe(false)
    expect(matches('')).toBe(false)
  })
})
