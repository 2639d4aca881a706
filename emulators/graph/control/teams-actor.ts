import type { GraphContext } from '../routes/context.ts'
import type { ChatMessage, ItemBody, MessageContainer } from '../state/chat-message.ts'
import type { DirectoryUser } from '../state/directory.ts'
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

export interface ApplicationSendsInput {
  chatId: string
  appId: string
  displayName: string
  html?: string
  text?: string
}

const bodyOf = (input: { html?: string; text?: string }): ItemBody =>
  input.html !== undefined
    ? { contentType: 'html', content: input.html }
    : { contentType: 'text', content: input.text ?? '' }

/** Acts as people (and bots) in Teams: what they post reaches Graph and its subscribers. */
export class TeamsActor {
  readonly #ctx: GraphContext

  constructor(ctx: GraphContext) {
    this.#ctx = ctx
  }

  userSends(input: UserSendsInput): ChatMessage {
    const chat = this.#ctx.conversations.chats.get(input.chatId)
    if (!chat) throw new Error(`unknown chat ${input.chatId}`)
    const sender = this.member(input.userId, chat.memberIds)
    const container: MessageContainer = { kind: 'chat', chatId: chat.id }
    const quoted = input.replyToMessageId
      ? this.#message(container, input.replyToMessageId)
      : undefined
    const draft = composeDraft(input, {
      ...this.#composeDeps(sender),
      ...(quoted ? { quoted } : {}),
    })
    return this.#ctx.messages.create(container, this.#asUser(sender), draft)
  }

  userSendsToChannel(input: ChannelSendsInput): ChatMessage {
    const team = this.#ctx.conversations.teams.get(input.teamId)
    if (!team?.channels.has(input.channelId)) throw new Error(`unknown channel ${input.channelId}`)
    const sender = this.member(input.userId, team.memberIds)
    const container: MessageContainer = {
      kind: 'channel',
      teamId: team.id,
      channelId: input.channelId,
    }
    if (input.replyToId) this.#message(container, input.replyToId)
    const draft = composeDraft(input, this.#composeDeps(sender))
    if (input.replyToId) draft.replyToId = input.replyToId
    return this.#ctx.messages.create(container, this.#asUser(sender), draft)
  }

  applicationSends(input: ApplicationSendsInput): ChatMessage {
    if (!this.#ctx.conversations.chats.has(input.chatId))
      throw new Error(`unknown chat ${input.chatId}`)
    return this.#ctx.messages.create(
      { kind: 'chat', chatId: input.chatId },
      { kind: 'application', appId: input.appId, displayName: input.displayName },
      { body: bodyOf(input), attachments: [], mentions: [], hostedContents: [] },
    )
  }

  userEdits(input: {
    chatId: string
    messageId: string
    html?: string
    text?: string
  }): ChatMessage {
    const container: MessageContainer = { kind: 'chat', chatId: input.chatId }
    const edited = this.#ctx.messages.edit(container, input.messageId, bodyOf(input))
    if (!edited) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`)
    return edited
  }

  userDeletes(input: { chatId: string; messageId: string }): ChatMessage {
    const container: MessageContainer = { kind: 'chat', chatId: input.chatId }
    const deleted = this.#ctx.messages.softDelete(container, input.messageId)
    if (!deleted) throw new Error(`no message ${input.messageId} in chat ${input.chatId}`)
    return deleted
  }

  user(id: string): DirectoryUser {
    const user = this.#ctx.directory.find(id)
    if (!user) throw new Error(`unknown user ${id}`)
    return user
  }

  member(userId: string, memberIds: readonly string[]): DirectoryUser {
    const user = this.user(userId)
    if (!memberIds.includes(user.id)) throw new Error(`user ${userId} is not a member`)
    return user
  }

  #asUser(user: DirectoryUser) {
    return { kind: 'user' as const, user, tenantId: this.#ctx.tenantId }
  }

  #composeDeps(sender: DirectoryUser) {
    const { directory, drive, clock } = this.#ctx
    return { sender, directory, drive, now: clock.now() }
  }

  #message(container: MessageContainer, id: string): ChatMessage {
    const message = this.#ctx.messages.get(container, id)
    if (!message) throw new Error(`no message ${id}`)
    return message
  }
}
