import { describe, expect, it } from 'vitest'

import { isSessionReset } from './session-commands.ts'

describe('isSessionReset', () => {
  it.each(['///restart', '///reset', '///new', '  ///RESET \n'])('%j starts over', (text) => {
    expect(isSessionReset(text)).toBe(true)
  })
  it.each(['//reset', '///reset please', 'reset', '///', ''])('%j does not', (text) => {
    expect(isSessionReset(text)).toBe(false)
  })
})
