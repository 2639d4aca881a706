import { isRetryable, NotFoundError } from '../../core/errors.ts'
import type { InboundEnvelope, IncomingMessage, ReceiptStatus } from '../../core/events.ts'
import type { Conversation } from '../../core/model/conversation.ts'
import { integrationId as asIntegrationId, messageId } from '../../core/model/ids.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { Message } from '../../core/model/message.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import { sanitizeText } from '../../core/policies/text.ts'
import type { BackendClient, SendContext } from '../../core/ports/connector.ts'
import type { Job, JobContext } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { recordPermanentFailure } from './from-channel.ts'
import { rehostAttachments } from './rehost.ts'
import { type EnvelopePayload, TASKS } from './tasks.ts'

/** Backend (agent) → Teams: one event, in order per backend customer (its lane), applied once. */
export async function processBackendEnvelope(
  integrationId: string,
  envelope: InboundEnvelope,
  ctx: JobContext,
  deps: FlowDeps,
): Promise<void> {
  const { client: backend } = await deps.clients.backend(asIntegrationId(integrationId))
  const send: SendContext = { idempotencyKey: envelope.dedupeKey, signal: ctx.signal, log: ctx.log }
  const event = envelope.event

  const conversation = await deps.store.conversations.latestByBackendKey(
    asIntegrationId(integrationId),
    envelope.address.key,
  )

  if (event.type === 'receipt') {
    if (!conversation) return
    const message = await deps.store.messages.byDeliveredId(conversation.id, event.remoteMessageId)
    if (!message) return
    if (event.status === 'Delivered' || event.status === 'Read') {
      await deps.store.messages.setState(message.id, 'delivered')
    } else if (event.status === 'Failed') {
      await deps.store.messages.setState(message.id, 'failed', {
        error: event.reason ?? 'backend reported failure',
      })
    }
    return
  }

  if (event.type === 'typing') {
    if (!conversation || conversation.closedAt) return
    const { client: channel } = await deps.clients.channel(conversation.channel.integrationId)
    await channel.sendTyping?.(conversation.channel, send)
    return
  }

  if (event.type !== 'message.created') return
  if (!conversation) {
    await backend.sendReceipt?.(
      envelope.address,
      event.message.remoteMessageId,
      'Failed',
      'No Teams conversation for this customer',
      send,
    )
    throw new NotFoundError('no conversation for this backend customer')
  }
  await deliverToChannel(envelope, event.message, conversation, backend, send, deps)
}

async function deliverToChannel(
  envelope: InboundEnvelope,
  incoming: IncomingMessage,
  conversation: Conversation,
  backend: BackendClient,
  send: SendContext,
  deps: FlowDeps,
): Promise<void> {
  const key = `${envelope.address.kind}:${envelope.address.integrationId}:${incoming.remoteMessageId}`
  const existing = await deps.store.messages.byIdempotencyKey(key)
  if (existing && existing.state !== 'pending') {
    // Run again after a crash between recording the delivery and queuing its receipt.
    if (existing.state === 'delivered')
      await queueDeliveredReceipt(envelope, incoming, conversation, backend, key, deps)
    return
  }

  const { client: channel } = await deps.clients.channel(conversation.channel.integrationId)
  const rehosted = await rehostAttachments(
    incoming.attachments,
    backend.download?.bind(backend),
    send,
    deps,
  )
  const refusedNote = rehosted.refused.length
    ? `\n\n[attachment not forwarded: ${rehosted.refused.join(', ')}]`
    : ''
  const text = sanitizeText(incoming.text) + refusedNote
  const message: Message = {
    id: messageId(key),
    conversationId: conversation.id,
    direction: 'to-channel',
    sender: incoming.sender,
    idempotencyKey: key,
    sourceMessageId: incoming.remoteMessageId,
    text,
    attachments: rehosted.attachments,
    mentions: [],
    state: 'pending',
    occurredAt: new Date(envelope.occurredAt),
    createdAt: deps.clock.now(),
  }
  const stored = existing ?? (await deps.store.messages.insertIfAbsent(message)).message
  try {
    const sent = await channel.send(
      conversation.channel,
      { content: message, sender: incoming.sender, occurredAt: envelope.occurredAt },
      { ...send, idempotencyKey: key, resend: existing !== undefined },
    )
    await deps.store.messages.setState(stored.id, 'delivered', {
      deliveredMessageId: sent.remoteMessageId,
    })
    await deps.store.conversations.touch(conversation.id, deps.clock.now())
    deps.metrics.increment('cxb_messages_total', { direction: 'to-channel', outcome: 'sent' })
  } catch (error) {
    await recordPermanentFailure(stored.id, error, deps, 'to-channel')
    if (!isRetryable(error)) {
      const reason = error instanceof Error ? error.message : 'delivery to Teams failed'
      await backend.sendReceipt?.(
        conversation.backend,
        incoming.remoteMessageId,
        'Failed',
        reason,
        send,
      )
    }
    throw error
  }
  await queueDeliveredReceipt(envelope, incoming, conversation, backend, key, deps)
}

/**
 * Teams accepted the message: tell the agent, durably and apart from the delivery job so a
 * failed receipt never re-sends the message. Queued once per message (dedupe key).
 */
async function queueDeliveredReceipt(
  envelope: InboundEnvelope,
  incoming: IncomingMessage,
  conversation: Conversation,
  backend: BackendClient,
  key: string,
  deps: FlowDeps,
): Promise<void> {
  if (!backend.sendReceipt) return
  const payload: ReceiptPayload = {
    backendIntegrationId: envelope.address.integrationId,
    address: conversation.backend,
    remoteMessageId: incoming.remoteMessageId,
    status: 'Delivered',
  }
  await deps.queue.enqueue([
    { task: TASKS.receipt, payload: payload as unknown as JsonValue, dedupeKey: `receipt:${key}` },
  ])
}

export interface ReceiptPayload {
  readonly backendIntegrationId: string
  readonly address: RemoteAddress
  readonly remoteMessageId: string
  readonly status: ReceiptStatus
  readonly reason?: string
}

export async function handleReceipt(job: Job, ctx: JobContext, deps: FlowDeps): Promise<void> {
  const payload = job.payload as unknown as ReceiptPayload
  const { client } = await deps.clients.backend(asIntegrationId(payload.backendIntegrationId))
  await client.sendReceipt?.(
    payload.address,
    payload.remoteMessageId,
    payload.status,
    payload.reason,
    {
      idempotencyKey: job.dedupeKey ?? job.id,
      signal: ctx.signal,
      log: ctx.log,
    },
  )
}

/**
 * A receipt named the backend conversation of a message sent before the bridge knew it: the
 * connector records it, so a resend of that message finds it there instead of sending twice.
 */
export async function handleRememberConversation(
  job: Job,
  ctx: JobContext,
  deps: FlowDeps,
): Promise<void> {
  const { integrationId, envelope } = job.payload as unknown as EnvelopePayload
  const event = envelope.event
  if (event.type !== 'receipt' || event.conversationRef === undefined) return
  const { client } = await deps.clients.backend(asIntegrationId(integrationId))
  await client.rememberConversation?.(envelope.address, event.conversationRef, {
    idempotencyKey: envelope.dedupeKey,
    signal: ctx.signal,
    log: ctx.log,
  })
}
