import type { BotFrameworkContext } from './context.ts'
import { botAccountId } from './ids.ts'
import { type Conversation, type ConversationType, scopeOf, type TeamsUser } from './state.ts'
import { type Mention, messageFields, teamsActivity } from './user-activities.ts'
import type { ChannelDelivery, DeliveryResult } from './user-actor.ts'
import type { UserFileInput } from './user-files.ts'

export interface UserSendsInput {
  /** Existing conversation; for `personal` it defaults to the bot↔user 1:1 chat. */
  conversationId?: string
  user: TeamsUser
  text: string
  attachments?: unknown[]
  replyToId?: string
  /**
   * Accounts mentioned besides those `<at>Name</at>` in the text resolves on its own (the bot and
   * the conversation's members); each needs its `<at>Name</at>` in the text.
   */
  mentions?: Mention[]
  /** Prefixes `<at>{bot name}</at> `: how a user addresses the bot in a group chat or channel. */
  mentionBot?: boolean
  /** Files the user attaches (1:1 chats only: elsewhere Teams does not hand them to the bot). */
  files?: UserFileInput[]
  /** Default `personal`. `channel` needs `channelId` (a channel added with `addChannel`). */
  conversationType?: ConversationType
  channelId?: string
  /** Which bot receives it; defaults to the only registered bot. */
  botAppId?: string
}

export interface UserEventInput {
  conversationId?: string
  user: TeamsUser
  botAppId?: string
}

export function defaultBot(ctx: BotFrameworkContext, botAppId: string | undefined): string {
  if (botAppId) {
    if (!ctx.bots.has(botAppId)) throw new Error(`unknown bot ${botAppId}`)
    return botAppId
  }
  if (ctx.bots.size !== 1) throw new Error('several bots are registered: pass botAppId')
  return [...ctx.bots.keys()][0]!
}

function resolveConversation(
  ctx: BotFrameworkContext,
  appId: string,
  user: TeamsUser,
  input: { conversationId?: string; conversationType?: ConversationType; channelId?: string },
  newMessageId: string,
): Conversation {
  const existing = ctx.state.conversations.get(input.conversationId ?? '')
  if (existing) {
    const removed = ctx.state.uninstalled.has(`${appId}|${scopeOf(existing)}`)
    if (!existing.bots.has(appId) && !removed)
      throw new Error(`bot ${appId} is not in ${existing.id}`)
    if (existing.type !== 'channel') existing.members.set(user.id, user)
    return existing
  }
  const type = input.conversationType ?? 'personal'
  if (type === 'channel') {
    const channel = ctx.state.channels.get(input.channelId ?? '')
    if (!channel)
      throw new Error(`unknown channel ${input.channelId ?? '(none)'}: addChannel first`)
    // A new channel post starts a thread whose conversation id names the post itself.
    const id = input.conversationId ?? `${channel.id};messageid=${newMessageId}`
    return ctx.state.channelConversation(appId, channel, id)
  }
  if (type === 'groupChat')
    return ctx.state.groupChat(appId, [user], user.tenantId, input.conversationId)
  return ctx.state.personal(appId, user, input.conversationId)
}

/** The bot, the (registered) user and the conversation an actor verb acts in. */
export function actorScene(
  ctx: BotFrameworkContext,
  input: UserSendsInput | UserEventInput,
  id = '',
) {
  const appId = defaultBot(ctx, input.botAppId)
  const user = ctx.state.addUser(input.user)
  const conversation = resolveConversation(ctx, appId, user, input, id)
  return { appId, user, conversation }
}

/**
 * The Teams user writes to the bot: builds the message activity and posts it to the bot. In
 * group chats and channels "Bots in a group or channel only receive messages when they're
 * mentioned" (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations),
 * unless `control.receiveAllMessages` granted resource-specific consent; a bot removed from the
 * team or chat receives nothing. Either way the message is stored and returned with status 0.
 */
export async function userSends(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: UserSendsInput,
): Promise<DeliveryResult> {
  const id = ctx.ids.next(ctx.clock.nowMs())
  const { appId, user, conversation } = actorScene(ctx, input, id)
  const botName = ctx.bots.get(appId)?.name ?? 'Bot'
  const bot = { id: botAccountId(appId), name: botName }
  const text = input.mentionBot ? `<at>${botName}</at> ${input.text}` : input.text
  const known = [bot, ...conversation.members.values()].map((m) => ({ id: m.id, name: m.name }))
  const files =
    conversation.type === 'personal'
      ? (input.files ?? []).map((file) => ctx.files.attach(ctx.origin, user, file))
      : []
  const fields = messageFields(
    { ...input, text, attachments: [...files, ...(input.attachments ?? [])] },
    known,
  )
  const activity = teamsActivity(ctx, conversation, appId, user, { ...fields, id })
  conversation.activities.set(id, { id, by: 'user', activity, deleted: false })
  const scope = `${appId}|${scopeOf(conversation)}`
  if (ctx.state.uninstalled.has(scope)) {
    conversation.bots.delete(appId)
    return { status: 0, activity, deliveries: [], skipped: 'notInstalled' }
  }
  const mentioned = (fields['entities'] as Array<{ mentioned?: { id: string } }>).some(
    (e) => e.mentioned?.id === bot.id,
  )
  if (conversation.type !== 'personal' && !mentioned && !ctx.state.receivesAll.has(scope))
    return { status: 0, activity, deliveries: [], skipped: 'notMentioned' }
  return delivery.deliver(appId, activity)
}

export async function userTyping(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: UserEventInput,
): Promise<DeliveryResult> {
  const { appId, user, conversation } = actorScene(ctx, input)
  return delivery.deliver(appId, teamsActivity(ctx, conversation, appId, user, { type: 'typing' }))
}
