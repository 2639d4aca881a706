import { genesysOpenMessagingKind } from '../connectors/genesys/management.ts'
import { microsoftTeamsKind } from '../connectors/microsoft/management.ts'
import { teamsBotKind } from '../connectors/microsoft/teams-bot/management.ts'
import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import type { ManagedKind } from '../core/ports/integration-kinds.ts'

/** Every integration kind the management API handles, with its connector's checks. */
export function managedKinds(deps: ConnectorDeps): readonly ManagedKind[] {
  return [microsoftTeamsKind(deps), teamsBotKind(deps), genesysOpenMessagingKind(deps)]
}
