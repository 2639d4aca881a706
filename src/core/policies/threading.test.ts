import { describe, expect, it } from 'vitest'

import { shouldRecordActivity, shouldStartNewConversation } from './threading.ts'

const hour = 60 * 60 * 1000
const now = new Date('2026-05-01T12:00:00Z')
const ago = (ms: number) => new Date(now.getTime() - ms)

describe('shouldStartNewConversation', () => {
  it.each([
    ['no previous conversation', undefined, 24 * hour, undefined, true],
    ['recent activity', ago(hour), 24 * hour, undefined, false],
    ['just inside the window', ago(24 * hour - 1), 24 * hour, undefined, false],
    ['exactly the window', ago(24 * hour), 24 * hour, undefined, true],
    ['past the window', ago(25 * hour), 24 * hour, undefined, true],
    ['closed, even if recent', ago(1000), 24 * hour, ago(500), true],
    [
      'activity in the future (clock skew)',
      new Date(now.getTime() + hour),
      24 * hour,
      undefined,
      false,
    ],
    ['a zero window always starts anew', ago(0), 0, undefined, true],
  ])('%s → %s', (_name, lastActivityAt, windowMs, closedAt, expected) => {
    expect(shouldStartNewConversation(lastActivityAt, now, windowMs, closedAt)).toBe(expected)
  })
})

describe('shouldRecordActivity', () => {
  it.each([
    ['a second after, 24 h window', ago(1000), 24 * hour, false],
    ['just under a minute after, 24 h window', ago(59_999), 24 * hour, false],
    ['a minute after, 24 h window', ago(60_000), 24 * hour, true],
    ['an hour after, 24 h window', ago(hour), 24 * hour, true],
    ['a short window is kept to 1 %: 1 s of a 100 s window', ago(1000), 100_000, true],
    ['under 1 % of a 100 s window', ago(999), 100_000, false],
    ['a zero window records every message', ago(0), 0, true],
    [
      'recorded activity in the future (clock skew) is not moved back',
      new Date(now.getTime() + hour),
      24 * hour,
      false,
    ],
  ])('%s → %s', (_name, lastActivityAt, windowMs, expected) => {
    expect(shouldRecordActivity(lastActivityAt, now, windowMs)).toBe(expected)
  })
})
