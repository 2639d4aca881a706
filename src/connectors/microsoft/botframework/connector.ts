import { ConfigError, InvalidInputError } from '../../../core/errors.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import type { HttpAuth } from '../../shared/http.ts'
import { createAppTokenProvider, httpAuth } from '../identity/index.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { type ConversationReference, conversationReference } from './conversation-reference.ts'
import { activitiesUrl, assertTrustedServiceUrl } from './service-url.ts'

/** Scope of Bot Connector tokens (bot → connector authentication). */
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default'

export type BotSettings = NonNullable<MicrosoftTeamsSettings['bot']>

/** What every call to the Bot Connector as this integration's bot needs. */
export interface BotConnector {
  readonly bot: BotSettings
  /** Bot Connector token (client credentials), refreshed once on a 401 by the HttpClient. */
  readonly auth: HttpAuth
  /**
   * The conversation reference in an address and its `…/activities` URL, after checking that
   * the serviceUrl may receive the bot token.
   */
  target(to: RemoteAddress): { ref: ConversationReference; url: string }
}

export function createBotConnector(
  settings: MicrosoftTeamsSettings,
  deps: ConnectorDeps,
): BotConnector {
  const bot = settings.bot
  if (!bot) throw new ConfigError('bot', 'sending as the bot needs bot settings')
  const auth = httpAuth(
    createAppTokenProvider({
      authorityHost: settings.authorityHost,
      tenant: bot.tenantId ?? bot.tokenAuthorityTenant,
      clientId: bot.appId,
      clientSecretName: bot.appPasswordName,
      scope: BOT_CONNECTOR_SCOPE,
      secrets: deps.secrets,
      http: deps.http,
      clock: deps.clock,
      log: deps.log,
    }),
  )
  return {
    bot,
    auth,
    target(to) {
      const parsed = conversationReference.safeParse(to.data)
      if (!parsed.success) {
        throw new InvalidInputError('address is not a Bot Framework conversation reference')
      }
      const ref = parsed.data
      const url = assertTrustedServiceUrl(ref.serviceUrl, bot.serviceUrlHosts, deps.trustedHosts)
      return { ref, url: activitiesUrl(url, ref.conversation.id) }
    },
  }
}
