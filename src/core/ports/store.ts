import type { Account, AccountId, ApiKey, ApiKeyId } from '../model/account.ts'
import type {
  Contact,
  IntegrationEvent,
  NewContact,
  NewIntegrationEvent,
} from '../model/contact.ts'
import type { Conversation } from '../model/conversation.ts'
import type { ConversationId, IntegrationId, MessageId } from '../model/ids.ts'
import type {
  ConnectorKind,
  Integration,
  IntegrationMeta,
  Route,
  RoutePolicy,
  SetupState,
} from '../model/integration.ts'
import type { JsonObject, JsonValue } from '../model/json.ts'
import type { DeliveryState, Message } from '../model/message.ts'
import type { Page, PageQuery } from '../model/page.ts'

export interface NewIntegration {
  readonly id?: IntegrationId
  readonly kind: ConnectorKind
  readonly name: string
  readonly settings: JsonObject
  readonly enabled?: boolean
  readonly accountId?: AccountId
  readonly description?: string
  readonly meta?: IntegrationMeta
}

export interface IntegrationPatch {
  readonly name?: string
  readonly settings?: JsonObject
  readonly enabled?: boolean
  /** `null` clears it. */
  readonly description?: string | null
  /** Replaces the whole map (merging is the caller's business). */
  readonly meta?: IntegrationMeta
  readonly setup?: SetupState
  /** Hands the integration to an account (`null`: back to the operator). */
  readonly accountId?: AccountId | null
}

/** Deleted integrations (`markDeleted`) are invisible to every read and update. */
export interface IntegrationRepository {
  create(input: NewIntegration): Promise<Integration>
  get(id: IntegrationId): Promise<Integration | undefined>
  list(): Promise<Integration[]>
  /** One account's integrations, filtered by exact meta values (every pair must match). */
  page(
    accountId: AccountId,
    query: PageQuery & { readonly meta?: IntegrationMeta },
  ): Promise<Page<Integration>>
  update(id: IntegrationId, patch: IntegrationPatch): Promise<Integration>
  /** Removes the row; a conflict while routes, conversations or contacts refer to it. */
  delete(id: IntegrationId): Promise<void>
  /** Hides the integration for good but keeps the row, so its history stays readable. */
  markDeleted(id: IntegrationId): Promise<void>
}

export interface AccountRepository {
  create(input: { readonly id?: AccountId; readonly name: string }): Promise<Account>
  get(id: AccountId): Promise<Account | undefined>
  list(): Promise<Account[]>
}

export interface ApiKeyRepository {
  create(key: Omit<ApiKey, 'createdAt' | 'lastUsedAt' | 'revokedAt'>): Promise<ApiKey>
  get(id: ApiKeyId): Promise<ApiKey | undefined>
  /** Oldest first, revoked ones included. */
  listByAccount(accountId: AccountId): Promise<ApiKey[]>
  /** Revoking twice keeps the first time. */
  revoke(id: ApiKeyId, at: Date): Promise<void>
  markUsed(id: ApiKeyId, at: Date): Promise<void>
}

export interface ContactRepository {
  /**
   * Records a contact by integration, tenant and object id: inserted once, then its name, UPN,
   * e-mail (when given) and last-seen time are refreshed.
   */
  upsert(contact: NewContact): Promise<Contact>
  page(integrationId: IntegrationId, query: PageQuery): Promise<Page<Contact>>
}

export interface IntegrationEventRepository {
  /** Appends unless an event with the same integration and dedupe key exists. */
  append(
    event: NewIntegrationEvent,
  ): Promise<{ readonly inserted: boolean; readonly event: IntegrationEvent }>
  page(integrationId: IntegrationId, query: PageQuery): Promise<Page<IntegrationEvent>>
  /** Deletes up to `limit` events recorded before `cutoff`; returns how many. */
  purgeBefore(cutoff: Date, limit: number): Promise<number>
}

export interface RouteRepository {
  create(input: Omit<Route, 'id'> & { id?: string }): Promise<Route>
  get(id: string): Promise<Route | undefined>
  list(): Promise<Route[]>
  byChannelIntegration(id: IntegrationId): Promise<Route[]>
  byBackendIntegration(id: IntegrationId): Promise<Route[]>
  updatePolicy(id: string, policy: RoutePolicy): Promise<Route>
}

export interface ConversationRepository {
  create(input: Omit<Conversation, 'id'> & { id?: ConversationId }): Promise<Conversation>
  get(id: ConversationId): Promise<Conversation | undefined>
  /** The newest conversation on this route for a channel address key (open or not). */
  latestByChannelKey(routeId: string, channelKey: string): Promise<Conversation | undefined>
  /** The newest conversation for a backend address key on a backend integration. */
  latestByBackendKey(
    backendIntegrationId: IntegrationId,
    backendKey: string,
  ): Promise<Conversation | undefined>
  touch(id: ConversationId, at: Date): Promise<void>
  close(id: ConversationId, at: Date): Promise<void>
  count(): Promise<number>
  /**
   * Deletes up to `limit` conversations idle since `cutoff` (no activity and no close at or
   * after it) that have no messages left (`messages.purgeOfIdleConversations` first); returns
   * how many.
   */
  purgeIdleBefore(cutoff: Date, limit: number): Promise<number>
}

export interface MessageRepository {
  /** Inserts unless a message with the same idempotency key exists; returns the stored one. */
  insertIfAbsent(
    message: Message,
  ): Promise<{ readonly inserted: boolean; readonly message: Message }>
  get(id: MessageId): Promise<Message | undefined>
  byIdempotencyKey(key: string): Promise<Message | undefined>
  /** Finds a message by the id it got on the side it was delivered to (receipts). */
  byDeliveredId(
    conversationId: ConversationId,
    deliveredMessageId: string,
  ): Promise<Message | undefined>
  /** Finds a message by the id it had on the side it came from (quoted replies). */
  bySourceId(conversationId: ConversationId, sourceMessageId: string): Promise<Message | undefined>
  listByConversation(id: ConversationId): Promise<Message[]>
  setState(
    id: MessageId,
    state: DeliveryState,
    fields?: { readonly deliveredMessageId?: string; readonly error?: string },
  ): Promise<void>
  /** Deletes up to `limit` messages of conversations idle since `cutoff`; returns how many. */
  purgeOfIdleConversations(cutoff: Date, limit: number): Promise<number>
}

export interface Subscription {
  /** The remote subscription id. */
  readonly id: string
  readonly integrationId: IntegrationId
  readonly resource: string
  readonly expiresAt: Date
  readonly createdAt: Date
  readonly updatedAt: Date
}

export interface SubscriptionRepository {
  upsert(sub: Omit<Subscription, 'createdAt' | 'updatedAt'>): Promise<Subscription>
  get(id: string): Promise<Subscription | undefined>
  byResource(integrationId: IntegrationId, resource: string): Promise<Subscription | undefined>
  list(integrationId?: IntegrationId): Promise<Subscription[]>
  /** Subscriptions expiring before `before`, soonest first. */
  expiringBefore(before: Date): Promise<Subscription[]>
  delete(id: string): Promise<void>
}

/**
 * Small durable state by namespace and key: catch-up cursors (last message seen per chat),
 * Bot Framework conversation references, encrypted secrets.
 */
export interface StateRepository {
  get<T extends JsonValue = JsonValue>(namespace: string, key: string): Promise<T | undefined>
  put(namespace: string, key: string, value: JsonValue): Promise<void>
  delete(namespace: string, key: string): Promise<void>
  list<T extends JsonValue = JsonValue>(
    namespace: string,
  ): Promise<Array<{ key: string; value: T }>>
  /** Deletes up to `limit` entries of `namespace` last written before `cutoff`; returns how many. */
  purgeBefore(namespace: string, cutoff: Date, limit: number): Promise<number>
}

export interface Store {
  readonly accounts: AccountRepository
  readonly apiKeys: ApiKeyRepository
  readonly integrations: IntegrationRepository
  readonly contacts: ContactRepository
  readonly integrationEvents: IntegrationEventRepository
  readonly routes: RouteRepository
  readonly conversations: ConversationRepository
  readonly messages: MessageRepository
  readonly subscriptions: SubscriptionRepository
  readonly state: StateRepository
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
