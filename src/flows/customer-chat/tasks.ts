import type { InboundEnvelope, ReceiptStatus } from '../../core/events.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'

export const TASKS = {
  fromChannel: 'customer-chat.from-channel',
  fromBackend: 'customer-chat.from-backend',
  lifecycle: 'customer-chat.subscription-lifecycle',
  catchUp: 'customer-chat.catch-up',
  keepSubscriptions: 'customer-chat.keep-subscriptions',
  catchUpSweep: 'customer-chat.catch-up-sweep',
  expiryCheck: 'customer-chat.expiry-check',
  resequenceTimer: 'customer-chat.resequence-timer',
  resequenceFlush: 'customer-chat.resequence-flush',
  receipt: 'customer-chat.send-receipt',
  rememberConversation: 'customer-chat.remember-conversation',
} as const

export interface EnvelopePayload {
  readonly integrationId: string
  readonly envelope: InboundEnvelope
}

/** Lanes keep order per remote conversation: a Teams chat, or a backend customer. */
export const channelLane = (integrationId: string, key: string) => `ch:${integrationId}:${key}`
export const backendLane = (integrationId: string, key: string) => `be:${integrationId}:${key}`

/** Receipts that change a stored message's state (from-backend.ts); the others change nothing. */
const RECEIPTS_APPLIED: ReadonlySet<ReceiptStatus> = new Set(['Delivered', 'Read', 'Failed'])

/**
 * An event the flow would read and then drop whatever the store holds: a `Published` or `Sent`
 * receipt (Genesys sends one for every inbound message it accepted, as many as the messages
 * themselves) only says what the synchronous answer to the inbound call already said.
 */
export const changesNothing = (envelope: InboundEnvelope): boolean =>
  envelope.event.type === 'receipt' &&
  !RECEIPTS_APPLIED.has(envelope.event.status) &&
  envelope.event.conversationRef === undefined

/**
 * A receipt that names the backend conversation of a message the bridge sent before it knew
 * that conversation (the connector tells from the payload alone). Its job records the
 * conversation, in no lane: the customer's lane may be held by the resend waiting for it.
 */
const namesConversation = (envelope: InboundEnvelope): boolean =>
  envelope.event.type === 'receipt' &&
  !RECEIPTS_APPLIED.has(envelope.event.status) &&
  envelope.event.conversationRef !== undefined

/**
 * Maps verified webhook envelopes to durable jobs. The job is the stored inbound event: the
 * webhook is acknowledged once `enqueue` resolves, and the worker does everything else. Events
 * that change nothing get no job: half of all webhooks in a busy conversation are receipts.
 */
export function jobsForEnvelopes(
  side: 'channel' | 'backend',
  integrationId: string,
  envelopes: readonly InboundEnvelope[],
): JobSpec[] {
  return envelopes
    .filter((envelope) => !changesNothing(envelope))
    .map((envelope) => {
      const payload = { integrationId, envelope } as unknown as JsonValue
      if (envelope.event.type === 'subscription.lifecycle') {
        return { task: TASKS.lifecycle, payload, dedupeKey: envelope.dedupeKey }
      }
      if (side === 'backend' && namesConversation(envelope)) {
        return { task: TASKS.rememberConversation, payload, dedupeKey: envelope.dedupeKey }
      }
      const lane =
        side === 'channel'
          ? channelLane(integrationId, envelope.address.key)
          : backendLane(integrationId, envelope.address.key)
      return {
        task: side === 'channel' ? TASKS.fromChannel : TASKS.fromBackend,
        payload,
        lane,
        dedupeKey: envelope.dedupeKey,
      }
    })
}
