import type {
  ConversationRecord,
  DeliveryAttempt,
  EmailRecord,
  FromRecipient,
  InboundEventRecord,
  InboundMessageRecord,
  InboundReceiptRecord,
  OutboundMessageRecord,
  PresenceChange,
  SeedAgent,
  SeedClient,
  SeedOrg,
  SeedQueue,
} from '../types.ts'
import { uuid } from './ids.ts'

export interface ClientState extends SeedClient {
  readonly tokenTtlSeconds: number
  readonly grantTypes: readonly string[]
  readonly permissions: readonly string[]
}

export interface TokenState {
  readonly token: string
  readonly clientId: string
  readonly orgId: string
  readonly permissions: readonly string[]
  expiresAtMs: number
}

export interface IntegrationState {
  readonly id: string
  readonly orgId: string
  readonly name: string
  outboundNotificationWebhookUrl: string
  webhookToken: string
  webhookHeaders: Record<string, string>
  readonly outboundMediaAllow: readonly string[]
  readonly inboundReceipts: boolean
}

export interface PresenceState {
  presenceDefinitionId: string
  primary: boolean
  message: string
  modifiedDate: string
}

export interface Download {
  readonly bytes: Buffer
  readonly mime: string
  readonly filename: string
}

type MutableConversation = { -readonly [K in keyof ConversationRecord]: ConversationRecord[K] }

/** Everything the emulator knows, in memory. Records are kept in arrival order. */
export class GenesysState {
  readonly orgs = new Map<string, SeedOrg>()
  readonly clients = new Map<string, ClientState>()
  readonly tokens = new Map<string, TokenState>()
  readonly integrations = new Map<string, IntegrationState>()
  readonly agents = new Map<string, SeedAgent>()
  readonly queues = new Map<string, SeedQueue>()
  readonly presences = new Map<string, PresenceState>()
  readonly downloads = new Map<string, Download>()

  readonly received: InboundMessageRecord[] = []
  readonly events: InboundEventRecord[] = []
  readonly receipts: InboundReceiptRecord[] = []
  readonly outbound = new Map<string, OutboundMessageRecord>()
  readonly deliveries: DeliveryAttempt[] = []
  readonly presenceChanges: PresenceChange[] = []
  readonly emails: EmailRecord[] = []

  readonly #conversations = new Map<string, MutableConversation>()
  readonly #openByCustomer = new Map<string, string>()
  readonly #channelMessageIds = new Set<string>()

  conversation(id: string): ConversationRecord | undefined {
    return this.#conversations.get(id)
  }

  conversationList(): ConversationRecord[] {
    return [...this.#conversations.values()].map((c) => ({ ...c }))
  }

  openConversation(integrationId: string, customerId: string): ConversationRecord | undefined {
    const id = this.#openByCustomer.get(`${integrationId}\n${customerId}`)
    return id === undefined ? undefined : this.#conversations.get(id)
  }

  /** Threading: the customer's open conversation on this integration, or a new one. */
  joinOrStart(
    integration: IntegrationState,
    customer: FromRecipient,
    now: Date,
  ): ConversationRecord {
    const open = this.openConversation(integration.id, customer.id)
    if (open) return open
    const conversation: MutableConversation = {
      id: uuid(),
      orgId: integration.orgId,
      integrationId: integration.id,
      customer,
      state: 'connected',
      startedAt: now.toISOString(),
    }
    this.#conversations.set(conversation.id, conversation)
    this.#openByCustomer.set(`${integration.id}\n${customer.id}`, conversation.id)
    return conversation
  }

  end(conversationId: string, now: Date): ConversationRecord | undefined {
    const conversation = this.#conversations.get(conversationId)
    if (!conversation || conversation.state === 'disconnected') return conversation
    conversation.state = 'disconnected'
    conversation.endedAt = now.toISOString()
    this.#openByCustomer.delete(`${conversation.integrationId}\n${conversation.customer.id}`)
    return conversation
  }

  /** Returns true when `channel.messageId` was seen before on this integration. */
  markChannelMessageId(integrationId: string, channelMessageId: string | undefined): boolean {
    if (channelMessageId === undefined) return false
    const key = `${integrationId}\n${channelMessageId}`
    if (this.#channelMessageIds.has(key)) return true
    this.#channelMessageIds.add(key)
    return false
  }
}
