import type { Fault, FaultInjector } from '../../kit/faults.ts'
import type { DeliveryFaults, NotificationFaults } from '../notifications/delivery-faults.ts'
import type { DeliveryAttempt } from '../notifications/delivery-log.ts'
import type { NotificationDispatcher } from '../notifications/dispatcher.ts'
import type { LifecycleEvent } from '../notifications/notification-body.ts'
import type { GraphContext } from '../routes/context.ts'
import type { ChatMessage, MessageContainer } from '../state/chat-message.ts'
import type { DirectoryUser } from '../state/directory.ts'
import type { IncomingMail, MailMessage } from '../state/mailboxes.ts'
import { subscriptionJson } from '../state/subscriptions.ts'
import type { Availability, GraphChatSeed, GraphTeamSeed, GraphUserSeed } from '../types.ts'
import { composeDraft, type ComposeInput } from './compose.ts'

export interface UserSendsInput extends ComposeInput {
  chatId: string
  userId: string
  /** Quote an earlier message of the chat (Teams "reply" in chats is a quote). */
  replyToMessageId?: string
}

export interface ChannelSendsInput extends ComposeInput {
  teamId: string
  channelId: string
  userId: string
  /** Post as a reply in the thread of this root message. */
  replyToId?: string
}

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
  readonly #dispatcher: NotificationDispatcher
  readonly #deliveryFaults: DeliveryFaults

  constructor(
    ctx: GraphContext,
    dispatcher: NotificationDispatcher,
    deliveryFaults: DeliveryFaults,
  ) {
    this.#ctx = ctx
    this.#dispatcher = dispatcher
    this.#deliveryFaults = deliveryFaults
  }

  addUsers(users: GraphUserSeed[]): void {
    for (const user of users) this.#ctx.directory.add(user)
  }

  addChat(seed: GraphChatSeed): ChatInfo {
    for (const id of seed.memberIds) this.#user(id)
    const chat = this.#ctx.conversations.addChat(seed, this.#ctx.clock.now())
    return { id: chat.id, chatType: chat.chatType, memberIds: [...chat.memberIds] }
  }

  addTeam(seed: GraphTeamSeed): TeamInfo {
    for (const id of seed.memberIds ?? []) this.#user(id)
    const team = this.#ctx.conversations.addTeam(seed, this.#ctx.clock.now())
    const channels = [...team.channels.values()].map((c) => ({
      id: c.id,
      displayName: c.displayName,
    }))
    return { id: team.id, displayName: team.displayName, channels }
  }

  /** A Teams user posts in a chat; subscribers are notified. Returns the chatMessage. */
  userSends(input: UserSendsInput): ChatMessage {
    const chat = this.#ctx.conversations.chats.get(input.chatId)
    if (!chat) throw new Error(`unknown chat ${input.chatId}`)
    const sender = this.#member(input.userId, chat.memberIds)
    const container: MessageContainer = { kind: 'chat', chatId: chat.id }
    const quoted = input.replyToMessageId
      ? this.#message(container, input.replyToMessageId)
      : undefined
    const draft = composeDraft(input, {
      ...this.#composeDeps(sender),
      ...(quoted ? { quoted } : {}),
    })
    return this.#ctx.messages.create(
      container,
      { kind: 'user', user: sender, tenantId: this.#ctx.tenantId },
      draft,
    )
  }

  userSendsToChannel(input: ChannelSendsInput): ChatMessage {
    const team = this.#ctx.conversations.teams.get(input.teamId)
    if (!team?.channels.has(input.channelId)) throw new Error(`unknown channel ${input.channelId}`)
    const sender = this.#member(input.userId, team.memberIds)
    const container: MessageContainer = {
      kind: 'channel',
      teamId: team.id,
      channelId: input.channelId,
    }
    if (input.replyToId) this.#message(container, input.replyToId)
    const draft = composeDraft(input, this.#composeDeps(sender))
    if (input.replyToId) draft.replyToId = input.replyToId
    return this.#ctx.messages.create(
      container,
      { kind: 'user', user: sender, tenantId: this.#ctx.tenantId },
      draft,
    )
  }

  /** A bot's message as Graph shows it (`from.application`), e.g. one sent via Bot Framework. */
  applicationSends(input: {
    chatId: string
    appId: string
    displayName: string
    html?: string
    text?: string
  }): ChatMessage {
    if (!this.#ctx.conversations.chats.has(input.chatId))
      throw new Error(`unknown chat ${input.chatId}`)
    const body =
      input.html !== undefined
        ? { contentType: 'html' as const, content: input.html }
        : { contentType: 'text' as const, content: input.text ?? '' }
    return this.#ctx.messages.create(
      { kind: 'chat', chatId: input.chatId },
      { kind: 'application', appId: input.appId, displayName: input.displayName },
      { body, attachments: [], mentions: [], hostedContents: [] },
    )
  }

  userEdits(input: {
    chatId: string
    messageId: string
    html?: string
    text?: string
  }): ChatMessage {
    const body =
      input.html !== undefined
        ? { contentType: 'html' as const, content: input.html }
        : { contentType: 'text' as const, content: input.text ?? '' }
    const edited = this.#ctx.messages.edit(
      { kind: 'chat', chatId: input.chatId },
      input.messageId,
      body,
    )
    if (!edited) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`)
    return edited
  }

  userDeletes(input: { chatId: string; messageId: string }): ChatMessage {
    const deleted = this.#ctx.messages.softDelete(
      { kind: 'chat', chatId: input.chatId },
      input.messageId,
    )
    if (!deleted) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`)
    return deleted
  }

  /** Every message of the chat in creation order, including those the service posted. */
  messages(chatId: string): ChatMessage[] {
    return this.#ctx.messages.list({ kind: 'chat', chatId })
  }

  channelMessages(teamId: string, channelId: string): ChatMessage[] {
    return this.#ctx.messages.list({ kind: 'channel', teamId, channelId })
  }

  deliverMail(mail: IncomingMail): MailMessage {
    const user = this.#user(mail.toUserId)
    return this.#ctx.mailboxes.deliver(mail, { name: user.displayName, address: user.mail })
  }

  mailbox(userId: string): MailMessage[] {
    return this.#ctx.mailboxes.list(this.#user(userId).id)
  }

  /** The user sets their own presence in Teams (beats any app session). */
  setPresence(userId: string, availability: Availability, activity: string = availability): void {
    this.#ctx.presence.setByUser(this.#user(userId).id, availability, activity)
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
    await this.#dispatcher.idle()
    await this.#ctx.queue.idle()
  }

  #composeDeps(sender: DirectoryUser) {
    return {
      sender,
      directory: this.#ctx.directory,
      drive: this.#ctx.drive,
      now: this.#ctx.clock.now(),
    }
  }

  #user(id: string): DirectoryUser {
    const user = this.#ctx.directory.find(id)
    if (!user) throw new Error(`unknown user ${id}`)
    return user
  }

  #member(userId: string, memberIds: readonly string[]): DirectoryUser {
    const user = this.#user(userId)
    if (!memberIds.includes(user.id)) throw new Error(`user ${userId} is not a member`)
    return user
  }

  #message(container: MessageContainer, id: string): ChatMessage {
    const message = this.#ctx.messages.get(container, id)
    if (!message) throw new Error(`no message ${id}`)
    return message
  }
}
