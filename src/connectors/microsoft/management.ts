import type { ManagedKind } from '../../core/ports/integration-kinds.ts'
import { checkHosts, entraAuthorityRule } from '../shared/allowed-host.ts'
import { checkSettings } from '../shared/settings-check.ts'
import { GRAPH_APP_SCOPE } from './graph/tokens.ts'
import { checkAppCredentials, type CredentialCheckDeps } from './identity/credential-check.ts'
import { microsoftTeamsSettings } from './settings.ts'
import { BOT_FRAMEWORK_SCOPE } from './teams-bot/settings.ts'

/** The `microsoft-teams` kind (Graph chats, optional bot) for the management API. */
export function microsoftTeamsKind(
  deps: CredentialCheckDeps & { readonly trustedHosts?: readonly string[] },
): ManagedKind {
  return {
    kind: 'microsoft-teams',
    displayName: 'Microsoft Teams (Graph and Bot Framework)',
    secretFields: [
      { field: ['clientSecret'], ref: ['clientSecretName'] },
      { field: ['bot', 'appPassword'], ref: ['bot', 'appPasswordName'] },
      { field: ['notifications', 'clientState'], ref: ['notifications', 'clientStateName'] },
      {
        field: ['notifications', 'encryptionPrivateKey'],
        ref: ['notifications', 'encryptionPrivateKeyName'],
      },
      {
        field: ['serviceAccount', 'refreshToken'],
        ref: ['serviceAccount', 'refreshTokenName'],
        managed: true,
      },
    ],
    writeOnlyFields: [],
    // A base64 DER certificate is a few kilobytes.
    longStrings: { 'notifications.encryptionCertificate': 16_384 },
    validate: (input) =>
      checkHosts(
        checkSettings(microsoftTeamsSettings, input),
        [entraAuthorityRule(['authorityHost'])],
        deps.trustedHosts,
      ),
    async checkSetup(integration) {
      const s = microsoftTeamsSettings.parse(integration.settings)
      const graph = await checkAppCredentials(
        {
          authorityHost: s.authorityHost,
          tenant: s.tenantId,
          clientId: s.clientId,
          clientSecretName: s.clientSecretName,
          scope: GRAPH_APP_SCOPE,
          fields: {
            clientId: 'settings.clientId',
            secret: 'settings.clientSecret',
            tenant: 'settings.tenantId',
          },
        },
        deps,
      )
      if (graph.status !== 'ok' || !s.bot) return graph
      return checkAppCredentials(
        {
          authorityHost: s.authorityHost,
          tenant: s.bot.tenantId ?? s.bot.tokenAuthorityTenant,
          clientId: s.bot.appId,
          clientSecretName: s.bot.appPasswordName,
          scope: BOT_FRAMEWORK_SCOPE,
          fields: {
            clientId: 'settings.bot.appId',
            secret: 'settings.bot.appPassword',
            tenant: 'settings.bot.tenantId',
          },
        },
        deps,
      )
    },
  }
}
