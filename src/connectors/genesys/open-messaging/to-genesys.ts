import type { ReceiptStatus } from '../../../core/events.ts'
import type { Attachment } from '../../../core/model/message.ts'
import type { BackendIdentity } from '../../../core/model/participant.ts'
import { attachmentKind } from '../../../core/policies/attachments.ts'
import { sanitizeText, splitText, truncateText } from '../../../core/policies/text.ts'
import type { OutgoingMessage } from '../../../core/ports/connector.ts'
import { providerMessageId } from './ids.ts'
import type {
  FromRecipient,
  InboundAttachment,
  InboundEventRequest,
  InboundMessageRequest,
  InboundReceiptRequest,
} from './wire.ts'

export function fromRecipient(identity: BackendIdentity): FromRecipient {
  return {
    id: identity.id,
    idType: identity.idType === 'Email' || identity.idType === 'Phone' ? identity.idType : 'Opaque',
    ...(identity.firstName && { firstName: identity.firstName }),
    ...(identity.lastName && { lastName: identity.lastName }),
    ...(identity.nickname && { nickname: identity.nickname }),
  }
}

const mediaTypeOf: Record<Attachment['kind'], InboundAttachment['mediaType']> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  file: 'File',
}

/** Genesys fetches the file from `url` itself, so it must be the signed, re-hosted URL. */
export function toInboundAttachment(attachment: Attachment): InboundAttachment {
  return {
    mediaType: mediaTypeOf[attachmentKind(attachment.mediaType)],
    url: attachment.url,
    mime: attachment.mediaType,
    ...(attachment.name && { filename: attachment.name }),
  }
}

interface Part {
  readonly text?: string
  readonly attachment?: Attachment
}

/**
 * Text longer than the limit becomes several messages; a message holds at most one attachment
 * ("If contentType = "Attachment" only one item is allowed."). The first attachment rides with
 * the last text part, as its caption; further attachments follow on their own.
 */
function parts(text: string, attachments: readonly Attachment[], maxTextLength: number): Part[] {
  const texts = splitText(text, maxTextLength).filter((part) => part.trim() !== '')
  const result: Part[] = texts.map((part) => ({ text: part }))
  attachments.forEach((attachment, index) => {
    if (index === 0 && result.length > 0) {
      result[result.length - 1] = { ...result[result.length - 1], attachment }
    } else {
      result.push({ attachment })
    }
  })
  return result
}

/** The time of part `index`: one millisecond apart, so the parts sort in order at the agent. */
const partTime = (occurredAt: string, index: number) =>
  new Date(new Date(occurredAt).getTime() + index).toISOString()

/**
 * One bridge message → the inbound message requests that carry it, in order. Each has its own
 * `channel.messageId`, derived from the idempotency key and the part number, so a retry of the
 * same message produces the same ids. The reply quote is already applied by the flow.
 */
export function toInboundMessages(
  message: OutgoingMessage,
  identity: BackendIdentity,
  idempotencyKey: string,
  maxTextLength: number,
): InboundMessageRequest[] {
  const text = sanitizeText(message.content.text)
  const all = parts(text, message.content.attachments, maxTextLength)
  const customAttributes = identity.customAttributes
  const withAttributes = Object.keys(customAttributes).length > 0
  return all.map((part, index) => ({
    channel: {
      messageId: providerMessageId(idempotencyKey, index, all.length),
      from: fromRecipient(identity),
      time: partTime(message.occurredAt, index),
      ...(withAttributes && { metadata: { customAttributes: { ...customAttributes } } }),
    },
    ...(part.text !== undefined && { text: part.text }),
    ...(part.attachment && { content: [{ attachment: toInboundAttachment(part.attachment) }] }),
  }))
}

export function toInboundTyping(identity: BackendIdentity, at: Date): InboundEventRequest {
  return {
    channel: { from: fromRecipient(identity), time: at.toISOString() },
    events: [{ eventType: 'Typing' }],
  }
}

/** `reasons[].message` is required; its limit is not documented, so keep it short. */
const maxReasonLength = 500

/**
 * A receipt for an agent message. The endpoint takes only Delivered and Failed: Read implies
 * Delivered; Sent and Published say nothing new to Genesys and give undefined (send nothing).
 */
export function toInboundReceipt(
  identity: BackendIdentity,
  genesysMessageId: string,
  status: ReceiptStatus,
  reason: string | undefined,
  at: Date,
): InboundReceiptRequest | undefined {
  if (status === 'Sent' || status === 'Published') return undefined
  const failed = status === 'Failed'
  const message = truncateText(sanitizeText(reason ?? '').trim(), maxReasonLength)
  return {
    id: genesysMessageId,
    channel: {
      to: { id: identity.id, idType: fromRecipient(identity).idType },
      time: at.toISOString(),
    },
    status: failed ? 'Failed' : 'Delivered',
    ...(failed && {
      reasons: [{ code: 'GeneralError', message: message || 'The message could not be delivered' }],
    }),
    isFinalReceipt: true,
  }
}
