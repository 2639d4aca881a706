import type { BotFrameworkContext } from './context.ts'
import { botAccountId } from './ids.ts'
import type { Conversation, TeamsUser } from './state.ts'

export interface Mention {
  /** Mentioned account id (`29:…` user or `28:{appId}` bot). */
  readonly id: string
  readonly name: string
}

/**
 * Builds the Activity the Teams channel posts to a bot (shape from
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/conversation-messages
 * and subscribe-to-conversation-events): `channelId msteams`, `serviceUrl`, `from.aadObjectId`,
 * `conversation.tenantId`, `channelData.tenant.id` ("passed in all contexts"), team/channel in
 * channel contexts, `clientInfo` and `mention` entities.
 */
export function teamsActivity(
  ctx: BotFrameworkContext,
  conversation: Conversation,
  botAppId: string,
  user: TeamsUser,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const now = ctx.clock.now()
  const bot = ctx.bots.get(botAppId)
  const channel = conversation.channel
  return {
    id: ctx.ids.next(now.getTime()),
    timestamp: now.toISOString(),
    localTimestamp: now.toISOString().replace('Z', '+00:00'),
    serviceUrl: ctx.serviceUrl,
    channelId: 'msteams',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: {
      ...(conversation.type === 'personal' ? {} : { isGroup: true }),
      conversationType: conversation.type,
      tenantId: conversation.tenantId,
      id: conversation.id,
    },
    recipient: { id: botAccountId(botAppId), name: bot?.name ?? 'Bot' },
    locale: 'en-US',
    localTimezone: 'Etc/UTC',
    channelData: {
      tenant: { id: conversation.tenantId },
      ...(channel
        ? {
            teamsTeamId: channel.teamId,
            teamsChannelId: channel.id,
            team: { id: channel.teamId, ...(channel.teamName ? { name: channel.teamName } : {}) },
            channel: { id: channel.id, name: channel.name },
          }
        : {}),
    },
    ...fields,
  }
}

export function messageFields(input: {
  text: string
  attachments?: unknown[]
  replyToId?: string
  mentions?: readonly Mention[]
}): Record<string, unknown> {
  const mentionEntities = (input.mentions ?? []).map((m) => ({
    type: 'mention',
    mentioned: { id: m.id, name: m.name },
    text: `<at>${m.name}</at>`,
  }))
  return {
    type: 'message',
    textFormat: 'plain',
    text: input.text,
    attachments: input.attachments ?? [],
    entities: [
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Etc/UTC' },
      ...mentionEntities,
    ],
    ...(input.replyToId ? { replyToId: input.replyToId } : {}),
  }
}
