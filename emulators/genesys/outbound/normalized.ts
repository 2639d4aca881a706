import type { IntegrationState } from '../state/store.ts'
import type { ConversationRecord, FromRecipient } from '../types.ts'

/**
 * Builders for the Outbound Open NormalizedMessage webhook bodies. Field order follows a real
 * capture (dgurwan/genesys-open-messaging-middleware payload.txt, research §3.2): `id` ==
 * `channel.messageId`, `channel.id` == `channel.from.id` == integration id, `from.nickname` ==
 * integration name, `channel.to` == the customer the middleware named on inbound.
 */
function channel(integration: IntegrationState, customer: FromRecipient, id: string, time: string) {
  return {
    id: integration.id,
    platform: 'Open',
    type: 'Private',
    to: { id: customer.id, idType: customer.idType },
    from: { nickname: integration.name, id: integration.id, idType: 'Opaque' },
    metadata: { subType: 'None' },
    time,
    messageId: id,
  }
}

export interface OutboundAttachment {
  readonly id: string
  readonly mediaType: string
  readonly url: string
  readonly mime: string
  readonly filename: string
  readonly contentSizeBytes?: number
}

export function agentTextBody(input: {
  id: string
  integration: IntegrationState
  conversation: ConversationRecord
  time: string
  text?: string
  attachment?: OutboundAttachment
  originatingEntity: 'Human' | 'Bot'
}): Record<string, unknown> {
  return {
    id: input.id,
    channel: channel(input.integration, input.conversation.customer, input.id, input.time),
    type: 'Text',
    ...(input.text !== undefined && { text: input.text }),
    ...(input.attachment && {
      content: [{ contentType: 'Attachment', attachment: input.attachment }],
    }),
    originatingEntity: input.originatingEntity,
    direction: 'Outbound',
    conversationId: input.conversation.id,
  }
}

/** Typing has no "Off": the indicator lapses after `duration` ms (research §3.3). */
export function typingBody(input: {
  id: string
  integration: IntegrationState
  conversation: ConversationRecord
  time: string
}): Record<string, unknown> {
  return {
    id: input.id,
    channel: channel(input.integration, input.conversation.customer, input.id, input.time),
    type: 'Event',
    events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
    direction: 'Outbound',
  }
}

/**
 * Receipt for an accepted inbound message. Middlewares receive and ignore these (research §3.4);
 * the exact body was never captured, so this follows the OpenNormalizedMessage model with
 * `status: Published` ("Published" (Inbound), gildas/go-gcloudcx openmessaging_message_receipt.go)
 * and, as on every outbound payload, `conversationId`.
 */
export function inboundReceiptBody(input: {
  inboundId: string
  channelMessageId?: string
  integration: IntegrationState
  customer: FromRecipient
  conversationId: string
  time: string
}): Record<string, unknown> {
  const base = channel(input.integration, input.customer, input.inboundId, input.time)
  return {
    id: input.inboundId,
    channel: { ...base, messageId: input.channelMessageId ?? input.inboundId },
    type: 'Receipt',
    status: 'Published',
    isFinalReceipt: true,
    direction: 'Inbound',
    // Real outbound payloads carry the conversation (research §3.2, not in the SDK model).
    conversationId: input.conversationId,
  }
}
