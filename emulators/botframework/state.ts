import { newGroupChatId, personalConversationId } from './ids.ts'

/** A Teams user as the bot sees it (`29:` id is per bot in real Teams; here one id per user). */
export interface TeamsUser {
  /** `29:…` */
  id: string
  /** Entra object id. */
  aadObjectId: string
  name: string
  tenantId: string
  userPrincipalName?: string
}

export interface TeamsChannel {
  /** `19:…@thread.tacv2` */
  id: string
  name: string
  teamId: string
  teamName?: string
  tenantId: string
}

export type ConversationType = 'personal' | 'groupChat' | 'channel'

export interface StoredActivity {
  readonly id: string
  /** `user` for what the user actor sent; else the bot's app id. */
  readonly by: string
  activity: Record<string, unknown>
  deleted: boolean
}

export interface Conversation {
  readonly id: string
  readonly type: ConversationType
  readonly tenantId: string
  /** Bots (app ids) installed in this conversation. */
  readonly bots: Set<string>
  readonly members: Map<string, TeamsUser>
  readonly activities: Map<string, StoredActivity>
  readonly channel?: TeamsChannel
}

/** Where an app is installed: the team for channel threads, else the conversation itself. */
export const scopeOf = (conversation: Conversation): string =>
  conversation.channel ? conversation.channel.teamId : conversation.id

/** Users, channels and conversations the emulated Teams tenant holds. */
export class TeamsState {
  readonly users = new Map<string, TeamsUser>()
  readonly channels = new Map<string, TeamsChannel>()
  readonly conversations = new Map<string, Conversation>()
  /** `{appId}|{scope}` the bot was removed from (scope: see `scopeOf`). */
  readonly uninstalled = new Set<string>()
  /**
   * `{appId}|{scope}` where the bot receives every message, not only those that @mention it
   * (resource-specific consent `ChannelMessage.Read.Group` / `ChatMessage.Read.Chat`).
   */
  readonly receivesAll = new Set<string>()

  addUser(user: TeamsUser): TeamsUser {
    const existing = this.users.get(user.id)
    if (existing) return existing
    this.users.set(user.id, { ...user })
    return this.users.get(user.id)!
  }

  /** A user by `29:` id or by Entra object id. */
  findUser(id: string): TeamsUser | undefined {
    return this.users.get(id) ?? [...this.users.values()].find((u) => u.aadObjectId === id)
  }

  personal(appId: string, user: TeamsUser, id = personalConversationId(appId, user.id)) {
    return this.#ensure(id, 'personal', user.tenantId, appId, [user])
  }

  groupChat(appId: string, users: TeamsUser[], tenantId: string, id = newGroupChatId()) {
    return this.#ensure(id, 'groupChat', tenantId, appId, users)
  }

  /** A channel conversation (`{channelId}` or a thread `{channelId};messageid={rootId}`). */
  channelConversation(appId: string, channel: TeamsChannel, id = channel.id): Conversation {
    const conversation = this.#ensure(id, 'channel', channel.tenantId, appId, [], channel)
    for (const user of this.users.values())
      if (user.tenantId === channel.tenantId) conversation.members.set(user.id, user)
    return conversation
  }

  #ensure(
    id: string,
    type: ConversationType,
    tenantId: string,
    appId: string,
    users: TeamsUser[],
    channel?: TeamsChannel,
  ): Conversation {
    let conversation = this.conversations.get(id)
    if (!conversation) {
      conversation = {
        id,
        type,
        tenantId,
        bots: new Set(),
        members: new Map(),
        activities: new Map(),
        ...(channel ? { channel } : {}),
      }
      this.conversations.set(id, conversation)
    }
    conversation.bots.add(appId)
    for (const user of users) conversation.members.set(user.id, user)
    return conversation
  }
}
