import { describe, expect, it } from 'vitest'

import {
  InvalidInputError,
  isRetryable,
  RemoteRejectedError,
  RemoteUnavailableError,
} from './errors.ts'

describe('error classes', () => {
  it('names errors after their class and classes retries by cause', () => {
    const transient = new RemoteUnavailableError('busy', { retryAfterMs: 1500, status: 429 })
    expect(transient.name).toBe('RemoteUnavailableError')
    expect(transient.retryAfterMs).toBe(1500)
    expect(isRetryable(transient)).toBe(true)
    expect(isRetryable(new RemoteRejectedError('bad', { status: 400 }))).toBe(false)
    expect(isRetryable(new InvalidInputError('bad'))).toBe(false)
    expect(isRetryable(new Error('unknown'))).toBe(true)
  })
})
