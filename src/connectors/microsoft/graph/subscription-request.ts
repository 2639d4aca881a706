import { ConfigError } from '../../../core/errors.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import type { NewSubscription } from './client.ts'

/** clientState: "The maximum length is 128 characters" (subscription resource type). */
const MAX_CLIENT_STATE = 128

/**
 * The body of `POST /subscriptions` for one resource: new chat messages only (edits and
 * deletions are not forwarded), with the integration's clientState and, for rich notifications,
 * its encryption certificate.
 */
export async function subscriptionRequest(
  settings: MicrosoftTeamsSettings,
  secrets: SecretSource,
  urls: Pick<
    NewSubscription,
    'resource' | 'notificationUrl' | 'lifecycleNotificationUrl' | 'expirationDateTime'
  >,
): Promise<NewSubscription> {
  const n = settings.notifications
  const clientState = await secrets.get(n.clientStateName)
  if (clientState.length > MAX_CLIENT_STATE) {
    throw new ConfigError(
      'notifications.clientStateName',
      `the secret exceeds ${MAX_CLIENT_STATE} characters`,
    )
  }
  const base = { ...urls, changeType: 'created', clientState }
  if (!n.includeResourceData) return base
  if (!n.encryptionCertificate || !n.encryptionCertificateId || !n.encryptionPrivateKeyName) {
    throw new ConfigError(
      'notifications.encryptionCertificate',
      'rich notifications need encryptionCertificate, encryptionCertificateId and encryptionPrivateKeyName',
    )
  }
  return {
    ...base,
    includeResourceData: true,
    encryptionCertificate: n.encryptionCertificate,
    encryptionCertificateId: n.encryptionCertificateId,
  }
}
