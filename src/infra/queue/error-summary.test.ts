import { describe, expect, it } from 'vitest'

import { RemoteUnavailableError } from '../../core/errors.ts'
import { errorSummary } from './error-summary.ts'

describe('errorSummary', () => {
  it('names a BridgeError by its code and keeps only the first line', () => {
    const error = new RemoteUnavailableError('Genesys answered 503\nbody: {"secret":"x"}')
    expect(errorSummary(error)).toBe('REMOTE_UNAVAILABLE: Genesys answered 503')
  })

  it('names other errors by their name and never includes the stack', () => {
    const summary = errorSummary(new TypeError('fetch failed'))
    expect(summary).toBe('TypeError: fetch failed')
  })

  it('removes credentials, tokens and query strings', () => {
    const summary = errorSummary(
      new Error(
        'GET https://user:pw@graph.example/v1/chats?$skiptoken=abc&sig=xyz failed; Authorization: Bearer eyJhbGci.x.y; client_secret=s3cr3t; "refreshToken": "r-1"',
      ),
    )
    expect(summary).toContain('https://graph.example/v1/chats')
    for (const secret of ['pw@', 'skiptoken=abc', 'xyz', 'eyJhbGci', 's3cr3t', 'r-1']) {
      expect(summary).not.toContain(secret)
    }
  })

  it('describes a thrown non-error by its type only', () => {
    expect(errorSummary('token=abc')).toBe('thrown string')
    expect(errorSummary(undefined)).toBe('thrown undefined')
  })

  it('keeps the summary short', () => {
    expect(errorSummary(new Error('x'.repeat(5000))).length).toBeLessThanOrEqual(300)
  })
})
