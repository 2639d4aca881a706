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
  const { channelData: extraChannelData, conversation: conversationOverride, ...rest } = fields
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
      ...(conversationOverride as Record<string, unknown> | undefined),
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
      ...(extraChannelData as Record<string, unknown> | undefined),
    },
    ...rest,
  }
}

const MENTION_TAG = /<at>(.*?)<\/at>/g
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * The mentions Teams derives from what the user typed: each `<at>Name</at>` in the text becomes a
 * `mention` entity, in text order, naming the account (`explicit` first, then `known`: the bot
 * and the members). A name nobody has is refused, as the composer cannot produce it.
 */
function resolveMentions(
  text: string,
  explicit: readonly Mention[],
  known: readonly Mention[],
): Mention[] {
  const found = [...text.matchAll(MENTION_TAG)].map((match) => {
    const name = match[1]!
    const account = [...explicit, ...known].find((m) => m.name === name)
    if (!account) throw new Error(`nobody called "${name}" can be mentioned here`)
    return account
  })
  for (const m of explicit)
    if (!found.includes(m))
      throw new Error(`mention of ${m.name} needs <at>${m.name}</at> in the text`)
  return found
}

/**
 * The rich body Teams adds to messages with mentions, as a `text/html` attachment: each mention
 * is a `<span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="{index}">`.
 */
function mentionHtml(text: string): string {
  let index = 0
  const parts = text.split(MENTION_TAG)
  const html = parts
    .map((part, i) =>
      i % 2 === 1
        ? `<span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="${index++}">${escapeHtml(part)}</span>`
        : escapeHtml(part).replace(/^ /, '&nbsp;'),
    )
    .join('')
  return `<p>${html}</p>`
}

export function messageFields(
  input: {
    text: string
    attachments?: unknown[]
    replyToId?: string
    mentions?: readonly Mention[]
  },
  known: readonly Mention[] = [],
): Record<string, unknown> {
  const mentions = resolveMentions(input.text, input.mentions ?? [], known)
  const mentionEntities = mentions.map((m) => ({
    type: 'mention',
    mentioned: { id: m.id, name: m.name },
    text: `<at>${m.name}</at>`,
  }))
  const html =
    mentions.length > 0 ? [{ contentType: 'text/html', content: mentionHtml(input.text) }] : []
  return {
    type: 'message',
    textFormat: 'plain',
    text: input.text,
    attachments: [...html, ...(input.attachments ?? [])],
    entities: [
      ...mentionEntities,
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web', timezone: 'Etc/UTC' },
    ],
    ...(input.replyToId ? { replyToId: input.replyToId } : {}),
  }
}
