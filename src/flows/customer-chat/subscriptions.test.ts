import { describe, expect, it } from 'vitest'

import { integrationId } from '../../core/model/ids.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { enqueueCatchUpForAll, EXPIRY_WARNING_MS, handleExpiryCheck } from './subscriptions.ts'
import { TASKS } from './tasks.ts'

/** A queue that keeps what was enqueued and drops a repeated dedupe key, as the real ones do. */
function recordingQueue() {
  const stored: JobSpec[] = []
  return {
    stored,
    async enqueue(jobs: readonly JobSpec[]) {
      return jobs.map((job) => {
        const duplicate = stored.some((s) => s.dedupeKey && s.dedupeKey === job.dedupeKey)
        if (!duplicate) stored.push(job)
        return { id: String(stored.length), duplicate }
      })
    },
  }
}

function world() {
  let nowMs = Date.parse('2026-01-01T00:00:00Z')
  const queue = recordingQueue()
  const id = integrationId('teams')
  const address = { kind: 'microsoft-teams', integrationId: id, key: 'chat-1', data: null } as const
  const client = {
    keepSubscriptions: async () => undefined,
    watchedAddresses: async () => [address],
  }
  const deps = {
    queue,
    clock: { nowMs: () => nowMs, now: () => new Date(nowMs) },
    clients: { channels: async () => [{ integration: { id }, client }] },
  } as unknown as FlowDeps
  return { deps, queue, advance: (ms: number) => (nowMs += ms) }
}

describe('enqueueCatchUpForAll', () => {
  it('catches every watched chat up in its own lane', async () => {
    const { deps, queue } = world()
    await enqueueCatchUpForAll(deps, 'start')
    expect(queue.stored).toEqual([
      expect.objectContaining({ task: TASKS.catchUp, lane: 'ch:teams:chat-1' }),
    ])
  })

  it('catches up again after a restart only seconds after the previous start', async () => {
    const { deps, queue, advance } = world()
    await enqueueCatchUpForAll(deps, 'start')
    advance(1500)
    await enqueueCatchUpForAll(deps, 'start')
    expect(queue.stored).toHaveLength(2)
  })

  it('shares one round between workers of a fleet starting together', async () => {
    const { deps, queue } = world()
    await enqueueCatchUpForAll(deps, 'start', 'fleet:29454720')
    await enqueueCatchUpForAll(deps, 'start', 'fleet:29454720')
    expect(queue.stored).toHaveLength(1)
  })
})

describe('handleExpiryCheck', () => {
  it('warns about subscriptions close to expiry and counts them per integration', async () => {
    const { deps } = world()
    const now = deps.clock.nowMs()
    const soon = { id: 'sub-1', integrationId: 'teams', resource: '/chats/c/messages' }
    const warned: object[] = []
    const gauges: Array<[string, number, object]> = []
    const checked = {
      ...deps,
      store: {
        subscriptions: {
          expiringBefore: async (before: Date) =>
            before.getTime() === now + EXPIRY_WARNING_MS
              ? [{ ...soon, expiresAt: new Date(now + 30 * 60_000) }]
              : [],
        },
      },
      metrics: { set: (...args: [string, number, object]) => gauges.push(args) },
    } as unknown as FlowDeps
    const log = { warn: (fields: object) => warned.push(fields) }
    await handleExpiryCheck({ log } as never, checked)
    expect(warned).toEqual([
      expect.objectContaining({ subscriptionId: 'sub-1', expiresInMinutes: 30 }),
    ])
    expect(gauges).toEqual([['cxb_subscriptions_expiring', 1, { integrationId: 'teams' }]])
  })
})
