import type { JobHandler } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { handleFromBackend, handleReceipt } from './from-backend.ts'
import { handleFromChannel } from './from-channel.ts'
import {
  handleCatchUp,
  handleCatchUpSweep,
  handleKeepSubscriptions,
  handleLifecycle,
} from './subscriptions.ts'
import { TASKS } from './tasks.ts'

export { enqueueCatchUpForAll } from './subscriptions.ts'
export { channelLane, jobsForEnvelopes, TASKS } from './tasks.ts'

/** The job handlers of the customer-chat flow (Teams ⇄ backend). */
export function customerChatHandlers(deps: FlowDeps): Record<string, JobHandler> {
  return {
    [TASKS.fromChannel]: (job, ctx) => handleFromChannel(job, ctx, deps),
    [TASKS.fromBackend]: (job, ctx) => handleFromBackend(job, ctx, deps),
    [TASKS.receipt]: (job, ctx) => handleReceipt(job, ctx, deps),
    [TASKS.lifecycle]: (job, ctx) => handleLifecycle(job, ctx, deps),
    [TASKS.catchUp]: (job, ctx) => handleCatchUp(job, ctx, deps),
    [TASKS.keepSubscriptions]: (job, ctx) => handleKeepSubscriptions(job, ctx, deps),
    [TASKS.catchUpSweep]: () => handleCatchUpSweep(deps),
  }
}
