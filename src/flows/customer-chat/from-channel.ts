import { isRetryable, PolicyRefusedError } from '../../core/errors.ts'
import type { InboundEnvelope, IncomingMessage } from '../../core/events.ts'
import { integrationId as asIntegrationId, messageId } from '../../core/model/ids.ts'
import type { Message } from '../../core/model/message.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import { applyReplyQuote } from '../../core/policies/reply-quote.ts'
import { sanitizeText } from '../../core/policies/text.ts'
import { shouldRecordActivity } from '../../core/policies/threading.ts'
import type { ChannelClient, SendContext } from '../../core/ports/connector.ts'
import type { JobContext } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { conversationForCustomer } from './conversation.ts'
import { rehostAttachments } from './rehost.ts'

/** The idempotency key of a Teams message: the same whether it came by notification or catch-up. */
export const channelMessageKey = (address: RemoteAddress, remoteMessageId: string) =>
  `${address.kind}:${address.integrationId}:${address.key}:${remoteMessageId}`

/**
 * Teams → backend: one event, in order per Teams chat (its lane), applied once (catch-up and
 * held messages come through here too).
 */
export async function processChannelEnvelope(
  integrationId: string,
  envelope: InboundEnvelope,
  ctx: JobContext,
  deps: FlowDeps,
): Promise<void> {
  const { client } = await deps.clients.channel(asIntegrationId(integrationId))
  const send: SendContext = { idempotencyKey: envelope.dedupeKey, signal: ctx.signal, log: ctx.log }

  if (envelope.event.type === 'typing') {
    if (client.isOwnEcho(envelope.event.participant)) return
    const target = await findOpenConversation(integrationId, envelope, deps)
    if (!target?.backend.sendTyping) return
    await target.backend.sendTyping(target.conversation.backend, send)
    return
  }

  const incoming = await resolveMessage(envelope, client, send)
  if (!incoming) return
  // Loop guard: the bridge's own bot or service account posts come back as notifications.
  if (client.isOwnEcho(incoming.sender)) {
    deps.metrics.increment('cxb_loop_guard_dropped_total', { side: 'channel' })
    return
  }
  const sender = client.resolveParticipant
    ? await client.resolveParticipant(incoming.sender, send)
    : incoming.sender
  await forwardToBackend(integrationId, envelope, { ...incoming, sender }, client, send, deps)
}

async function resolveMessage(
  envelope: InboundEnvelope,
  client: ChannelClient,
  send: SendContext,
): Promise<IncomingMessage | undefined> {
  const event = envelope.event
  if (event.type === 'message.created') return event.message
  if (event.type === 'message.notified') {
    if (event.changeType !== 'created') return undefined
    if (!client.fetchMessage) throw new PolicyRefusedError('channel cannot fetch notified messages')
    return client.fetchMessage(envelope.address, event.resource, send)
  }
  return undefined
}

async function forwardToBackend(
  integrationId: string,
  envelope: InboundEnvelope,
  incoming: IncomingMessage,
  channel: ChannelClient,
  send: SendContext,
  deps: FlowDeps,
): Promise<void> {
  const route = (await deps.store.routes.byChannelIntegration(asIntegrationId(integrationId)))[0]
  if (!route) throw new PolicyRefusedError('no route from this Teams integration to a backend')
  const { client: backend } = await deps.clients.backend(route.backendIntegrationId)
  const key = channelMessageKey(envelope.address, incoming.remoteMessageId)

  const existing = await deps.store.messages.byIdempotencyKey(key)
  if (existing && existing.state !== 'pending') return // applied once, even if the job runs twice

  const conversation = existing
    ? await deps.store.conversations.get(existing.conversationId)
    : await conversationForCustomer(route, envelope.address, incoming.sender, backend, deps)
  if (!conversation) throw new PolicyRefusedError('conversation of a stored message is gone')

  const rehosted = await rehostAttachments(
    incoming.attachments,
    channel.download?.bind(channel),
    send,
    deps,
  )
  const quoted = applyReplyQuote(
    sanitizeText(incoming.text),
    incoming.replyTo,
    route.policy.replyQuote,
  )
  const text = withRefusedNote(quoted, rehosted.refused)

  const message: Message = {
    id: messageId(key),
    conversationId: conversation.id,
    direction: 'to-backend',
    sender: incoming.sender,
    idempotencyKey: key,
    sourceMessageId: incoming.remoteMessageId,
    text,
    attachments: rehosted.attachments,
    mentions: incoming.mentions,
    ...(incoming.replyTo ? { replyTo: incoming.replyTo } : {}),
    state: 'pending',
    occurredAt: new Date(envelope.occurredAt),
    createdAt: deps.clock.now(),
  }
  const stored = existing ?? (await deps.store.messages.insertIfAbsent(message)).message
  try {
    const sent = await backend.send(
      conversation.backend,
      { content: { ...message, text }, sender: incoming.sender, occurredAt: envelope.occurredAt },
      { ...send, idempotencyKey: key, resend: existing !== undefined },
    )
    await deps.store.messages.setState(stored.id, 'sent', {
      deliveredMessageId: sent.remoteMessageId,
    })
    const now = deps.clock.now()
    if (shouldRecordActivity(conversation.lastActivityAt, now, route.policy.threadingWindowMs)) {
      await deps.store.conversations.touch(conversation.id, now)
    }
    deps.metrics.increment('cxb_messages_total', { direction: 'to-backend', outcome: 'sent' })
    deps.metrics.observe(
      'cxb_delivery_lag_seconds',
      (deps.clock.nowMs() - Date.parse(envelope.occurredAt)) / 1000,
      { direction: 'to-backend' },
    )
  } catch (error) {
    await recordPermanentFailure(stored.id, error, deps, 'to-backend')
    throw error
  }
}

function withRefusedNote(text: string, refused: readonly string[]): string {
  if (refused.length === 0) return text
  const note = `[attachment not forwarded: ${refused.join(', ')}]`
  return text ? `${text}\n\n${note}` : note
}

/** Permanent failures become visible state on the message; transient ones stay pending. */
export async function recordPermanentFailure(
  id: Message['id'],
  error: unknown,
  deps: Pick<FlowDeps, 'store' | 'metrics'>,
  direction: Message['direction'],
): Promise<void> {
  if (isRetryable(error)) return
  const reason = error instanceof Error ? error.message : String(error)
  await deps.store.messages.setState(id, 'failed', { error: reason.slice(0, 500) })
  deps.metrics.increment('cxb_messages_total', { direction, outcome: 'failed' })
}

async function findOpenConversation(
  integrationId: string,
  envelope: InboundEnvelope,
  deps: FlowDeps,
) {
  const route = (await deps.store.routes.byChannelIntegration(asIntegrationId(integrationId)))[0]
  if (!route) return undefined
  const conversation = await deps.store.conversations.latestByChannelKey(
    route.id,
    envelope.address.key,
  )
  if (!conversation || conversation.closedAt) return undefined
  const { client: backend } = await deps.clients.backend(route.backendIntegrationId)
  return { conversation, backend }
}
