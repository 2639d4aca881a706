import { describe, expect, it } from 'vitest'

import { attemptOf, type BossJobRow, retryLimitFor, stateOf, toJobInfo } from './job-data.ts'

const at = new Date(Date.UTC(2026, 0, 1))
const row = (overrides: Partial<BossJobRow> = {}): BossJobRow => ({
  id: '0190d3a0-0000-7000-8000-000000000001',
  data: { task: 'send', payload: { text: 'hi' }, lane: 'conv-1', maxAttempts: 3, claimOffset: 0 },
  state: 'created',
  retryCount: 0,
  startedOn: null,
  createdOn: at,
  completedOn: null,
  startAfter: at,
  output: null,
  ...overrides,
})

describe('pg-boss job rows', () => {
  it('maps pg-boss states onto the port: failed parks, cancelled is failed or skipped', () => {
    expect(stateOf(row({ state: 'created' }))).toBe('queued')
    expect(stateOf(row({ state: 'retry' }))).toBe('queued')
    expect(stateOf(row({ state: 'active' }))).toBe('active')
    expect(stateOf(row({ state: 'completed' }))).toBe('done')
    expect(stateOf(row({ state: 'failed' }))).toBe('parked')
    const failed = { outcome: 'failed', lastError: 'REMOTE_REJECTED: no' }
    expect(stateOf(row({ state: 'cancelled', output: failed }))).toBe('failed')
    const parked = { outcome: 'parked', lastError: 'REMOTE_UNAVAILABLE: 503' }
    expect(stateOf(row({ state: 'cancelled', output: parked }))).toBe('skipped')
    expect(stateOf(row({ state: 'cancelled', output: null }))).toBe('skipped')
  })

  it('counts attempts from claims, less those outside the current budget', () => {
    expect(attemptOf(row())).toBe(0)
    const claimed = { startedOn: at, retryCount: 0 }
    expect(attemptOf(row(claimed))).toBe(1)
    expect(attemptOf(row({ startedOn: at, retryCount: 2 }))).toBe(3)
    const released = { ...row().data, claimOffset: 1 }
    expect(attemptOf(row({ ...claimed, data: released }))).toBe(0)
    expect(attemptOf(row({ startedOn: at, retryCount: 1, data: released }))).toBe(1)
  })

  it('lets pg-boss retry exactly while attempts remain in the budget', () => {
    // pg-boss retries a failed claim while retry_count < retry_limit; the claim that is
    // attempt `a` of a budget has retry_count = a - 1 + claimOffset.
    for (const claimOffset of [0, 1, 4]) {
      const limit = retryLimitFor(3, claimOffset)
      const retried = [1, 2, 3].map((attempt) => attempt - 1 + claimOffset < limit)
      expect(retried).toEqual([true, true, false])
    }
  })

  it('reads lastError from the bridge and from pg-boss expiry alike', () => {
    const failed = row({ state: 'retry', output: { outcome: 'retry', lastError: 'Error: boom' } })
    expect(toJobInfo(failed)).toMatchObject({ state: 'queued', lastError: 'Error: boom' })
    const expired = row({ state: 'retry', output: { value: { message: 'job heartbeat timeout' } } })
    expect(toJobInfo(expired).lastError).toBe('pg-boss: job heartbeat timeout')
    expect(toJobInfo(row()).lastError).toBeUndefined()
  })

  it('hands the job back as enqueued, with the lane and dedupe key only when set', () => {
    expect(
      toJobInfo(row({ data: { task: 't', payload: null, maxAttempts: 1, claimOffset: 0 } })),
    ).toMatchObject({ task: 't', payload: null, lane: undefined, dedupeKey: undefined })
    expect(toJobInfo(row())).toMatchObject({
      task: 'send',
      payload: { text: 'hi' },
      lane: 'conv-1',
      runAt: at,
      updatedAt: at,
    })
  })
})
