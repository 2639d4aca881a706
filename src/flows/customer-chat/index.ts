import type { JobHandler } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { handleReceipt, handleRememberConversation } from './from-backend.ts'
import { orderedHandlers } from './ordering.ts'
import {
  handleCatchUpSweep,
  handleExpiryCheck,
  handleKeepSubscriptions,
  handleLifecycle,
} from './subscriptions.ts'
import { TASKS } from './tasks.ts'

export { enqueueCatchUpForAll } from './subscriptions.ts'
export { channelLane, jobsForEnvelopes, TASKS } from './tasks.ts'

/** The job handlers of the customer-chat flow (Teams ⇄ backend). */
export function customerChatHandlers(deps: FlowDeps): Record<string, JobHandler> {
  const ordered = orderedHandlers(deps)
  return {
    [TASKS.fromChannel]: ordered.fromChannel,
    [TASKS.fromBackend]: ordered.fromBackend,
    [TASKS.receipt]: (job, ctx) => handleReceipt(job, ctx, deps),
    [TASKS.rememberConversation]: (job, ctx) => handleRememberConversation(job, ctx, deps),
    [TASKS.lifecycle]: (job, ctx) => handleLifecycle(job, ctx, deps),
    [TASKS.catchUp]: ordered.catchUp,
    [TASKS.keepSubscriptions]: (job, ctx) => handleKeepSubscriptions(job, ctx, deps),
    [TASKS.catchUpSweep]: () => handleCatchUpSweep(deps),
    [TASKS.expiryCheck]: (_job, ctx) => handleExpiryCheck(ctx, deps),
    [TASKS.resequenceFlush]: ordered.flush,
    [TASKS.resequenceTimer]: ordered.timer,
  }
}
