import { AuthenticationError } from '../../../core/errors.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { RawRequest, WebhookRoute } from '../../../core/ports/connector.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import { genesysSettingsOf } from '../settings.ts'
import { parseOutbound } from './from-genesys.ts'
import { signatureMatches } from './signature.ts'

export interface OutboundWebhookDeps {
  readonly secrets: SecretSource
  readonly clock: Clock
}

const signatureHeader = 'x-hub-signature-256'

/** The secrets the signature may be made with now: the current one, and during a rotation the previous one. */
async function acceptedSecrets(
  integration: Integration,
  deps: OutboundWebhookDeps,
): Promise<string[]> {
  const settings = genesysSettingsOf(integration)
  const secrets = [await deps.secrets.get(settings.webhookSecretName)]
  const previous = settings.previousWebhookSecretName
  const until = settings.previousWebhookSecretValidUntil
  if (previous && until && deps.clock.nowMs() < Date.parse(until)) {
    secrets.push(await deps.secrets.get(previous))
  }
  return secrets
}

/**
 * The Open Messaging outbound webhook (`outboundNotificationWebhookUrl` points here):
 * POST /webhooks/genesys-open-messaging/{integrationId}/outbound. Genesys waits 10 s and retries
 * 5 times on timeout, 429 and 5xx, so this only verifies and parses; the work happens in jobs
 * (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate).
 */
export function genesysOutboundWebhook(deps: OutboundWebhookDeps): WebhookRoute {
  return {
    name: 'genesys-open-messaging-outbound',
    path: '/outbound',
    async verify(req: RawRequest, integration: Integration): Promise<void> {
      const header = req.headers[signatureHeader]
      if (!header) throw new AuthenticationError('missing X-Hub-Signature-256 header')
      for (const secret of await acceptedSecrets(integration, deps)) {
        if (signatureMatches(header, req.rawBody, secret)) return
      }
      throw new AuthenticationError('X-Hub-Signature-256 does not match the body')
    },
    async parse(req: RawRequest, integration: Integration) {
      return parseOutbound(req.rawBody, integration.id)
    },
  }
}
