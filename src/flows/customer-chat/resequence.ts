import { isRetryable } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { Job, JobContext } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { TASKS } from './tasks.ts'

/** A message held in its lane until its turn. */
export interface Held {
  readonly side: 'channel' | 'backend'
  readonly integrationId: string
  readonly envelope: InboundEnvelope
}

interface LaneState {
  readonly held: Held[]
}

interface FlushPayload {
  readonly lane: string
  /** When the oldest held message became due (epoch ms). */
  readonly dueMs: number
}

const NAMESPACE = 'resequence'

/** Forwards one held message (from-channel or from-backend processing). */
export type Forward = (held: Held, ctx: JobContext) => Promise<void>

/** Only messages are resequenced; typing, receipts and other events go in arrival order. */
export const isResequenced = (envelope: InboundEnvelope) =>
  envelope.event.type === 'message.created'

const timeOf = (held: Held) => Date.parse(held.envelope.occurredAt) || 0
const byTime = (a: Held, b: Held) =>
  timeOf(a) - timeOf(b) ||
  (a.envelope.dedupeKey < b.envelope.dedupeKey
    ? -1
    : a.envelope.dedupeKey > b.envelope.dedupeKey
      ? 1
      : 0)

/**
 * Resequencing by the remotes' own timestamps (Graph does not promise notification order, and
 * Genesys webhooks may cross). A lane's messages are held in the store and forwarded oldest
 * first once their time is `windowMs` before `asOfMs`, the enqueue time of the job doing it: a
 * message the remote delivered less than `windowMs` late was enqueued before that job, so it is
 * held by then and goes first. Messages still held when the job ends are flushed by a job queued
 * when the oldest becomes due (a timer job without lane queues the lane's flush job then, so
 * the flush comes after whatever arrived meanwhile). A message later than the window goes out
 * when it arrives, out of order.
 */
export async function resequence(
  lane: string,
  incoming: readonly Held[],
  asOfMs: number,
  ctx: JobContext,
  deps: FlowDeps & { readonly forward: Forward; readonly windowMs: number },
): Promise<void> {
  const state = (await deps.store.state.get<JsonValue>(NAMESPACE, lane)) as LaneState | undefined
  const held = [...(state?.held ?? [])]
  for (const item of incoming) {
    if (!held.some((h) => h.envelope.dedupeKey === item.envelope.dedupeKey)) held.push(item)
  }
  held.sort(byTime)
  const save = () =>
    held.length === 0
      ? deps.store.state.delete(NAMESPACE, lane)
      : deps.store.state.put(NAMESPACE, lane, { held } as unknown as JsonValue)
  // Held durably before this job completes: its own message may stay held after it.
  if (incoming.length > 0) await save()
  let forwarded = 0
  try {
    while (held.length > 0 && timeOf(held[0]!) + deps.windowMs <= asOfMs) {
      const next = held[0]!
      try {
        await deps.forward(next, ctx)
      } catch (error) {
        if (isRetryable(error)) throw error
        ctx.log.warn({ err: error, dedupeKey: next.envelope.dedupeKey }, 'held message refused')
      }
      held.shift()
      forwarded += 1
    }
  } finally {
    if (forwarded > 0) await save()
  }
  if (held.length === 0) return
  const dueMs = timeOf(held[0]!) + deps.windowMs
  const payload: FlushPayload = { lane, dueMs }
  await deps.queue.enqueue([
    {
      task: TASKS.resequenceTimer,
      payload: payload as unknown as JsonValue,
      runAt: new Date(dueMs),
      dedupeKey: `resequence-timer:${lane}:${dueMs}`,
    },
  ])
}

/** The due time has come: queue the lane's flush now, behind what the lane received meanwhile. */
export async function handleResequenceTimer(job: Job, deps: FlowDeps): Promise<void> {
  const payload = job.payload as unknown as FlushPayload
  await deps.queue.enqueue([
    {
      task: TASKS.resequenceFlush,
      payload: payload as unknown as JsonValue,
      lane: payload.lane,
      dedupeKey: `resequence-flush:${payload.lane}:${payload.dueMs}`,
    },
  ])
}
