import { EmulatorClock } from '../kit/clock.ts'
import { FaultInjector } from '../kit/faults.ts'
import { createEmulatorApp, listen } from '../kit/server.ts'
import { registerControlRoutes } from './control/control-routes.ts'
import { GraphControl } from './control/graph-control.ts'
import { DeliveryFaults, seededRandom } from './notifications/delivery-faults.ts'
import { DeliveryLog } from './notifications/delivery-log.ts'
import {
  DEFAULT_DELIVERY,
  type DeliveryOptions,
  DeliveryQueue,
} from './notifications/delivery-queue.ts'
import { METERED_EVALUATION_QUOTA, NotificationDispatcher } from './notifications/dispatcher.ts'
import { LifecycleManager } from './notifications/lifecycle.ts'
import { SlowEndpointMonitor } from './notifications/slow-endpoints.ts'
import { validationTokens } from './notifications/validation-tokens.ts'
import { registerGraphRoutes } from './routes/register.ts'
import { ChangeFeed } from './state/changes.ts'
import { Conversations } from './state/conversations.ts'
import { Directory } from './state/directory.ts'
import { Drive } from './state/drive.ts'
import { MessageIdSource } from './state/ids.ts'
import { Mailboxes } from './state/mailboxes.ts'
import { MessageStore } from './state/message-store.ts'
import { PresenceBook } from './state/presence.ts'
import { SubscriptionStore } from './state/subscriptions.ts'
import { type Limit, type ThrottleClass, Throttler } from './throttling.ts'
import type { GraphChatSeed, GraphIdentity, GraphTeamSeed, GraphUserSeed } from './types.ts'

export type { ChatInfo, TeamInfo } from './control/graph-control.ts'
export { GraphControl } from './control/graph-control.ts'
export type {
  ApplicationSendsInput,
  ChannelSendsInput,
  UserSendsInput,
} from './control/teams-actor.ts'
export type { NotificationFaults } from './notifications/delivery-faults.ts'
export type { DeliveryAttempt } from './notifications/delivery-log.ts'
export type { LifecycleEvent } from './notifications/notification-body.ts'
export { GRAPH_CHANGE_TRACKING_APP_ID } from './notifications/validation-tokens.ts'
export type { ChatMessage } from './state/chat-message.ts'
export type { MailMessage } from './state/mailboxes.ts'
export type * from './types.ts'

export interface GraphEmulatorOptions {
  port?: number
  clock?: EmulatorClock
  /** Verifies bearer tokens (audience https://graph.microsoft.com) and signs validationTokens. */
  identity: GraphIdentity
  /** The one tenant this Graph serves; tokens of other tenants get 401. */
  tenantId: string
  users?: GraphUserSeed[]
  chats?: GraphChatSeed[]
  teams?: GraphTeamSeed[]
  /** Tenant name in SharePoint URLs of shared files (`{host}-my.sharepoint.com`). Default `contoso`. */
  sharePointHost?: string
  throttling?: { enabled?: boolean; limits?: Partial<Record<ThrottleClass, Limit>> }
  delivery?: Partial<DeliveryOptions>
  /** How long before expiry reauthorizationRequired is sent. Default 15 minutes. */
  reauthorizationLeadMs?: number
  /** Notifications per app per month for metered resources without `model=`. Default 500. */
  meteredEvaluationQuota?: number
  /** Seed for percentage faults (duplicate/drop/throttle), for replayable tests. */
  seed?: number
}

export interface GraphEmulator {
  /** Base URL including `/v1.0`, e.g. `http://127.0.0.1:51234/v1.0`. */
  readonly url: string
  /** Scheme, host and port; control routes live at `{origin}/_emulator/*`. */
  readonly origin: string
  readonly control: GraphControl
  close(): Promise<void>
}

export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const clock = options.clock ?? new EmulatorClock()
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed)
  let origin = ''
  const baseUrl = () => `${origin}/v1.0`
  const changes = new ChangeFeed()
  const subscriptions = new SubscriptionStore()
  const conversations = new Conversations()
  const log = new DeliveryLog()
  const deliveryFaults = new DeliveryFaults(random)
  const queue = new DeliveryQueue({
    clock,
    log,
    monitor: new SlowEndpointMonitor(clock),
    faults: deliveryFaults,
    options: { ...DEFAULT_DELIVERY, ...options.delivery },
    validationTokens: (pairs) => validationTokens(options.identity, pairs, clock.nowSeconds()),
  })
  const ctx = {
    clock,
    identity: options.identity,
    tenantId: options.tenantId,
    baseUrl,
    origin: () => origin,
    directory: new Directory(),
    conversations,
    messages: new MessageStore({ clock, ids: new MessageIdSource(clock), changes, baseUrl }),
    drive: new Drive(options.sharePointHost ?? 'contoso'),
    mailboxes: new Mailboxes(clock, changes),
    presence: new PresenceBook(clock, changes),
    subscriptions,
    changes,
    queue,
    log,
    lifecycle: new LifecycleManager({
      clock,
      subscriptions,
      queue,
      reauthorizationLeadMs: options.reauthorizationLeadMs ?? 15 * 60_000,
    }),
    throttler: new Throttler({ clock, random, ...options.throttling }),
    faults: new FaultInjector(),
    plainHttpHosts: new Set(['127.0.0.1', 'localhost', '[::1]']),
  }
  // A chat's lastUpdatedDateTime follows its newest message.
  changes.listen((change) => {
    if (change.resource !== 'chatMessage' || change.container.kind !== 'chat') return
    const chat = conversations.chats.get(change.container.chatId)
    if (chat) chat.lastUpdatedDateTime = change.message.lastModifiedDateTime
  })
  // Listens to the change feed from here on.
  new NotificationDispatcher(changes, {
    clock,
    subscriptions,
    conversations,
    queue,
    log,
    meteredQuota: options.meteredEvaluationQuota ?? METERED_EVALUATION_QUOTA,
  })
  const control = new GraphControl(ctx, deliveryFaults)
  control.addUsers(options.users ?? [])
  for (const chat of options.chats ?? []) control.addChat(chat)
  for (const team of options.teams ?? []) control.addTeam(team)

  const app = createEmulatorApp()
  registerControlRoutes(app, control)
  registerGraphRoutes(app, ctx)
  const listening = await listen(app, options.port ?? 0)
  origin = listening.url
  return {
    url: baseUrl(),
    origin,
    control,
    close: async () => {
      ctx.lifecycle.close()
      queue.close()
      await listening.close()
    },
  }
}
