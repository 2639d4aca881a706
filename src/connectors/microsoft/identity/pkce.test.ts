import { createHash } from 'node:crypto'

import { describe, expect, it } from 'vitest'

import { createPkcePair } from './pkce.ts'

describe('createPkcePair', () => {
  it('makes a 43-character base64url verifier whose S256 hash is the challenge', () => {
    const { verifier, challenge } = createPkcePair()
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(challenge).toBe(createHash('sha256').update(verifier).digest('base64url'))
    expect(createPkcePair().verifier).not.toBe(verifier)
  })
})
