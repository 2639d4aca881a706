import { describe, expect, it } from 'vitest'

import { isMarkedFirst, markedFirst, outboundDedupeKey, providerMessageId } from './ids.ts'

describe('providerMessageId', () => {
  it('uses a short key as is for a single part', () => {
    expect(providerMessageId('teams:msg-1', 0, 1)).toBe('teams:msg-1')
  })

  it('numbers the parts of a split message from 1', () => {
    expect([0, 1, 2].map((i) => providerMessageId('k', i, 3))).toEqual(['k#1', 'k#2', 'k#3'])
  })

  it('hashes a long key deterministically', () => {
    const key = `teams:${'x'.repeat(200)}`
    const id = providerMessageId(key, 0, 1)
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    expect(providerMessageId(key, 0, 1)).toBe(id)
    expect(providerMessageId(`${key}y`, 0, 1)).not.toBe(id)
  })
})

describe('outboundDedupeKey', () => {
  it('prefixes the Genesys message id', () => {
    expect(outboundDedupeKey('8085cbb3f778c34de0bd14c5318ec44c')).toBe(
      'genesys:8085cbb3f778c34de0bd14c5318ec44c',
    )
  })
})

describe('markedFirst', () => {
  it('marks an id so that the mark is recognised from the id alone', () => {
    expect(markedFirst('teams:msg-1')).toBe('teams:msg-1~first')
    expect(isMarkedFirst(markedFirst(providerMessageId('k', 0, 3)))).toBe(true)
    expect(isMarkedFirst('teams:msg-1')).toBe(false)
    expect(isMarkedFirst(undefined)).toBe(false)
  })
})
