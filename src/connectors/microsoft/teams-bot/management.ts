import type { ManagedKind } from '../../../core/ports/integration-kinds.ts'
import { checkHosts, entraAuthorityRule } from '../../shared/allowed-host.ts'
import { checkSettings } from '../../shared/settings-check.ts'
import { checkAppCredentials, type CredentialCheckDeps } from '../identity/credential-check.ts'
import { BOT_FRAMEWORK_SCOPE, botTokenTenant, teamsBotSettings } from './settings.ts'

/** The `microsoft-teams-bot` kind for the management API. */
export function teamsBotKind(
  deps: CredentialCheckDeps & { readonly trustedHosts?: readonly string[] },
): ManagedKind {
  return {
    kind: 'microsoft-teams-bot',
    displayName: 'Microsoft Teams bot (AI responder)',
    secretFields: [{ field: ['appSecret'], ref: ['appSecretName'] }],
    writeOnlyFields: [['tenantId']],
    validate: (input) =>
      checkHosts(
        checkSettings(teamsBotSettings, normalizeBlankTenant(input)),
        [entraAuthorityRule(['authorityHost'])],
        deps.trustedHosts,
      ),
    async checkSetup(integration) {
      const s = teamsBotSettings.parse(integration.settings)
      return checkAppCredentials(
        {
          authorityHost: s.authorityHost,
          tenant: botTokenTenant(s),
          ...(s.appId && { clientId: s.appId }),
          ...(s.appSecretName && { clientSecretName: s.appSecretName }),
          scope: BOT_FRAMEWORK_SCOPE,
          fields: {
            clientId: 'settings.appId',
            secret: 'settings.appSecret',
            tenant: 'settings.tenantId',
          },
        },
        deps,
      )
    },
  }
}

/** A blank tenant id means multi-tenant, as an absent one does. */
function normalizeBlankTenant(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('tenantId' in input)) return input
  const { tenantId, ...rest } = input as Record<string, unknown>
  return typeof tenantId === 'string' && tenantId.trim() === '' ? rest : input
}
