import type { Integration } from '../../../core/model/integration.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { createAppTokenProvider, createDelegatedLogin } from '../identity/index.ts'
import type { GraphTokens } from './client.ts'
import { settingsOf } from './settings-of.ts'

/** Client-credentials scope for Graph application permissions. */
export const GRAPH_APP_SCOPE = 'https://graph.microsoft.com/.default'

/**
 * The integration's Graph tokens: the app's own (reads, subscriptions) and, when a service
 * account is configured, its delegated tokens (sending). Nothing is fetched until first use.
 */
export function graphTokensFor(
  integration: Integration,
  deps: Pick<ConnectorDeps, 'http' | 'clock' | 'log' | 'secrets'>,
): GraphTokens {
  const s = settingsOf(integration)
  const common = {
    authorityHost: s.authorityHost,
    tenant: s.tenantId,
    clientId: s.clientId,
    clientSecretName: s.clientSecretName,
    secrets: deps.secrets,
    http: deps.http,
    clock: deps.clock,
    log: deps.log,
  }
  const app = createAppTokenProvider({ ...common, scope: GRAPH_APP_SCOPE })
  if (!s.serviceAccount) return { app }
  const login = createDelegatedLogin({
    ...common,
    refreshTokenName: s.serviceAccount.refreshTokenName,
  })
  return { app, delegated: login.tokens }
}
