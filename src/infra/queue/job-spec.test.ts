import { describe, expect, it } from 'vitest'

import { InvalidInputError } from '../../core/errors.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'
import { toNewJob } from './job-spec.ts'

describe('toNewJob', () => {
  it('fills defaults and serializes the payload', () => {
    expect(toNewJob({ task: 't', payload: { a: [1] } }, 42)).toEqual({
      task: 't',
      payload: '{"a":[1]}',
      lane: null,
      dedupeKey: null,
      runAt: 42,
      maxAttempts: 10,
    })
  })

  it.each<[string, Partial<JobSpec>]>([
    ['an empty task', { task: '' }],
    ['an empty lane', { lane: '' }],
    ['an empty dedupe key', { dedupeKey: '' }],
    ['zero attempts', { maxAttempts: 0 }],
    ['fractional attempts', { maxAttempts: 1.5 }],
    ['an invalid date', { runAt: new Date('nope') }],
    ['an undefined payload', { payload: undefined as never }],
  ])('refuses %s', (_, override) => {
    expect(() => toNewJob({ task: 't', payload: 1, ...override }, 0)).toThrow(InvalidInputError)
  })

  it('refuses a payload that cannot be serialized', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => toNewJob({ task: 't', payload: cyclic as never }, 0)).toThrow(InvalidInputError)
  })
})
