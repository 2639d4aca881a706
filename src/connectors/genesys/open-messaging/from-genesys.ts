import { InvalidInputError } from '../../../core/errors.ts'
import type { InboundEnvelope, InboundEvent, ReceiptStatus } from '../../../core/events.ts'
import type { IntegrationId } from '../../../core/model/ids.ts'
import type { Attachment } from '../../../core/model/message.ts'
import type { Participant } from '../../../core/model/participant.ts'
import { attachmentKind } from '../../../core/policies/attachments.ts'
import { sanitizeText } from '../../../core/policies/text.ts'
import { safeFileName } from '../../shared/safe-file-name.ts'
import { addressFor } from './identity.ts'
import { isMarkedFirst, outboundDedupeKey } from './ids.ts'
import { type OutboundNormalizedMessage, outboundNormalizedMessage } from './wire.ts'

/** Parses the raw webhook body; malformed JSON or a payload missing required fields is a 400. */
export function decodeOutbound(rawBody: Uint8Array): OutboundNormalizedMessage {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(rawBody).toString('utf8'))
  } catch {
    throw new InvalidInputError('webhook body is not JSON')
  }
  const result = outboundNormalizedMessage.safeParse(json)
  if (result.success) return result.data
  throw new InvalidInputError('webhook body is not an Open Messaging normalized message', {
    details: {
      issues: result.error.issues
        .slice(0, 10)
        .map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  })
}

/** The agent side as the webhook describes it: the integration, named by its nickname. */
function agentOf(message: OutboundNormalizedMessage): Participant {
  const from = message.channel.from
  // Captures spell it `nickname`; some client libraries' fixtures `nickName`.
  const nickname = from?.nickname ?? (typeof from?.nickName === 'string' ? from.nickName : '')
  return {
    role: message.originatingEntity === 'Bot' ? 'bot' : 'agent',
    displayName: sanitizeText(nickname).trim() || 'Agent',
    ...(from?.id && { remoteId: from.id }),
  }
}

function attachmentsOf(message: OutboundNormalizedMessage): Attachment[] {
  const result: Attachment[] = []
  for (const item of message.content ?? []) {
    const attachment = item.attachment
    if (!attachment?.url || (item.contentType && item.contentType !== 'Attachment')) continue
    const mediaType = attachment.mime ?? 'application/octet-stream'
    result.push({
      name: safeFileName(attachment.filename),
      mediaType,
      url: attachment.url,
      ...(attachment.contentSizeBytes !== undefined && { sizeBytes: attachment.contentSizeBytes }),
      kind: attachmentKind(mediaType),
    })
  }
  return result
}

const receiptStatuses: readonly ReceiptStatus[] = [
  'Delivered',
  'Read',
  'Failed',
  'Published',
  'Sent',
]

function reasonOf(message: OutboundNormalizedMessage): string | undefined {
  const reasons = (message.reasons ?? [])
    .map((r) => [r.code, r.message].filter(Boolean).join(': '))
    .filter(Boolean)
  return reasons.length > 0 ? sanitizeText(reasons.join('; ')) : undefined
}

/** The core event for one webhook payload, or undefined for payloads the bridge ignores. */
function eventOf(message: OutboundNormalizedMessage): InboundEvent | undefined {
  switch (message.type) {
    case 'Text':
    case 'Structured': {
      const text = message.text ?? ''
      const attachments = attachmentsOf(message)
      if (text.trim() === '' && attachments.length === 0) return undefined
      return {
        type: 'message.created',
        message: {
          remoteMessageId: message.id,
          sender: agentOf(message),
          text,
          attachments,
          mentions: [],
        },
      }
    }
    case 'Event':
      return message.events?.some((e) => e.eventType === 'Typing')
        ? { type: 'typing', participant: agentOf(message) }
        : undefined
    case 'Receipt': {
      const status = receiptStatuses.find((s) => s === message.status)
      if (!status) return undefined // e.g. Removed: nothing in core reacts to it
      const reason = reasonOf(message)
      // The Published receipt of a first message in a conversation the bridge did not know yet
      // names that conversation: the one receipt a resend may need (ids.ts, markedFirst).
      const conversationRef =
        status === 'Published' && isMarkedFirst(message.channel.messageId)
          ? message.conversationId
          : undefined
      return {
        type: 'receipt',
        remoteMessageId: message.id,
        status,
        ...(reason && { reason }),
        ...(conversationRef && { conversationRef }),
      }
    }
    default:
      return undefined
  }
}

/**
 * Outbound webhook payload → envelopes. Agent text and attachments become `message.created`,
 * typing events `typing`, receipts `receipt`. Unknown types and empty messages give no
 * envelope (still acknowledged: a non-2xx answer can fail the whole chat for the agent,
 * https://developer.genesys.cloud/forum/t/openmessage-need-to-either-disable-input-or-inform-agent-message-didnt-go-through/30668).
 * The customer is `channel.to` on Outbound payloads.
 */
export function parseOutbound(
  rawBody: Uint8Array,
  integrationId: IntegrationId,
): InboundEnvelope[] {
  const message = decodeOutbound(rawBody)
  if (message.direction === 'Inbound' && message.type !== 'Receipt') return [] // the customer's own message
  const event = eventOf(message)
  if (!event) return []
  const customer = message.channel.to
  const idType =
    customer.idType === 'Email' || customer.idType === 'Phone' ? customer.idType : 'Opaque'
  // A receipt carries the id of the message it is about, and one message gets several receipts
  // (Published, then Delivered or Failed): the status is part of its identity.
  const dedupeKey =
    event.type === 'receipt'
      ? `${outboundDedupeKey(message.id)}:receipt:${event.status}`
      : outboundDedupeKey(message.id)
  return [
    {
      dedupeKey,
      address: addressFor(integrationId, { id: customer.id, idType, customAttributes: {} }),
      occurredAt: new Date(message.channel.time).toISOString(),
      event,
    },
  ]
}
