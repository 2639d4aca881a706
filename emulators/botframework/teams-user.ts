import type { BotFrameworkContext } from './context.ts'
import { botAccountId } from './ids.ts'
import type { Conversation, ConversationType, TeamsUser } from './state.ts'
import { type Mention, messageFields, teamsActivity } from './user-activities.ts'
import type { ChannelDelivery, DeliveryResult } from './user-actor.ts'

export interface UserSendsInput {
  /** Existing conversation; for `personal` it defaults to the bot↔user 1:1 chat. */
  conversationId?: string
  user: TeamsUser
  text: string
  attachments?: unknown[]
  replyToId?: string
  mentions?: Mention[]
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

function defaultBot(ctx: BotFrameworkContext, botAppId: string | undefined): string {
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
    if (!existing.bots.has(appId)) throw new Error(`bot ${appId} is not in ${existing.id}`)
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
function actorScene(ctx: BotFrameworkContext, input: UserSendsInput | UserEventInput, id = '') {
  const appId = defaultBot(ctx, input.botAppId)
  const user = ctx.state.addUser(input.user)
  const conversation = resolveConversation(ctx, appId, user, input, id)
  return { appId, user, conversation }
}

/** The Teams user writes to the bot: builds the message activity and posts it to the bot. */
export async function userSends(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: UserSendsInput,
): Promise<DeliveryResult> {
  const id = ctx.ids.next(ctx.clock.nowMs())
  const { appId, user, conversation } = actorScene(ctx, input, id)
  const activity = teamsActivity(ctx, conversation, appId, user, { ...messageFields(input), id })
  conversation.activities.set(id, { id, by: 'user', activity, deleted: false })
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

/**
 * The user installs the bot in personal scope: `installationUpdate` (action `add`) then the
 * `conversationUpdate` with `membersAdded` = bot and user
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events).
 */
export async function installBot(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: UserEventInput,
): Promise<DeliveryResult[]> {
  const { appId, user, conversation } = actorScene(ctx, input)
  const install = teamsActivity(ctx, conversation, appId, user, {
    type: 'installationUpdate',
    action: 'add',
    entities: [{ type: 'clientInfo', locale: 'en-US' }],
  })
  const update = teamsActivity(ctx, conversation, appId, user, {
    type: 'conversationUpdate',
    membersAdded: [{ id: botAccountId(appId) }, { id: user.id, aadObjectId: user.aadObjectId }],
  })
  return [await delivery.deliver(appId, install), await delivery.deliver(appId, update)]
}

/**
 * The user removes the bot: `installationUpdate` (action `remove`), then the bot leaves the
 * conversation. "Your bot receives a 403 response code for new messages posted by your bot"
 * (403 `BotNotInConversationRoster` here). A later `userSends` without `conversationId` installs it again.
 */
export async function uninstallBot(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: UserEventInput,
): Promise<DeliveryResult> {
  const { appId, user, conversation } = actorScene(ctx, input)
  const result = await delivery.deliver(
    appId,
    teamsActivity(ctx, conversation, appId, user, { type: 'installationUpdate', action: 'remove' }),
  )
  conversation.bots.delete(appId)
  return result
}
