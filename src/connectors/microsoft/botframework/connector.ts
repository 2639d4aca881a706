import { InvalidInputError } from '../../../core/errors.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import type { HttpAuth } from '../../shared/http.ts'
import { createAppTokenProvider, httpAuth } from '../identity/index.ts'
import { type ConversationReference, conversationReference } from './conversation-reference.ts'
import { activitiesUrl, assertTrustedServiceUrl } from './service-url.ts'

/** Scope of Bot Connector tokens (bot → connector authentication). */
export const BOT_CONNECTOR_SCOPE = 'https://api.botframework.com/.default'

/**
 * What sending as a bot needs, whichever integration kind holds the bot (`microsoft-teams`'s
 * `bot`, or a `microsoft-teams-bot`).
 */
export interface BotConnection {
  /** The Azure Bot's Microsoft App ID. */
  readonly appId: string
  /** SecretStore name of the app's client secret. */
  readonly appSecretName: string
  /** Where tokens come from: the bot's tenant (single-tenant) or `botframework.com`. */
  readonly tokenTenant: string
  readonly authorityHost: string
  /** Connector hosts trusted besides Microsoft's (service-url.ts). */
  readonly serviceUrlHosts: readonly string[]
}

/** What every call to the Bot Connector as one bot needs. */
export interface BotConnector {
  readonly appId: string
  /** Bot Connector token (client credentials), refreshed once on a 401 by the HttpClient. */
  readonly auth: HttpAuth
  /**
   * The conversation reference in an address and its `…/activities` URL, after checking that
   * the serviceUrl may receive the bot token.
   */
  target(to: RemoteAddress): { ref: ConversationReference; url: string }
}

export function createBotConnector(bot: BotConnection, deps: ConnectorDeps): BotConnector {
  const auth = httpAuth(
    createAppTokenProvider({
      authorityHost: bot.authorityHost,
      tenant: bot.tokenTenant,
      clientId: bot.appId,
      clientSecretName: bot.appSecretName,
      scope: BOT_CONNECTOR_SCOPE,
      secrets: deps.secrets,
      http: deps.http,
      clock: deps.clock,
      log: deps.log,
    }),
  )
  return {
    appId: bot.appId,
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
