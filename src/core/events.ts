import type { JsonObject } from './model/json.ts'
import type { Attachment, Mention, ReplyQuote } from './model/message.ts'
import type { Participant } from './model/participant.ts'
import type { RemoteAddress } from './model/remote-address.ts'

/**
 * What a connector hands to core after verifying and parsing a webhook. Plain JSON (dates as
 * ISO strings), because it is stored in the queue before the webhook is acknowledged.
 */
export interface InboundEnvelope {
  /** Idempotency: activity id, chat message id + etag, Genesys message id. */
  readonly dedupeKey: string
  /** Where it happened on the remote side; core maps it to a Conversation and its lane. */
  readonly address: RemoteAddress
  /** ISO 8601. */
  readonly occurredAt: string
  readonly event: InboundEvent
}

export interface IncomingMessage {
  readonly remoteMessageId: string
  readonly sender: Participant
  /** Markdown, already converted from the remote format by the connector. */
  readonly text: string
  readonly attachments: readonly Attachment[]
  readonly mentions: readonly Mention[]
  readonly replyTo?: ReplyQuote
  /**
   * Bot channels: the message @mentioned the bot that received it. Teams hands a bot the group
   * chat and channel messages that mention it, and all of them when it has consent to read all.
   */
  readonly botMentioned?: boolean
  /** BCP 47 locale of the sender's client, when the channel says (Bot Framework `locale`). */
  readonly locale?: string
}

export type ReceiptStatus = 'Delivered' | 'Read' | 'Failed' | 'Published' | 'Sent'

export type InboundEvent =
  | { readonly type: 'message.created'; readonly message: IncomingMessage }
  /** A notification without content (Graph basic notification): the worker fetches the resource. */
  | { readonly type: 'message.notified'; readonly resource: string; readonly changeType: string }
  | { readonly type: 'typing'; readonly participant: Participant }
  | {
      readonly type: 'receipt'
      readonly remoteMessageId: string
      readonly status: ReceiptStatus
      readonly reason?: string
      /**
       * The backend's own id of the conversation the message landed in, set only on receipts of
       * messages the bridge sent before it knew that conversation (its first message there):
       * the evidence a resend after a crash looks for (docs/architecture.md, "Resends to Genesys").
       */
      readonly conversationRef?: string
    }
  /**
   * A bot conversation changed: members added or removed, the bot installed or uninstalled.
   * `data` holds the safe, structured facts (action, member ids, conversation type), never text.
   */
  | {
      readonly type: 'conversation.changed'
      /** The remote's own name for it, e.g. `conversationUpdate`, `installationUpdate`. */
      readonly activityType: string
      readonly data: JsonObject
    }
  | {
      readonly type: 'subscription.lifecycle'
      readonly subscriptionId: string
      readonly lifecycle: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'
    }
