import type { ConnectorDefinition } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { genesysOpenMessagingSettings } from '../settings.ts'
import { createOpenMessagingClient } from './client.ts'
import { connectorKind } from './identity.ts'
import { genesysOutboundWebhook } from './webhook.ts'

export type { GenesysOpenMessagingSettings } from '../settings.ts'
export { genesysOpenMessagingSettings, genesysSettingsOf } from '../settings.ts'
export { createOpenMessagingClient, genesysRateBudget, genesysRateKey } from './client.ts'
export { addressFor, identify, identityOf } from './identity.ts'
export { genesysOutboundWebhook, type OutboundWebhookDeps } from './webhook.ts'

/** The `genesys-open-messaging` backend connector, for the app's connector registry. */
export const genesysOpenMessagingConnector: ConnectorDefinition<ConnectorDeps> = {
  kind: connectorKind,
  side: 'backend',
  displayName: 'Genesys Cloud Open Messaging',
  parseSettings: (input) => genesysOpenMessagingSettings.parse(input),
  webhooks: (deps) => [genesysOutboundWebhook(deps)],
  open: (integration, deps) => createOpenMessagingClient(integration, deps),
}
