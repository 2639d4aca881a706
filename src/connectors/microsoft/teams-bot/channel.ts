import type { JsonValue } from '../../../core/model/json.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type { BotChannel, BotMember } from '../../../core/ports/bot-channel.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { teamsBotConnection } from '../botframework/bot-connection.ts'
import { appRateKey } from '../botframework/client.ts'
import { createBotConnector } from '../botframework/connector.ts'
import { conversationReference } from '../botframework/conversation-reference.ts'
import { createStreamingReplySender } from '../botframework/streaming/index.ts'
import { downloadBotFile } from './files.ts'
import { getMember } from './members.ts'
import { sendReply } from './reply.ts'
import type { TeamsBotSettings } from './settings.ts'

const MEMBER_TTL_MS = 60 * 60 * 1000

/** 1:1 chats are `personal`; Teams' personal conversation ids start with `a:`. */
export function scopeOf(to: RemoteAddress): 'personal' | 'group' {
  const parsed = conversationReference.safeParse(to.data)
  if (!parsed.success) return 'group'
  const { conversationType, id } = parsed.data.conversation
  if (conversationType) return conversationType === 'personal' ? 'personal' : 'group'
  return id.startsWith('a:') ? 'personal' : 'group'
}

/**
 * The Teams side of a `microsoft-teams-bot` integration: replies as the bot, member lookups
 * and downloads of the files users send, all with the bot's Bot Connector token. No network
 * I/O here: a bot that is not set up fails on its first use with a ConfigError.
 */
export function openTeamsBotChannel(settings: TeamsBotSettings, deps: ConnectorDeps): BotChannel {
  let opened: ReturnType<typeof open> | undefined
  const connection = () => (opened ??= open(settings, deps))

  return {
    scopeOf,
    reply: (request) => sendReply(connection().replies, request),
    async member(to, userId, ctx) {
      const { connector, appId } = connection()
      // Member ids are per bot app; the directory changes rarely, so one lookup an hour will do.
      const cacheKey = `teams-member:${appId}:${userId}`
      const cached = (await deps.cache.get(cacheKey))?.value as
        { member: BotMember | null } | undefined
      if (cached) return cached.member ?? undefined
      const { url } = connector.target(to)
      const member = await getMember(deps.http, connector.auth, url, userId, {
        rateKey: appRateKey(appId),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      })
      await deps.cache.set(cacheKey, { member: member ?? null } as unknown as JsonValue, {
        ttlMs: MEMBER_TTL_MS,
      })
      return member
    },
    download: (url, ctx) =>
      downloadBotFile(deps, connection().connector.auth, url, {
        maxBytes: ctx.maxBytes,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
  }
}

function open(settings: TeamsBotSettings, deps: ConnectorDeps) {
  const bot = teamsBotConnection(settings)
  return {
    appId: bot.appId,
    connector: createBotConnector(bot, deps),
    replies: createStreamingReplySender(bot, deps, { informativeText: settings.informativeText }),
  }
}
