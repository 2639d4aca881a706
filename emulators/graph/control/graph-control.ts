import type { Fault, FaultInjector } from '../../kit/faults.ts'
import type { DeliveryFaults, NotificationFaults } from '../notifications/delivery-faults.ts'
import type { DeliveryAttempt } from '../notifications/delivery-log.ts'
import type { LifecycleEvent } from '../notifications/notification-body.ts'
import type { GraphContext } from '../routes/context.ts'
import type { ChatMessage } from '../state/chat-message.ts'
import type { IncomingMail, MailMessage } from '../state/mailboxes.ts'
import { subscriptionJson } from '../state/subscriptions.ts'
import type { Availability, GraphChatSeed, GraphTeamSeed, GraphUserSeed } from '../types.ts'
import {
  type ApplicationSendsInput,
  type ChannelSendsInput,
  TeamsActor,
  type UserSendsInput,
} from './teams-actor.ts'

export interface ChatInfo {
  id: string
  chatType: string
  memberIds: string[]
}

export interface TeamInfo {
  id: string
  displayName: string
  channels: Array<{ id: string; displayName: string }>
}

/**
 * In-process control of the Graph emulator: act as Teams users, read what the service posted,
 * drive subscriptions and time, inject faults. `/_emulator/*` serves the same verbs over HTTP.
 */
export class GraphControl {
  readonly #ctx: GraphContext
  readonly #deliveryFaults: DeliveryFaults
  readonly #actor: TeamsActor

  constructor(ctx: GraphContext, deliveryFaults: DeliveryFaults) {
    this.#ctx = ctx
    this.#deliveryFaults = deliveryFaults
    this.#actor = new TeamsActor(ctx)
  }

  addUsers(users: GraphUserSeed[]): void {
    for (const user of users) this.#ctx.directory.add(user)
  }

  addChat(seed: GraphChatSeed): ChatInfo {
    for (const id of seed.memberIds) this.#actor.user(id)
    const chat = this.#ctx.conversations.addChat(seed, this.#ctx.clock.now())
    return { id: chat.id, chatType: chat.chatType, memberIds: [...chat.memberIds] }
  }

  addTeam(seed: GraphTeamSeed): TeamInfo {
    for (const id of seed.memberIds ?? []) this.#actor.user(id)
    const team = this.#ctx.conversations.addTeam(seed, this.#ctx.clock.now())
    const channels = [...team.channels.values()].map((c) => ({
      id: c.id,
      displayName: c.displayName,
    }))
    return { id: team.id, displayName: team.displayName, channels }
  }

  /** A Teams user posts in a chat; subscribers are notified. Returns the chatMessage. */
  userSends(input: UserSendsInput): ChatMessage {
    return this.#actor.userSends(input)
  }

  userSendsToChannel(input: ChannelSendsInput): ChatMessage {
    return this.#actor.userSendsToChannel(input)
  }

  /** A bot's message as Graph shows it (`from.application`), e.g. one sent via Bot Framework. */
  applicationSends(input: ApplicationSendsInput): ChatMessage {
    return this.#actor.applicationSends(input)
  }

  userEdits(input: {
    chatId: string
    messageId: string
    html?: string
    text?: string
  }): ChatMessage {
    return this.#actor.userEdits(input)
  }

  userDeletes(input: { chatId: string; messageId: string }): ChatMessage {
    return this.#actor.userDeletes(input)
  }

  /** Every message of the chat in creation order, including those the service posted. */
  messages(chatId: string): ChatMessage[] {
    return this.#ctx.messages.list({ kind: 'chat', chatId })
  }

  channelMessages(teamId: string, channelId: string): ChatMessage[] {
    return this.#ctx.messages.list({ kind: 'channel', teamId, channelId })
  }

  deliverMail(mail: IncomingMail): MailMessage {
    const user = this.#actor.user(mail.toUserId)
    return this.#ctx.mailboxes.deliver(mail, { name: user.displayName, address: user.mail })
  }

  mailbox(userId: string): MailMessage[] {
    return this.#ctx.mailboxes.list(this.#actor.user(userId).id)
  }

  /** The user sets their own presence in Teams (beats any app session). */
  setPresence(userId: string, availability: Availability, activity: string = availability): void {
    this.#ctx.presence.setByUser(this.#actor.user(userId).id, availability, activity)
  }

  subscriptions(): Array<Record<string, unknown>> {
    return this.#ctx.subscriptions.list().map((s) => subscriptionJson(s, this.#ctx.baseUrl()))
  }

  fireLifecycle(subscriptionId: string, event: LifecycleEvent): void {
    this.#ctx.lifecycle.fire(subscriptionId, event)
  }

  expireSubscription(subscriptionId: string): void {
    this.#ctx.lifecycle.expireNow(subscriptionId)
  }

  /** The route fault injector (route names in emulators/README.md), as on the other emulators. */
  get faults(): FaultInjector {
    return this.#ctx.faults
  }

  /** Answer the next matching Graph requests with a status, latency or a hang-up. */
  addFault(fault: Fault): void {
    this.#ctx.faults.add(fault)
  }

  clearFaults(): void {
    this.#ctx.faults.clear()
    this.#ctx.throttler.setFault(undefined)
    this.#deliveryFaults.faults = {}
  }

  setNotificationFaults(faults: NotificationFaults): void {
    this.#deliveryFaults.faults = { ...faults }
    if (!faults.reorderWindow) this.#ctx.queue.flushHeld()
  }

  /** Answer `percent` % of calls (optionally one route) with 429 + Retry-After for `durationMs`. */
  throttle(input: {
    percent: number
    retryAfterSeconds: number
    durationMs: number
    route?: string
  }): void {
    this.#ctx.throttler.setFault({
      percent: input.percent,
      retryAfterSeconds: input.retryAfterSeconds,
      untilMs: this.#ctx.clock.nowMs() + input.durationMs,
      ...(input.route ? { route: input.route } : {}),
    })
  }

  /** The next `count` delivery attempts fail without reaching the subscriber (then retry). */
  failDeliveries(count: number): void {
    this.#deliveryFaults.failNext(count)
  }

  deliveries(): DeliveryAttempt[] {
    return this.#ctx.log.list()
  }

  /** Moves the emulator clock; expiries, lifecycle events and due retries run before it resolves. */
  async advance(ms: number): Promise<void> {
    this.#ctx.clock.advance(ms)
    this.#ctx.lifecycle.tick()
    this.#ctx.queue.pump()
    await this.idle()
  }

  /** Resolves when every notification caused so far has been attempted (future retries aside). */
  async idle(): Promise<void> {
    await this.#ctx.queue.idle()
  }
}
