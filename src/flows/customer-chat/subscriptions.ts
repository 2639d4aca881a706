import { isRetryable } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import { integrationId as asIntegrationId } from '../../core/model/ids.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import { canKeepSubscriptions, canResync, type SendContext } from '../../core/ports/connector.ts'
import type { Job, JobContext } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { processChannelEnvelope } from './from-channel.ts'
import { type EnvelopePayload, TASKS } from './tasks.ts'

interface CatchUpPayload {
  readonly integrationId: string
  readonly address: RemoteAddress
}

const context = (job: Job, ctx: JobContext): SendContext => ({
  idempotencyKey: job.dedupeKey ?? job.id,
  signal: ctx.signal,
  log: ctx.log,
})

/** Periodic: create missing subscriptions, renew those about to expire. */
export async function handleKeepSubscriptions(
  job: Job,
  ctx: JobContext,
  deps: FlowDeps,
): Promise<void> {
  for (const { integration, client } of await deps.clients.channels()) {
    if (!canKeepSubscriptions(client)) continue
    try {
      await client.keepSubscriptions(deps.clock.now(), context(job, ctx))
    } catch (error) {
      // One integration's bad credentials must not stop the others from being renewed.
      ctx.log.warn({ integrationId: integration.id, err: error }, 'subscription keeping failed')
      deps.metrics.increment('cxb_subscription_keep_failures_total', {
        integrationId: integration.id,
      })
    }
  }
}

/** Warn when a subscription gets this close to expiry: its renewals have been failing. */
export const EXPIRY_WARNING_MS = 6 * 60 * 60_000

/**
 * Periodic (a fleet singleton): subscriptions that keeping should long have renewed but that
 * expire within EXPIRY_WARNING_MS are logged at warn, and counted in a gauge per integration, so
 * an operator fixes the credentials before the chats stop being notified.
 */
export async function handleExpiryCheck(ctx: JobContext, deps: FlowDeps): Promise<void> {
  const now = deps.clock.nowMs()
  const expiring = await deps.store.subscriptions.expiringBefore(new Date(now + EXPIRY_WARNING_MS))
  const counts = new Map<string, number>()
  for (const { integrationId } of await deps.clients
    .channels()
    .then((cs) => cs.map((c) => ({ integrationId: c.integration.id as string }))))
    counts.set(integrationId, 0)
  for (const sub of expiring) {
    counts.set(sub.integrationId, (counts.get(sub.integrationId) ?? 0) + 1)
    ctx.log.warn(
      {
        integrationId: sub.integrationId,
        subscriptionId: sub.id,
        resource: sub.resource,
        expiresInMinutes: Math.round((sub.expiresAt.getTime() - now) / 60_000),
      },
      'subscription expires soon and was not renewed',
    )
  }
  for (const [integrationId, count] of counts)
    deps.metrics.set('cxb_subscriptions_expiring', count, { integrationId })
}

/** A lifecycle notification: reauthorize or recreate, then catch up what may have been missed. */
export async function handleLifecycle(job: Job, ctx: JobContext, deps: FlowDeps): Promise<void> {
  const { integrationId, envelope } = job.payload as unknown as EnvelopePayload
  if (envelope.event.type !== 'subscription.lifecycle') return
  const { client } = await deps.clients.channel(asIntegrationId(integrationId))
  if (!canKeepSubscriptions(client)) return
  const gaps = await client.onLifecycle(
    envelope.event.subscriptionId,
    envelope.event.lifecycle,
    context(job, ctx),
  )
  await enqueueCatchUps(integrationId, gaps, deps, 'lifecycle')
}

/**
 * After downtime (`start`) or now and then (`periodic`): every watched address is caught up.
 * `startRound` names the start: catch-ups of one round are one job per address (default: this
 * call's own round).
 */
export async function enqueueCatchUpForAll(
  deps: FlowDeps,
  cause: 'start' | 'periodic',
  startRound?: string,
): Promise<void> {
  const round = startRound ?? String(deps.clock.nowMs())
  for (const { integration, client } of await deps.clients.channels()) {
    if (!canKeepSubscriptions(client)) continue
    await enqueueCatchUps(integration.id, await client.watchedAddresses(), deps, cause, round)
  }
}

/** The periodic sweep, a fleet-wide singleton job (see src/app/singletons.ts). */
export async function handleCatchUpSweep(deps: FlowDeps): Promise<void> {
  await enqueueCatchUpForAll(deps, 'periodic')
}

/**
 * Lifecycle events and sweeps close together share one catch-up (10-second buckets); each start
 * round gets its own, since what was missed during downtime is only listed then: a restart within
 * seconds of the previous start must not be taken for a repeat.
 */
async function enqueueCatchUps(
  integrationId: string,
  addresses: readonly RemoteAddress[],
  deps: FlowDeps,
  cause: 'start' | 'lifecycle' | 'periodic',
  startRound = '',
) {
  if (addresses.length === 0) return
  const at = deps.clock.nowMs()
  const when = cause === 'start' ? `start:${startRound}` : String(Math.floor(at / 10_000))
  await deps.queue.enqueue(
    addresses.map((address) => ({
      task: TASKS.catchUp,
      payload: { integrationId, address } as unknown as JsonValue,
      // Runs in the chat's own lane, so caught-up messages stay in order with live ones.
      lane: `ch:${integrationId}:${address.key}`,
      dedupeKey: `catch-up:${integrationId}:${address.key}:${when}`,
    })),
  )
}

/**
 * Lists what the chat received since the last message seen and forwards it here, oldest first,
 * while this job holds the chat's lane: a live notification queued meanwhile comes after and is
 * recognised as already applied (same message idempotency key), so order holds and nothing is
 * doubled. A transient failure retries the whole job (what was sent is skipped); a permanent one
 * is recorded on its message and the rest go on.
 */
export async function handleCatchUp(
  job: Job,
  ctx: JobContext,
  deps: FlowDeps,
  apply: (integrationId: string, envelopes: InboundEnvelope[]) => Promise<void> = (id, envelopes) =>
    forwardInOrder(id, envelopes, ctx, deps),
): Promise<void> {
  const { integrationId, address } = job.payload as unknown as CatchUpPayload
  const { client } = await deps.clients.channel(asIntegrationId(integrationId))
  if (!canResync(client)) return
  const envelopes: InboundEnvelope[] = await client.catchUp(address, context(job, ctx))
  await apply(integrationId, envelopes)
  if (envelopes.length > 0)
    deps.metrics.increment('cxb_catch_up_messages_total', {}, envelopes.length)
  await client.commitCatchUp(address, envelopes)
}

async function forwardInOrder(
  integrationId: string,
  envelopes: readonly InboundEnvelope[],
  ctx: JobContext,
  deps: FlowDeps,
): Promise<void> {
  for (const envelope of envelopes) {
    try {
      await processChannelEnvelope(integrationId, envelope, ctx, deps)
    } catch (error) {
      if (isRetryable(error)) throw error
      ctx.log.warn({ err: error, dedupeKey: envelope.dedupeKey }, 'caught-up message refused')
    }
  }
}
