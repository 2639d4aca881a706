import { describe, expect, it } from 'vitest'

import { RemoteRejectedError, RemoteUnavailableError, UnexpectedError } from '../core/errors.ts'
import type { Job, JobContext } from '../core/ports/job-queue.ts'
import { createLogger } from '../infra/logging/create-logger.ts'
import { singletonHandler, singletonJob } from './singletons.ts'

const keep = { name: 'keep', task: 'keep-task', everyMs: 60_000 }

describe('singletonJob', () => {
  it('gives every moment of one period the same dedupe key, and the next period another', () => {
    const start = 1_800_000_000_000 - (1_800_000_000_000 % 60_000)
    const first = singletonJob(keep, start)
    expect(singletonJob(keep, start + 59_999).dedupeKey).toBe(first.dedupeKey)
    expect(singletonJob(keep, start + 60_000).dedupeKey).not.toBe(first.dedupeKey)
    expect(first).toMatchObject({ task: 'keep-task', lane: 'singleton:keep', payload: {} })
  })

  it('keys by name and period length, so two singletons of one task do not collide', () => {
    const other = singletonJob({ ...keep, everyMs: 30_000 }, 0).dedupeKey
    expect(singletonJob(keep, 0).dedupeKey).not.toBe(other)
  })
})

describe('singletonHandler', () => {
  const ctx: JobContext = {
    signal: new AbortController().signal,
    log: createLogger({ level: 'silent' }),
  }
  const job = (attempt: number): Job => ({
    id: '1',
    task: 'keep-task',
    payload: {},
    lane: 'singleton:keep',
    dedupeKey: 'k',
    attempt,
    maxAttempts: 3,
    createdAt: new Date(0),
  })
  const failing = (error: Error) => singletonHandler(() => Promise.reject(error))

  it('lets a transient failure retry while the period has attempts left', async () => {
    const error = new RemoteUnavailableError('down')
    await expect(failing(error)(job(2), ctx)).rejects.toBe(error)
  })

  it('records the last attempt as failed for good, so the lane is never parked', async () => {
    const rejected = failing(new RemoteUnavailableError('down'))(job(3), ctx)
    await expect(rejected).rejects.toBeInstanceOf(UnexpectedError)
    await expect(rejected).rejects.toMatchObject({ retryable: false })
  })

  it('passes a permanent failure on as it is', async () => {
    const error = new RemoteRejectedError('no')
    await expect(failing(error)(job(1), ctx)).rejects.toBe(error)
  })
})
