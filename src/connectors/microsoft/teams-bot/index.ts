import type { Integration } from '../../../core/model/integration.ts'
import type { BotChannel } from '../../../core/ports/bot-channel.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { openTeamsBotChannel } from './channel.ts'
import { type TeamsBotSettings, teamsBotSettings } from './settings.ts'
import { teamsBotWebhook } from './webhook.ts'

export { type TeamsBotSettings, teamsBotSettings } from './settings.ts'

/** A Teams bot answered by a responder: its callback and its Teams side. */
export const microsoftTeamsBotConnector = {
  kind: 'microsoft-teams-bot' as const,
  side: 'channel' as const,
  webhooks: (deps: ConnectorDeps): readonly WebhookRoute[] => [teamsBotWebhook(deps)],
  /** Validated settings and the bot's channel; no network I/O. */
  open(
    integration: Integration,
    deps: ConnectorDeps,
  ): {
    settings: TeamsBotSettings
    channel: BotChannel
  } {
    const settings = teamsBotSettings.parse(integration.settings)
    return { settings, channel: openTeamsBotChannel(settings, deps) }
  },
}
