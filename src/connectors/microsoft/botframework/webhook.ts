import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { settingsOf } from '../graph/settings-of.ts'
import { createJwtVerifier, type JwtVerifier } from '../identity/jwt.ts'
import { activitySchema } from './activity.ts'
import { activityToEnvelopes } from './from-activity.ts'
import { verifyConnectorRequest } from './inbound-auth.ts'

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
  // One verifier (and key cache) per metadata URL, shared by every integration using it.
  const verifiers = new Map<string, JwtVerifier>()
  const verifierFor = (openIdMetadataUrl: string) => {
    let verifier = verifiers.get(openIdMetadataUrl)
    if (!verifier) {
      verifier = createJwtVerifier({ openIdMetadataUrl, http: deps.http, clock: deps.clock })
      verifiers.set(openIdMetadataUrl, verifier)
    }
    return verifier
  }

  return {
    name: 'botframework',
    path: '/messages',
    async verify(req, integration) {
      const bot = botOf(integration)
      await verifyConnectorRequest(
        verifierFor(bot.openIdMetadataUrl),
        bot.appId,
        req.headers['authorization'],
        req.rawBody,
      )
    },
    async parse(req, integration) {
      let json: unknown
      try {
        json = JSON.parse(req.rawBody.toString('utf8'))
      } catch {
        throw new InvalidInputError('activity is not JSON')
      }
      const parsed = activitySchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new InvalidInputError('activity is malformed', {
          details: { path: issue?.path.join('.') ?? '', problem: issue?.message ?? 'invalid' },
        })
      }
      return activityToEnvelopes(parsed.data, integration.id, deps.clock.now(), {
        groupMessages: botOf(integration).groupMessages,
      })
    },
  }
}
