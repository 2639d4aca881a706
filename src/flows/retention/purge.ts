import type { BlobStore } from '../../core/ports/blob-store.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { JobHandler } from '../../core/ports/job-queue.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import type { Store } from '../../core/ports/store.ts'

const DAY_MS = 24 * 60 * 60 * 1000
/** Lets other work in between batches (SQLite statements block the event loop). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/**
 * Rows one statement deletes at most, so a run never holds the database's write lock for long;
 * also the blobs one call deletes.
 */
export const PURGE_BATCH = 1000

export interface RetentionPolicy {
  /**
   * Days an idle conversation, its messages and the per-message state stay, and re-hosted
   * attachments after they were stored; 0 keeps them.
   */
  readonly messagesDays: number
  /** Days integration events stay; 0 keeps them. */
  readonly eventsDays: number
  /** State namespaces written per message or turn: kept as long as messages. */
  readonly messageStateNamespaces: readonly string[]
}

export interface RetentionDeps {
  readonly store: Pick<Store, 'conversations' | 'messages' | 'integrationEvents' | 'state'>
  readonly blobs: Pick<BlobStore, 'purgeOlderThan'>
  readonly clock: Clock
  readonly metrics: Metrics
  /** Deletes expired entries of the embedded key-value store (absent with Redis). */
  readonly purgeExpiredKeyValues?: (limit: number) => Promise<number>
  readonly batch?: number
}

export type PurgedKind =
  'key-value' | 'messages' | 'conversations' | 'state' | 'blobs' | 'integration-events'

/** The retention singleton's job: one run of `purgeOld`, its counts logged. */
export function retentionHandler(deps: RetentionDeps, policy: RetentionPolicy): JobHandler {
  return async (_job, ctx) => {
    const started = deps.clock.nowMs()
    const purged = await purgeOld(deps, policy, ctx.signal)
    ctx.log.info({ purged, tookMs: deps.clock.nowMs() - started }, 'old data purged')
  }
}

/**
 * Deletes what the policy no longer keeps, a batch per statement, and counts it in
 * cxb_retention_purged_total. A conversation goes once idle for `messagesDays`, open or closed;
 * its messages go first (they refer to it). Re-hosted attachments go `messagesDays` after they were
 * stored, like the messages that link to them.
 */
export async function purgeOld(
  deps: RetentionDeps,
  policy: RetentionPolicy,
  signal?: AbortSignal,
): Promise<Record<PurgedKind, number>> {
  const { store } = deps
  const limit = deps.batch ?? PURGE_BATCH
  const purged: Record<PurgedKind, number> = {
    'key-value': 0,
    messages: 0,
    conversations: 0,
    state: 0,
    blobs: 0,
    'integration-events': 0,
  }
  const drain = async (kind: PurgedKind, step: (limit: number) => Promise<number>) => {
    for (let n = limit; n === limit && !signal?.aborted;) {
      n = await step(limit)
      count(kind, n)
      await nextTurn()
    }
  }
  const count = (kind: PurgedKind, n: number) => {
    purged[kind] += n
    if (n > 0) deps.metrics.increment('cxb_retention_purged_total', { kind }, n)
  }
  const daysAgo = (days: number) => new Date(deps.clock.nowMs() - days * DAY_MS)

  if (deps.purgeExpiredKeyValues) await drain('key-value', deps.purgeExpiredKeyValues)
  if (policy.messagesDays > 0) {
    const cutoff = daysAgo(policy.messagesDays)
    // Alternating keeps both scans at the front of the idle range: the conversations a message
    // batch emptied go before the next batch would step over them again.
    for (let more = true; more && !signal?.aborted;) {
      const messages = await store.messages.purgeOfIdleConversations(cutoff, limit)
      const conversations = await store.conversations.purgeIdleBefore(cutoff, limit)
      count('messages', messages)
      count('conversations', conversations)
      more = messages === limit || conversations === limit
      await nextTurn()
    }
    for (const namespace of policy.messageStateNamespaces) {
      await drain('state', (n) => store.state.purgeBefore(namespace, cutoff, n))
    }
    await drain('blobs', (n) => deps.blobs.purgeOlderThan(cutoff, n))
  }
  if (policy.eventsDays > 0) {
    const cutoff = daysAgo(policy.eventsDays)
    await drain('integration-events', (n) => store.integrationEvents.purgeBefore(cutoff, n))
  }
  return purged
}
