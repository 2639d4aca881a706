import { ConfigError } from '../../../core/errors.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { botTokenTenant, type TeamsBotSettings } from '../teams-bot/settings.ts'
import type { BotConnection } from './connector.ts'

/** The bot of a `microsoft-teams` integration. */
export function botConnectionOf(settings: MicrosoftTeamsSettings): BotConnection {
  const bot = settings.bot
  if (!bot) throw new ConfigError('bot', 'sending as the bot needs bot settings')
  return {
    appId: bot.appId,
    appSecretName: bot.appPasswordName,
    tokenTenant: bot.tenantId ?? bot.tokenAuthorityTenant,
    authorityHost: settings.authorityHost,
    serviceUrlHosts: bot.serviceUrlHosts,
  }
}

/** A `microsoft-teams-bot` integration (its app id and secret are set once Setup passed). */
export function teamsBotConnection(settings: TeamsBotSettings): BotConnection {
  if (!settings.appId) throw new ConfigError('settings.appId', 'the bot has no app id yet')
  if (!settings.appSecretName)
    throw new ConfigError('settings.appSecret', 'the bot has no app secret yet')
  return {
    appId: settings.appId,
    appSecretName: settings.appSecretName,
    tokenTenant: botTokenTenant(settings),
    authorityHost: settings.authorityHost,
    serviceUrlHosts: settings.serviceUrlHosts,
  }
}
