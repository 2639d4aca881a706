import { AuthenticationError } from '../../../core/errors.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { settingsOf } from '../graph/settings-of.ts'
import { parseActivity } from './activity.ts'
import { activityToEnvelopes } from './from-activity.ts'
import { connectorRequestVerifier } from './inbound-auth.ts'

function botOf(integration: Integration) {
  const bot = settingsOf(integration).bot
  if (!bot) throw new AuthenticationError('integration has no bot configured')
  return bot
}

/**
 * `POST /webhooks/microsoft-teams/{integrationId}/messages`: the bot's messaging endpoint.
 * Verifies and parses only; Teams retries after ~15 s without an answer, so nothing here
 * calls a remote except the (cached) key fetch the signature check needs.
 */
export function botFrameworkWebhook(deps: ConnectorDeps): WebhookRoute {
  const verifyConnector = connectorRequestVerifier(deps)
  return {
    name: 'botframework',
    path: '/messages',
    async verify(req, integration) {
      await verifyConnector(botOf(integration), req)
    },
    async parse(req, integration) {
      return activityToEnvelopes(parseActivity(req.rawBody), integration.id, deps.clock.now(), {
        groupMessages: botOf(integration).groupMessages,
      })
    },
  }
}
