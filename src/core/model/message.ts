import type { ConversationId, MessageId } from './ids.ts'
import type { Participant } from './participant.ts'

export interface Attachment {
  /** Safe file name (no path, no control characters). */
  readonly name: string
  readonly mediaType: string
  readonly sizeBytes?: number
  /** Where the content can be fetched: a remote URL on the way in, a signed BlobStore URL once re-hosted. */
  readonly url: string
  /** BlobStore key once re-hosted. */
  readonly blobKey?: string
  readonly kind: 'image' | 'file' | 'video' | 'audio'
}

export interface Mention {
  readonly text: string
  readonly participant?: Participant
}

export interface ReplyQuote {
  readonly text: string
  readonly author?: string
  readonly remoteMessageId?: string
}

/** A message normalized for core: markdown text, never remote HTML. */
export interface MessageContent {
  readonly text: string
  readonly attachments: readonly Attachment[]
  readonly mentions: readonly Mention[]
  readonly replyTo?: ReplyQuote
}

export type Direction = 'to-backend' | 'to-channel'

export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'failed'

export interface Message extends MessageContent {
  readonly id: MessageId
  readonly conversationId: ConversationId
  readonly direction: Direction
  readonly sender: Participant
  /** Same value on every retry of the same remote event: applied once. */
  readonly idempotencyKey: string
  /** The id on the side the message came from. */
  readonly sourceMessageId: string
  /** The id on the side it was delivered to, once sent. */
  readonly deliveredMessageId?: string
  readonly state: DeliveryState
  readonly error?: string
  readonly occurredAt: Date
  readonly createdAt: Date
}
