import { describe, expect, it } from 'vitest'

import {
  InvalidInputError,
  isConnectionLoss,
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

describe('isConnectionLoss', () => {
  const withCode = (code: string) => Object.assign(new Error('x'), { code })

  it('knows connections refused, cut and shut down by the server', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '08006', '08001', '57P01', '57P03'])
      expect(isConnectionLoss(withCode(code)), code).toBe(true)
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true)
  })

  it('leaves query errors and bugs alone', () => {
    for (const code of ['23505', '42P01', '57014', 'ERR_INVALID_ARG_TYPE'])
      expect(isConnectionLoss(withCode(code)), code).toBe(false)
    expect(isConnectionLoss(new TypeError('x is undefined'))).toBe(false)
    expect(isConnectionLoss('ECONNREFUSED')).toBe(false)
  })
})
