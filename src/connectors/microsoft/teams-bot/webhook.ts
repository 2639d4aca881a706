import { AuthenticationError } from '../../../core/errors.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { parseActivity } from '../botframework/activity.ts'
import { connectorRequestVerifier } from '../botframework/inbound-auth.ts'
import { botActivityToEnvelopes } from './from-activity.ts'
import { teamsBotSettings } from './settings.ts'

/**
 * `POST /webhooks/microsoft-teams-bot/{integrationId}/messages`, the messaging endpoint of a
 * bot integration. Verifies the Bot Connector's JWT (401 when missing or bad) and parses; the
 * webhook plugin then stores the jobs and answers 202. No responder work here: Teams retries a
 * delivery it has no answer to within about 15 s.
 */
export function teamsBotWebhook(deps: ConnectorDeps): WebhookRoute {
  const verifyConnector = connectorRequestVerifier(deps)
  return {
    name: 'teams-bot',
    path: '/messages',
    async verify(req, integration) {
      const settings = teamsBotSettings.parse(integration.settings)
      if (!settings.appId) throw new AuthenticationError('the bot has no app id yet')
      await verifyConnector(
        { appId: settings.appId, openIdMetadataUrl: settings.openIdMetadataUrl },
        req,
      )
    },
    async parse(req, integration) {
      return botActivityToEnvelopes(parseActivity(req.rawBody), integration.id, deps.clock.now())
    },
  }
}
