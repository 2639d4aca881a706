/**
 * Open Messaging wire payloads, as documented. Requests we build are strict (only documented
 * fields); payloads we receive are loose, because the outbound schema sets
 * `"additionalProperties": true` and real payloads carry undocumented fields
 * (`conversationId`, `contentSizeBytes`, `channel.metadata`).
 *
 * Sources: platform API models `OpenInboundNormalizedMessage`, `OpenInboundNormalizedEvent`,
 * `OpenInboundNormalizedReceipt`, `OpenMessageNormalizedMessage` (platform-client-sdk 259.0.0
 * `index.d.ts`), https://developer.genesys.cloud/commdigital/digital/openmessaging/normalizedmsgformat
 * and https://developer.genesys.cloud/commdigital/digital/openmessaging/outboundMessages.
 */
import { z } from 'zod'

/** `OpenMessagingFromRecipient.idType` allowed values. */
export const idTypes = ['Email', 'Phone', 'Opaque'] as const
/** `OpenContentAttachment.mediaType` allowed values. */
export const mediaTypes = ['Image', 'Video', 'Audio', 'File', 'Link'] as const
/** `ConversationReason.code` allowed values (platform-client-sdk-python conversation_reason.py). */
export const reasonCodes = [
  'MessageExpired',
  'RateLimited',
  'MessageNotAllowed',
  'GeneralError',
  'UnsupportedMessage',
  'UnknownMessage',
  'InvalidMessageStructure',
  'InvalidDestination',
  'ServerError',
  'MediaTypeNotAllowed',
  'InvalidMediaContentLength',
  'RecipientOptedOut',
  'DataFiltered',
] as const

// "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
const time = z.iso.datetime({ offset: true })

// ---- Requests we send (POST /api/v2/conversations/messages/{integrationId}/inbound/open/...) ----

export const fromRecipient = z.strictObject({
  id: z.string().min(1),
  idType: z.enum(idTypes),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  nickname: z.string().optional(),
  email: z.string().optional(),
  image: z.string().optional(),
})

export const inboundAttachment = z.strictObject({
  id: z.string().optional(),
  mediaType: z.enum(mediaTypes),
  url: z.url(),
  mime: z.string().min(1),
  filename: z.string().optional(),
  sha256: z.string().optional(),
  text: z.string().optional(),
})

/**
 * The new endpoint takes the integration from the path: the model has no `channel.platform`,
 * `channel.type`, `channel.to`, top-level `type` or `direction` (those belong to the deprecated
 * `/inbound/open`). `channel.metadata.customAttributes` is not in the SDK model but sets
 * participant data (https://developer.genesys.cloud/forum/t/set-participant-data-in-open-inbound-message/26014:
 * under top-level `metadata` it is a 400, top-level `metadata` takes string values only).
 */
export const inboundMessageRequest = z.strictObject({
  channel: z.strictObject({
    messageId: z.string().min(1),
    from: fromRecipient,
    time,
    metadata: z.strictObject({ customAttributes: z.record(z.string(), z.string()) }).optional(),
  }),
  text: z.string().optional(),
  // "If contentType = "Attachment" only one item is allowed." (outbound schema; same model)
  content: z
    .array(z.strictObject({ attachment: inboundAttachment }))
    .max(1)
    .optional(),
})

/** Only `Typing` exists; the indicator expires on its own (there is no "off"). */
export const inboundEventRequest = z.strictObject({
  channel: z.strictObject({ from: fromRecipient, time }),
  events: z.array(z.strictObject({ eventType: z.literal('Typing') })).min(1),
})

/**
 * "There are 2 supported receipt statuses for this endpoint: Delivered | Failed"
 * (https://developer.genesys.cloud/commdigital/digital/openmessaging/inboundReceiptMessages).
 * `id` is the Genesys message id from the outbound webhook, not ours.
 */
export const inboundReceiptRequest = z.strictObject({
  id: z.string().min(1),
  channel: z.strictObject({
    to: z.strictObject({ id: z.string().min(1), idType: z.enum(idTypes).optional() }),
    time,
  }),
  status: z.enum(['Delivered', 'Failed']),
  reasons: z
    .array(z.strictObject({ code: z.enum(reasonCodes), message: z.string().min(1) }))
    .optional(),
  isFinalReceipt: z.boolean().optional(),
})

export type FromRecipient = z.infer<typeof fromRecipient>
export type InboundAttachment = z.infer<typeof inboundAttachment>
export type InboundMessageRequest = z.infer<typeof inboundMessageRequest>
export type InboundEventRequest = z.infer<typeof inboundEventRequest>
export type InboundReceiptRequest = z.infer<typeof inboundReceiptRequest>

/** What the inbound endpoints answer: a normalized message with the Genesys `id`. */
export const inboundResponse = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  status: z.string().optional(),
  reasons: z
    .array(z.looseObject({ code: z.string().optional(), message: z.string().optional() }))
    .optional(),
  conversationId: z.string().optional(),
})

// ---- What Genesys posts to the outbound webhook (Outbound Open NormalizedMessage) ----

const recipient = z.looseObject({
  id: z.string().min(1),
  idType: z.string().optional(),
  nickname: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
})

export const outboundAttachment = z.looseObject({
  id: z.string().optional(),
  mediaType: z.string(),
  url: z.string().optional(),
  mime: z.string().optional(),
  filename: z.string().optional(),
  text: z.string().optional(),
  contentSizeBytes: z.number().int().nonnegative().optional(),
})

export const outboundNormalizedMessage = z.looseObject({
  /** 32 hex characters; "Each message must have a unique combination of ... id and time". */
  id: z.string().min(1),
  channel: z.looseObject({
    id: z.string().optional(),
    platform: z.string().optional(),
    type: z.string().optional(),
    messageId: z.string().optional(),
    to: recipient,
    from: recipient.optional(),
    time,
  }),
  /** `Text | Structured | Receipt` in the schema, `Event` for typing (SDK OpenEventNormalizedMessage). */
  type: z.string(),
  text: z.string().optional(),
  content: z
    .array(
      z.looseObject({
        contentType: z.string().optional(),
        attachment: outboundAttachment.optional(),
      }),
    )
    .optional(),
  events: z
    .array(
      z.looseObject({
        eventType: z.string(),
        typing: z
          .looseObject({ type: z.string().optional(), duration: z.number().optional() })
          .optional(),
      }),
    )
    .optional(),
  status: z.string().optional(),
  reasons: z
    .array(z.looseObject({ code: z.string().optional(), message: z.string().optional() }))
    .optional(),
  isFinalReceipt: z.boolean().optional(),
  direction: z.string().optional(),
  /** `Human | Bot`. */
  originatingEntity: z.string().optional(),
  conversationId: z.string().optional(),
})

export type OutboundNormalizedMessage = z.infer<typeof outboundNormalizedMessage>
export type OutboundAttachment = z.infer<typeof outboundAttachment>
