import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { activitySchema } from '../botframework/activity.ts'
import { verifyConnectorRequest } from '../botframework/inbound-auth.ts'
import { createJwtVerifier, type JwtVerifier } from '../identity/jwt.ts'
import { botActivityToEnvelopes } from './from-activity.ts'
import { teamsBotSettings } from './settings.ts'

/**
 * `POST /webhooks/microsoft-teams-bot/{integrationId}/messages`, the messaging endpoint of a
 * bot integration. Verifies the Bot Connector's JWT (401 when missing or bad) and parses; the
 * webhook plugin then stores the jobs and answers 202. No responder work here: Teams retries a
 * delivery it has no answer to within about 15 s.
 */
export function teamsBotWebhook(deps: ConnectorDeps): WebhookRoute {
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
    name: 'teams-bot',
    path: '/messages',
    async verify(req, integration) {
      const settings = teamsBotSettings.parse(integration.settings)
      if (!settings.appId) throw new AuthenticationError('the bot has no app id yet')
      await verifyConnectorRequest(
        verifierFor(settings.openIdMetadataUrl),
        settings.appId,
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
      return botActivityToEnvelopes(parsed.data, integration.id, deps.clock.now())
    },
  }
}
