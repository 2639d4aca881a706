import type { BotFrameworkContext } from './context.ts'
import { botAccountId } from './ids.ts'
import { type Conversation, scopeOf, type TeamsChannel, type TeamsUser } from './state.ts'
import { actorScene, defaultBot } from './teams-user.ts'
import { teamsActivity } from './user-activities.ts'
import type { ChannelDelivery, DeliveryResult } from './user-actor.ts'

/**
 * Installation and membership events
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events):
 * `installationUpdate` (`action` `add`/`remove`) and `conversationUpdate` with `membersAdded` /
 * `membersRemoved`. In a team the install events name the channel it was installed from
 * (`channelData.settings.selectedChannel`) and carry `eventType` `teamMemberAdded` /
 * `teamMemberRemoved`; other membership updates there name the team ("Conversation id is set to
 * team id for all other conversation update scenarios").
 */
export interface ScopeInput {
  /** Who acts (installs, adds, removes). */
  user: TeamsUser
  botAppId?: string
  /** Default `personal`. */
  scope?: 'personal' | 'groupChat' | 'team'
  /** An existing group chat; without it `groupChat` starts one with `user` and `members`. */
  conversationId?: string
  /** `team`: the channel (added with `addChannel`) the app is installed from or acted in. */
  channelId?: string
}

export interface MembersInput extends ScopeInput {
  scope: 'groupChat' | 'team'
  members: TeamsUser[]
}

const account = (user: TeamsUser) => ({ id: user.id, aadObjectId: user.aadObjectId })

function channelOf(ctx: BotFrameworkContext, channelId: string | undefined): TeamsChannel {
  const channel = ctx.state.channels.get(channelId ?? '')
  if (!channel) throw new Error(`unknown channel ${channelId ?? '(none)'}: addChannel first`)
  return channel
}

/**
 * The conversation an event happens in, creating it when new; the bot is in it unless it was
 * removed from that group chat or team.
 */
function sceneOf(ctx: BotFrameworkContext, input: ScopeInput, members: TeamsUser[] = []) {
  const scene = resolveScene(ctx, input, members)
  if (ctx.state.uninstalled.has(`${scene.appId}|${scopeOf(scene.conversation)}`))
    scene.conversation.bots.delete(scene.appId)
  return scene
}

function resolveScene(ctx: BotFrameworkContext, input: ScopeInput, members: TeamsUser[]) {
  const scope = input.scope ?? 'personal'
  if (scope === 'personal') return actorScene(ctx, input)
  const appId = defaultBot(ctx, input.botAppId)
  const user = ctx.state.addUser(input.user)
  const added = members.map((m) => ctx.state.addUser(m))
  if (scope === 'team') {
    const channel = channelOf(ctx, input.channelId)
    return { appId, user, conversation: ctx.state.channelConversation(appId, channel, channel.id) }
  }
  const existing = ctx.state.conversations.get(input.conversationId ?? '')
  if (existing) {
    existing.bots.add(appId)
    for (const m of [user, ...added]) existing.members.set(m.id, m)
    return { appId, user, conversation: existing }
  }
  const conversation = ctx.state.groupChat(appId, [user, ...added], user.tenantId)
  return { appId, user, conversation }
}

const teamFields = (conversation: Conversation, eventType: string) =>
  conversation.channel
    ? { channelData: { eventType, settings: { selectedChannel: { id: conversation.id } } } }
    : {}

/** The app is added: `installationUpdate` (add), then `conversationUpdate` with the bot added. */
export async function installBot(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: ScopeInput,
): Promise<DeliveryResult[]> {
  const { appId, user, conversation } = sceneOf(ctx, input)
  const scope = scopeOf(conversation)
  ctx.state.uninstalled.delete(`${appId}|${scope}`)
  conversation.bots.add(appId)
  // A team install covers every channel thread of the team.
  if (conversation.channel)
    for (const c of ctx.state.conversations.values()) if (scopeOf(c) === scope) c.bots.add(appId)
  const install = teamsActivity(ctx, conversation, appId, user, {
    type: 'installationUpdate',
    action: 'add',
    entities: [{ type: 'clientInfo', locale: 'en-US' }],
    ...(conversation.channel
      ? { channelData: { settings: { selectedChannel: { id: conversation.id } } } }
      : {}),
  })
  const botAdded = [{ id: botAccountId(appId) }]
  const update = teamsActivity(ctx, conversation, appId, user, {
    type: 'conversationUpdate',
    membersAdded: conversation.type === 'personal' ? [...botAdded, account(user)] : botAdded,
    ...teamFields(conversation, 'teamMemberAdded'),
  })
  return [await delivery.deliver(appId, install), await delivery.deliver(appId, update)]
}

/**
 * The app is removed: `installationUpdate` (remove), and in a group chat or team also the
 * `conversationUpdate` with the bot removed; then the bot leaves. "Your bot receives a 403
 * response code for new messages posted by your bot" (403 `BotNotInConversationRoster` here). In
 * a personal chat a later `userSends` without `conversationId` installs it again.
 */
export async function uninstallBot(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: ScopeInput,
): Promise<DeliveryResult[]> {
  const { appId, user, conversation } = sceneOf(ctx, input)
  const results = [
    await delivery.deliver(
      appId,
      teamsActivity(ctx, conversation, appId, user, {
        type: 'installationUpdate',
        action: 'remove',
      }),
    ),
  ]
  if (conversation.type !== 'personal') {
    const update = teamsActivity(ctx, conversation, appId, user, {
      type: 'conversationUpdate',
      membersRemoved: [{ id: botAccountId(appId) }],
      ...teamFields(conversation, 'teamMemberRemoved'),
    })
    results.push(await delivery.deliver(appId, update))
    ctx.state.uninstalled.add(`${appId}|${scopeOf(conversation)}`)
  }
  const scope = scopeOf(conversation)
  for (const c of ctx.state.conversations.values())
    if (c === conversation || (conversation.channel && scopeOf(c) === scope)) c.bots.delete(appId)
  return results
}

/** Users join a group chat or team: `conversationUpdate` with `membersAdded`. */
export async function addMembers(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: MembersInput,
): Promise<DeliveryResult> {
  return membership(ctx, delivery, input, 'added')
}

/** Users leave a group chat or team: `conversationUpdate` with `membersRemoved`. */
export async function removeMembers(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: MembersInput,
): Promise<DeliveryResult> {
  return membership(ctx, delivery, input, 'removed')
}

async function membership(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
  input: MembersInput,
  change: 'added' | 'removed',
): Promise<DeliveryResult> {
  const { appId, user, conversation } = sceneOf(ctx, input, change === 'added' ? input.members : [])
  const members = input.members.map((m) => ctx.state.addUser(m))
  for (const m of members)
    if (change === 'added' && !conversation.channel) conversation.members.set(m.id, m)
    else if (change === 'removed' && !conversation.channel) conversation.members.delete(m.id)
  const channel = conversation.channel
  const activity = teamsActivity(ctx, conversation, appId, user, {
    type: 'conversationUpdate',
    [change === 'added' ? 'membersAdded' : 'membersRemoved']: members.map(account),
    ...(channel
      ? {
          conversation: { id: channel.teamId },
          channelData: { eventType: change === 'added' ? 'teamMemberAdded' : 'teamMemberRemoved' },
        }
      : {}),
  })
  if (!conversation.bots.has(appId))
    return { status: 0, activity, deliveries: [], skipped: 'notInstalled' }
  return delivery.deliver(appId, activity)
}
