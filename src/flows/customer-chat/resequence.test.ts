import { describe, expect, it } from 'vitest'

import { RemoteRejectedError, RemoteUnavailableError } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import { integrationId } from '../../core/model/ids.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { JobContext, JobSpec } from '../../core/ports/job-queue.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { FlowDeps } from '../deps.ts'
import { type Held, resequence } from './resequence.ts'
import { TASKS } from './tasks.ts'

const WINDOW = 2000
const T0 = Date.parse('2026-01-01T00:00:00Z')
const LANE = 'ch:teams:chat-1'
const silent: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silent,
}
const ctx: JobContext = { signal: new AbortController().signal, log: silent }

const held = (id: string, atMs: number): Held => {
  const envelope: InboundEnvelope = {
    dedupeKey: id,
    address: {
      kind: 'microsoft-teams',
      integrationId: integrationId('teams'),
      key: 'chat-1',
      data: null,
    },
    occurredAt: new Date(atMs).toISOString(),
    event: {
      type: 'message.created',
      message: {
        remoteMessageId: id,
        sender: { role: 'customer', displayName: 'C', remoteId: 'c' },
        text: id,
        attachments: [],
        mentions: [],
      },
    },
  }
  return { side: 'channel', integrationId: 'teams', envelope }
}

function world(fail: (id: string) => Error | undefined = () => undefined) {
  const state = new Map<string, JsonValue>()
  const queued: JobSpec[] = []
  const forwarded: string[] = []
  const deps = {
    store: {
      state: {
        get: async (ns: string, key: string) => state.get(`${ns}/${key}`),
        put: async (ns: string, key: string, value: JsonValue) =>
          void state.set(`${ns}/${key}`, value),
        delete: async (ns: string, key: string) => void state.delete(`${ns}/${key}`),
      },
    },
    queue: { enqueue: async (jobs: JobSpec[]) => void queued.push(...jobs) },
    windowMs: WINDOW,
    forward: async (h: Held) => {
      const error = fail(h.envelope.dedupeKey)
      if (error) throw error
      forwarded.push(h.envelope.dedupeKey)
    },
  } as unknown as FlowDeps & Parameters<typeof resequence>[4]
  const run = (incoming: Held[], asOfMs: number) => resequence(LANE, incoming, asOfMs, ctx, deps)
  return { run, state, queued, forwarded }
}

describe('resequence', () => {
  it('holds a fresh message and queues a timer for when it is due', async () => {
    const w = world()
    await w.run([held('m1', T0)], T0 + 100)
    expect(w.forwarded).toEqual([])
    expect(w.queued).toMatchObject([
      {
        task: TASKS.resequenceTimer,
        runAt: new Date(T0 + WINDOW),
        payload: { lane: LANE, dueMs: T0 + WINDOW },
      },
    ])
  })

  it('forwards messages oldest first once due, whatever order they arrived in', async () => {
    const w = world()
    await w.run([held('m2', T0 + 500)], T0 + 600)
    await w.run([held('m1', T0)], T0 + 700)
    await w.run([held('m3', T0 + 900)], T0 + 1000)
    // A flush queued at T0 + 2500: m1 and m2 are due, m3 not yet.
    await w.run([], T0 + WINDOW + 500)
    expect(w.forwarded).toEqual(['m1', 'm2'])
    await w.run([], T0 + WINDOW + 900)
    expect(w.forwarded).toEqual(['m1', 'm2', 'm3'])
    expect(w.state.size).toBe(0)
  })

  it('forwards at once a message that arrives later than the window', async () => {
    const w = world()
    await w.run([held('late', T0)], T0 + WINDOW + 1)
    expect(w.forwarded).toEqual(['late'])
    expect(w.queued).toEqual([])
  })

  it('holds a message delivered twice once', async () => {
    const w = world()
    await w.run([held('m1', T0)], T0 + 10)
    await w.run([held('m1', T0)], T0 + 20)
    await w.run([], T0 + WINDOW)
    expect(w.forwarded).toEqual(['m1'])
  })

  it('keeps the lane on a transient failure and skips a refused message', async () => {
    let down = true
    const w = world((id) =>
      id === 'm1' && down
        ? new RemoteUnavailableError('down')
        : id === 'm2'
          ? new RemoteRejectedError('no')
          : undefined,
    )
    await w.run([held('m1', T0), held('m2', T0 + 1), held('m3', T0 + 2)], T0 + 10)
    await expect(w.run([], T0 + WINDOW + 10)).rejects.toBeInstanceOf(RemoteUnavailableError)
    expect(w.forwarded).toEqual([])
    down = false
    await w.run([], T0 + WINDOW + 10)
    expect(w.forwarded).toEqual(['m1', 'm3'])
    expect(w.state.size).toBe(0)
  })
})
