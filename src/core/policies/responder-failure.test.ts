import { describe, expect, it } from 'vitest'

import {
  ConfigError,
  PolicyRefusedError,
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../errors.ts'
import { classifyResponderFailure } from './responder-failure.ts'

describe('classifyResponderFailure', () => {
  it.each([
    [new RemoteAmbiguousError('slow', { details: { timedOut: true } }), 'timeout', true],
    [
      new RemoteUnavailableError('connect timeout', { details: { timedOut: true } }),
      'timeout',
      true,
    ],
    [new RemoteUnavailableError('429', { status: 429, retryAfterMs: 5000 }), 'busy', true],
    [new RemoteUnavailableError('503', { status: 503 }), 'unavailable', true],
    [new RemoteAuthError('401', { status: 401 }), 'auth', false],
    [new RemoteRejectedError('400', { status: 400 }), 'rejected', false],
    [new ConfigError('apiKeySecretName', 'missing'), 'misconfigured', false],
    [new PolicyRefusedError('private'), 'misconfigured', false],
    [new TypeError('bug'), 'unexpected', false],
  ] as const)('%s → %s', (error, kind, retryable) => {
    const failure = classifyResponderFailure(error)
    expect(failure.kind).toBe(kind)
    expect(failure.retryable).toBe(retryable)
    expect(failure.userText).toMatch(/^Sorry, /)
  })

  it('a caller abort is a cancellation with nothing to say', () => {
    const failure = classifyResponderFailure(new RemoteUnavailableError('x'), true)
    expect(failure).toMatchObject({ kind: 'cancelled', userText: '', retryable: false })
    expect(classifyResponderFailure(new DOMException('x', 'AbortError')).kind).toBe('cancelled')
  })

  it('logs only safe fields, never the message', () => {
    const error = new RemoteRejectedError('api.example: sk-secret in a message', {
      status: 400,
      details: { host: 'api.example', remoteCode: 'invalid_value', body: 'raw words' },
    })
    const { logFields, retryAfterMs } = classifyResponderFailure(error)
    expect(logFields).toEqual({
      kind: 'rejected',
      code: 'REMOTE_REJECTED',
      status: 400,
      host: 'api.example',
      remoteCode: 'invalid_value',
    })
    expect(retryAfterMs).toBeUndefined()
    expect(
      classifyResponderFailure(new RemoteUnavailableError('x', { retryAfterMs: 3 })),
    ).toMatchObject({
      retryAfterMs: 3,
      logFields: { retryAfterMs: 3 },
    })
  })
})
