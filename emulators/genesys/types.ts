import type { Fault } from '../kit/faults.ts'

/** What the emulator starts with; `control.seed()` adds more later. */
export interface GenesysSeed {
  readonly orgs?: readonly SeedOrg[]
  readonly clients?: readonly SeedClient[]
  readonly integrations?: readonly SeedIntegration[]
  readonly agents?: readonly SeedAgent[]
  readonly queues?: readonly SeedQueue[]
}

export interface SeedOrg {
  readonly id: string
  readonly name?: string
}

export interface SeedClient {
  readonly clientId: string
  readonly clientSecret: string
  readonly orgId: string
  /**
   * Token lifetime. "between 5mins and 48hrs ... If this field is omitted, a default of 24 hours
   * will be applied." (OAuthClient.accessTokenValiditySeconds, https://help.mypurecloud.com/?p=188023)
   */
  readonly tokenTtlSeconds?: number
  /** Grants the client may use; a client without `client_credentials` gets `unauthorized_client`. */
  readonly grantTypes?: readonly string[]
  /** Permissions of the client's roles; default: every permission the emulator checks. */
  readonly permissions?: readonly string[]
}

export interface SeedIntegration {
  readonly id: string
  readonly orgId: string
  readonly name?: string
  readonly outboundNotificationWebhookUrl: string
  /** `outboundNotificationWebhookSignatureSecretToken`; "must be longer than 15 characters". */
  readonly webhookToken: string
  /** `webhookHeaders`: sent verbatim on every webhook POST. */
  readonly webhookHeaders?: Readonly<Record<string, string>>
  /**
   * Outbound media the supported-content profile allows. Default profile: "allows all inbound
   * file types and .jpg, .png, and .gif for outbound" (https://help.mypurecloud.com/articles/supported-content-profiles/).
   */
  readonly outboundMediaAllow?: readonly string[]
  /** Post `type: Receipt` webhooks for accepted inbound messages (default true). */
  readonly inboundReceipts?: boolean
}

export interface SeedAgent {
  readonly id: string
  readonly orgId: string
  readonly name: string
  readonly presenceDefinitionId?: string
}

export interface SeedQueue {
  readonly id: string
  readonly orgId: string
  readonly name: string
}

export interface FromRecipient {
  readonly id: string
  readonly idType: 'Email' | 'Phone' | 'Opaque'
  readonly firstName?: string
  readonly lastName?: string
  readonly nickname?: string
  readonly image?: string
  readonly email?: string
}

export interface InboundAttachment {
  readonly mediaType: 'Image' | 'Video' | 'Audio' | 'File' | 'Link'
  readonly url: string
  readonly mime: string
  readonly filename?: string
  readonly sha256?: string
  readonly id?: string
  readonly text?: string
}

/** One accepted `inbound/open/message`, in arrival order. */
export interface InboundMessageRecord {
  /** Genesys' id for the message (32 hex), as returned to the caller. */
  readonly id: string
  readonly integrationId: string
  readonly conversationId: string
  readonly from: FromRecipient
  readonly channelMessageId?: string
  readonly time: string
  readonly text?: string
  readonly content: readonly { contentType: 'Attachment'; attachment: InboundAttachment }[]
  readonly metadata?: Readonly<Record<string, string>>
  readonly customAttributes?: Readonly<Record<string, string>>
  /** True when `channel.messageId` was already seen on this integration (Genesys accepts it). */
  readonly duplicate: boolean
  /** Body fields outside the model, which Genesys drops silently (e.g. `channel.customAttributes`). */
  readonly ignoredFields: readonly string[]
  readonly receivedAt: string
}

export interface InboundEventRecord {
  readonly id: string
  readonly integrationId: string
  readonly conversationId?: string
  readonly from: FromRecipient
  readonly time: string
  readonly events: readonly { eventType: 'Typing'; typing?: { type: 'On'; duration?: number } }[]
  readonly receivedAt: string
}

export interface ReceiptReason {
  readonly code: string
  readonly message: string
}

export interface InboundReceiptRecord {
  /** The agent message id the receipt refers to. */
  readonly id: string
  readonly integrationId: string
  readonly status: 'Delivered' | 'Failed'
  readonly reasons: readonly ReceiptReason[]
  readonly isFinalReceipt?: boolean
  readonly toId: string
  readonly time: string
  /** False when `id` is no message the agent sent on this integration. */
  readonly matched: boolean
  readonly receivedAt: string
}

export interface ConversationRecord {
  readonly id: string
  readonly orgId: string
  readonly integrationId: string
  readonly customer: FromRecipient
  readonly state: 'connected' | 'disconnected'
  readonly startedAt: string
  readonly endedAt?: string
}

export interface AgentAttachmentInput {
  readonly mediaType: 'Image' | 'Video' | 'Audio' | 'File'
  readonly mime: string
  readonly filename: string
  /** Bytes the emulator serves at its own download URL (default: a few placeholder bytes). */
  readonly content?: Uint8Array | string
  /** Use this URL instead of hosting the bytes (e.g. to test a host allow-list). */
  readonly url?: string
}

export type ConversationTarget =
  { readonly conversationId: string } | { readonly integrationId: string; readonly toId: string }

export type AgentSendInput = ConversationTarget & {
  readonly text?: string
  readonly attachments?: readonly AgentAttachmentInput[]
  readonly originatingEntity?: 'Human' | 'Bot'
}

/** What `agentSends`/`agentTyping` return: the ids the bridge will see in the webhook. */
export interface AgentMessageRef {
  readonly messageId: string
  readonly conversationId: string
  readonly integrationId: string
}

export type OutboundState = 'pending' | 'delivered' | 'failed'

/** A webhook the emulator sends (agent text/attachment, typing, receipt for inbound). */
export interface OutboundMessageRecord {
  readonly messageId: string
  readonly integrationId: string
  readonly conversationId?: string
  readonly kind: 'Text' | 'Event' | 'Receipt'
  readonly body: string
  state: OutboundState
  /** Receipts the bridge posted back for this message. */
  readonly receipts: InboundReceiptRecord[]
}

export interface DeliveryAttempt {
  readonly messageId: string
  readonly integrationId: string
  readonly attempt: number
  readonly url: string
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly status?: number
  readonly error?: string
  readonly startedAt: string
  readonly durationMs: number
}

export interface PresenceChange {
  readonly userId: string
  readonly sourceId: string
  readonly presenceDefinitionId?: string
  readonly primary?: boolean
  readonly message?: string
  readonly at: string
}

export interface EmailRecord {
  readonly conversationId: string
  readonly orgId: string
  readonly request: Readonly<Record<string, unknown>>
  readonly receivedAt: string
}

/** A period during which a route answers `status` (or hangs up with `drop`). */
export interface Outage {
  readonly route: string
  readonly durationMs: number
  readonly status?: number
  readonly retryAfterSeconds?: number
  readonly drop?: boolean
}

/**
 * Misbehaviour of the outbound webhook sender, applied to the next `times` messages, or with
 * `percent` to that share (0-100) of messages until the faults are cleared.
 */
export interface OutboundFault {
  readonly kind: 'duplicate' | 'reorder'
  readonly times?: number
  readonly percent?: number
}

export interface GenesysControl {
  seed(seed: GenesysSeed): void
  updateIntegration(
    integrationId: string,
    patch: { outboundNotificationWebhookUrl?: string; webhookHeaders?: Record<string, string> },
  ): void
  /** Rotation: later webhooks are signed with the new token only. */
  rotateWebhookToken(integrationId: string, webhookToken: string): void

  agentSends(input: AgentSendInput): Promise<AgentMessageRef>
  agentTyping(input: ConversationTarget): Promise<AgentMessageRef>
  /** Ends the conversation (no webhook: Genesys sends none); the next inbound message opens a new one. */
  disconnect(input: ConversationTarget): ConversationRecord

  received(): readonly InboundMessageRecord[]
  events(): readonly InboundEventRecord[]
  receipts(): readonly InboundReceiptRecord[]
  conversations(): readonly ConversationRecord[]
  outbound(): readonly OutboundMessageRecord[]
  deliveries(): readonly DeliveryAttempt[]
  presenceChanges(): readonly PresenceChange[]
  emails(): readonly EmailRecord[]

  failNext(fault: Fault): void
  outage(outage: Outage): void
  outboundFault(fault: OutboundFault): void
  clearFaults(): void
  expireTokens(): void
  setRateLimit(options: { enabled?: boolean; perMinute?: number }): void
  advanceClock(ms: number): void
  /** Resolves when every webhook delivery (with retries) has finished. */
  idle(): Promise<void>
}
