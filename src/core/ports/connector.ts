import type { InboundEnvelope, IncomingMessage, ReceiptStatus } from '../events.ts'
import type { Integration } from '../model/integration.ts'
import type { MessageContent } from '../model/message.ts'
import type { BackendIdentity, Participant } from '../model/participant.ts'
import type { RemoteAddress } from '../model/remote-address.ts'
import type { Logger } from './logger.ts'

/** The bytes and headers of one webhook call, as the HTTP edge received them. */
export interface RawRequest {
  readonly method: string
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly query: Readonly<Record<string, string | undefined>>
  readonly rawBody: Buffer
  /** The public URL the request was addressed to (for signatures that cover it). */
  readonly url: string
}

export interface RawResponse {
  readonly status: number
  readonly contentType?: string
  readonly body?: string
}

/**
 * One inbound HTTP surface of a connector, mounted at
 * `POST /webhooks/{connector kind}/{integrationId}{path}`. Verify and parse only: no remote
 * calls, no business rules (Graph and Genesys drop slow endpoints).
 */
export interface WebhookRoute {
  readonly name: string
  readonly path: string
  /** Answered before authentication, e.g. Graph's `validationToken` echo. */
  handshake?(req: RawRequest): RawResponse | undefined
  /** Authenticates the caller over the raw bytes. Throws AuthenticationError. */
  verify(req: RawRequest, integration: Integration): Promise<void>
  /** Wire body → envelopes. Throws InvalidInputError. Must not call remotes. */
  parse(req: RawRequest, integration: Integration): Promise<InboundEnvelope[]>
  /** Status answered after the durable write (default 202). */
  readonly ackStatus?: number
}

export interface SendContext {
  /** Same key on every retry, so a retried send is applied once where the remote dedupes. */
  readonly idempotencyKey: string
  readonly signal?: AbortSignal
  readonly log: Logger
  /**
   * An earlier attempt may have reached the remote without its answer being recorded (a crash
   * or a timeout mid-send). Where the remote does not deduplicate, check its state before
   * sending again.
   */
  readonly resend?: boolean
}

export interface Sent {
  readonly remoteMessageId: string
}

export interface OutgoingMessage {
  readonly content: MessageContent
  readonly sender: Participant
  /** ISO 8601. */
  readonly occurredAt: string
}

/** Static facts that let flows degrade without vendor checks. */
export interface Capabilities {
  readonly text: { readonly format: 'markdown' | 'html' | 'plain'; readonly maxLength: number }
  readonly attachments: false | { readonly maxBytes: number }
  readonly typing: boolean
  readonly receipts: boolean
}

interface IntegrationClient {
  readonly capabilities: Capabilities
  /** Sends one normalized message; throws a classified BridgeError. */
  send(to: RemoteAddress, message: OutgoingMessage, ctx: SendContext): Promise<Sent>
  sendTyping?(to: RemoteAddress, ctx: SendContext): Promise<void>
}

/** The Microsoft side: where customers and partners write. */
export interface ChannelClient extends IntegrationClient {
  /** True when the sender is this bridge (its bot or service account): the loop guard. */
  isOwnEcho(sender: Participant): boolean
  /** Fetches a message a basic notification pointed to; undefined when it no longer exists. */
  fetchMessage?(
    address: RemoteAddress,
    resource: string,
    ctx: SendContext,
  ): Promise<IncomingMessage | undefined>
  /** Downloads an attachment from an allowed host with the integration's credentials. */
  download?(
    url: string,
    ctx: SendContext & { maxBytes: number },
  ): Promise<{ data: Uint8Array; mediaType: string }>
  /** Completes a sender from the remote directory (UPN, mail) for identity mapping. */
  resolveParticipant?(participant: Participant, ctx: SendContext): Promise<Participant>
}

/** The contact-center side: where agents answer. */
export interface BackendClient extends IntegrationClient {
  /** How the customer appears to the backend. */
  identify(participant: Participant, channel: RemoteAddress): BackendIdentity
  /** Builds the backend address for a customer identity. */
  addressFor(identity: BackendIdentity): RemoteAddress
  sendReceipt?(
    to: RemoteAddress,
    remoteMessageId: string,
    status: ReceiptStatus,
    reason: string | undefined,
    ctx: SendContext,
  ): Promise<void>
  download?(
    url: string,
    ctx: SendContext & { maxBytes: number },
  ): Promise<{ data: Uint8Array; mediaType: string }>
  /**
   * Records the backend conversation a receipt named for a customer (`conversationRef` of a
   * receipt event), so a resend of a message cut by a crash can look for it there.
   */
  rememberConversation?(to: RemoteAddress, conversationRef: string, ctx: SendContext): Promise<void>
}

/** Optional capability of channel clients whose remote pushes through expiring subscriptions. */
export interface SubscriptionKeeping {
  /** Creates missing subscriptions and renews those about to expire. */
  keepSubscriptions(now: Date, ctx: SendContext): Promise<void>
  /** Reacts to a lifecycle event; returns the addresses whose history must be caught up. */
  onLifecycle(
    subscriptionId: string,
    lifecycle: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed',
    ctx: SendContext,
  ): Promise<RemoteAddress[]>
  /** Every address the integration watches (catch-up after downtime). */
  watchedAddresses(): Promise<RemoteAddress[]>
}

/** Optional capability: replay what was missed after a gap, oldest first, without doubles. */
export interface Resyncing {
  catchUp(address: RemoteAddress, ctx: SendContext): Promise<InboundEnvelope[]>
  /** Called after the caller durably stored what catchUp returned. */
  commitCatchUp(address: RemoteAddress, envelopes: readonly InboundEnvelope[]): Promise<void>
}

export const canKeepSubscriptions = <T extends object>(c: T): c is T & SubscriptionKeeping =>
  'keepSubscriptions' in c
export const canResync = <T extends object>(c: T): c is T & Resyncing => 'catchUp' in c

/**
 * One connector: its webhooks and a factory for per-integration clients. `open` must not do
 * network I/O, so a bad credential on one integration cannot stop the process from starting.
 */
export interface ConnectorDefinition<Deps = unknown> {
  readonly kind: Integration['kind']
  readonly side: 'channel' | 'backend'
  readonly displayName: string
  /** Validates an integration's settings; throws with the path of the bad field. */
  parseSettings(input: unknown): unknown
  webhooks(deps: Deps): readonly WebhookRoute[]
  open(integration: Integration, deps: Deps): ChannelClient | BackendClient
}
