import type { Conversation } from '../model/conversation.ts'
import type { ConversationId, IntegrationId, MessageId } from '../model/ids.ts'
import type { ConnectorKind, Integration, Route, RoutePolicy } from '../model/integration.ts'
import type { JsonObject, JsonValue } from '../model/json.ts'
import type { DeliveryState, Message } from '../model/message.ts'

export interface NewIntegration {
  readonly id?: IntegrationId
  readonly kind: ConnectorKind
  readonly name: string
  readonly settings: JsonObject
  readonly enabled?: boolean
}

export interface IntegrationRepository {
  create(input: NewIntegration): Promise<Integration>
  get(id: IntegrationId): Promise<Integration | undefined>
  list(): Promise<Integration[]>
  update(
    id: IntegrationId,
    patch: Partial<Pick<Integration, 'name' | 'settings' | 'enabled'>>,
  ): Promise<Integration>
  delete(id: IntegrationId): Promise<void>
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
}

export interface Store {
  readonly integrations: IntegrationRepository
  readonly routes: RouteRepository
  readonly conversations: ConversationRepository
  readonly messages: MessageRepository
  readonly subscriptions: SubscriptionRepository
  readonly state: StateRepository
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>
  close(): Promise<void>
}
