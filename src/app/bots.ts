import { microsoftTeamsBotConnector } from '../connectors/microsoft/teams-bot/index.ts'
import type { TeamsBotSettings } from '../connectors/microsoft/teams-bot/settings.ts'
import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import type { IntegrationRepository } from '../core/ports/store.ts'
import type { BotBehaviour, BotRegistry, OpenedBot } from '../flows/ai-bot/index.ts'

/** What the flow needs to know of a bot integration's settings. */
export function behaviourOf(settings: TeamsBotSettings): BotBehaviour {
  return {
    responder: settings.responder,
    sessionDurationMs: settings.sessionDurationMs,
    stream: settings.stream,
    contactCollection: settings.contactCollection,
    attachments: settings.attachments,
    ...(settings.allowFrom ? { allowFrom: settings.allowFrom } : {}),
    groupMessages: settings.groupMessages,
  }
}

/**
 * Bot integrations for the AI bot flow, read on every job (a deleted or disabled one stops at
 * once) and opened again only when their record changed, so token caches outlive jobs.
 */
export function createBotRegistry(
  integrations: Pick<IntegrationRepository, 'get'>,
  deps: ConnectorDeps,
): BotRegistry {
  const opened = new Map<string, { updatedAt: number; bot: OpenedBot }>()
  return {
    async bot(id: IntegrationId) {
      const integration = await integrations.get(id)
      if (!integration || !integration.enabled || integration.kind !== 'microsoft-teams-bot') {
        opened.delete(id)
        return undefined
      }
      const cached = opened.get(id)
      if (cached && cached.updatedAt === integration.updatedAt.getTime()) return cached.bot
      const { settings, channel } = microsoftTeamsBotConnector.open(integration, deps)
      const bot = { integration, behaviour: behaviourOf(settings), channel }
      opened.set(id, { updatedAt: integration.updatedAt.getTime(), bot })
      return bot
    },
  }
}
