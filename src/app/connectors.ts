import { genesysOpenMessagingConnector } from '../connectors/genesys/open-messaging/index.ts'
import {
  microsoftServiceAccountLogins,
  microsoftTeamsConnector,
} from '../connectors/microsoft/index.ts'
import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import type { ConnectorDefinition } from '../core/ports/connector.ts'

/** The explicit registry of connectors (no registration by import side effects). */
export const connectorDefinitions: readonly ConnectorDefinition<ConnectorDeps>[] = [
  microsoftTeamsConnector,
  genesysOpenMessagingConnector,
]

export { microsoftServiceAccountLogins as serviceAccountLogins }
