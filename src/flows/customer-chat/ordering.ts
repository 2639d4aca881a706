import type { InboundEnvelope } from '../../core/events.ts'
import type { Job, JobContext, JobHandler } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { processBackendEnvelope } from './from-backend.ts'
import { processChannelEnvelope } from './from-channel.ts'
import {
  type Forward,
  handleResequenceTimer,
  type Held,
  isResequenced,
  resequence,
} from './resequence.ts'
import { handleCatchUp } from './subscriptions.ts'
import type { EnvelopePayload } from './tasks.ts'

/**
 * The handlers whose messages go through resequencing when `deps.resequenceWindowMs` is set:
 * both directions, catch-up (what it lists joins the lane's held messages), and the flush and
 * timer jobs. Without a window every message is forwarded in arrival order.
 */
export function orderedHandlers(deps: FlowDeps) {
  const windowMs = deps.resequenceWindowMs ?? 0
  const forward: Forward = (held, ctx) =>
    held.side === 'channel'
      ? processChannelEnvelope(held.integrationId, held.envelope, ctx, deps)
      : processBackendEnvelope(held.integrationId, held.envelope, ctx, deps)
  const ordered = { ...deps, forward, windowMs }
  const asOf = (job: Job) => job.createdAt.getTime()

  const fromSide =
    (side: Held['side']): JobHandler =>
    async (job, ctx) => {
      const { integrationId, envelope } = job.payload as unknown as EnvelopePayload
      if (windowMs > 0 && job.lane && isResequenced(envelope)) {
        return resequence(job.lane, [{ side, integrationId, envelope }], asOf(job), ctx, ordered)
      }
      return forward({ side, integrationId, envelope }, ctx)
    }

  const catchUp: JobHandler = (job, ctx) =>
    handleCatchUp(
      job,
      ctx,
      deps,
      windowMs > 0 && job.lane
        ? (integrationId: string, envelopes: InboundEnvelope[]) =>
            resequence(
              job.lane!,
              envelopes.map((envelope) => ({ side: 'channel' as const, integrationId, envelope })),
              asOf(job),
              ctx,
              ordered,
            )
        : undefined,
    )

  const flush: JobHandler = (job: Job, ctx: JobContext) => {
    const { lane } = job.payload as unknown as { lane: string }
    return resequence(lane, [], asOf(job), ctx, ordered)
  }

  return {
    fromChannel: fromSide('channel'),
    fromBackend: fromSide('backend'),
    catchUp,
    flush,
    timer: (job: Job) => handleResequenceTimer(job, deps),
  }
}
