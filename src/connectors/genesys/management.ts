import {
  NotFoundError,
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import type { SetupResult } from '../../core/model/integration.ts'
import type { ManagedKind } from '../../core/ports/integration-kinds.ts'
import { checkHosts } from '../shared/allowed-host.ts'
import { checkSettings } from '../shared/settings-check.ts'
import { createGenesysTokenSource, type GenesysAuthDeps } from './auth/token.ts'
import { genesysOpenMessagingSettings } from './settings.ts'

/** The `genesys-open-messaging` kind for the management API. */
// Region hosts: login.mypurecloud.com, api.mypurecloud.ie, login.usw2.pure.cloud, …
// (https://help.mypurecloud.com/articles/aws-regions-for-genesys-cloud-deployment/).
const GENESYS_HOST =
  /^(login|api)\.([a-z0-9-]+\.)?(mypurecloud\.(com|ie|de|jp|com\.au)|pure\.cloud)$/

const genesysRule = (path: string) => ({
  path: [path],
  allowed: (host: string) => GENESYS_HOST.test(host),
  expected:
    'a Genesys Cloud region host (https://login.mypurecloud.com, https://api.usw2.pure.cloud, …)',
})

export function genesysOpenMessagingKind(
  deps: GenesysAuthDeps & { readonly trustedHosts?: readonly string[] },
): ManagedKind {
  return {
    kind: 'genesys-open-messaging',
    displayName: 'Genesys Cloud Open Messaging',
    secretFields: [
      { field: ['clientSecret'], ref: ['clientSecretName'] },
      { field: ['webhookSecret'], ref: ['webhookSecretName'] },
      { field: ['previousWebhookSecret'], ref: ['previousWebhookSecretName'] },
    ],
    writeOnlyFields: [],
    validate: (input) =>
      checkHosts(
        checkSettings(genesysOpenMessagingSettings, input),
        [genesysRule('loginBaseUrl'), genesysRule('apiBaseUrl')],
        deps.trustedHosts,
      ),
    async checkSetup(integration) {
      const s = genesysOpenMessagingSettings.parse(integration.settings)
      try {
        await createGenesysTokenSource(s, deps).token()
        return { status: 'ok' }
      } catch (error) {
        return explain(error)
      }
    },
  }
}

function explain(error: unknown): SetupResult {
  if (error instanceof NotFoundError) {
    return {
      status: 'failed',
      problem: 'missing-credentials',
      field: 'settings.clientSecret',
      reason: 'No value is stored for settings.clientSecret: set the OAuth client secret again.',
    }
  }
  if (error instanceof RemoteAuthError) {
    return {
      status: 'failed',
      problem: 'wrong-secret',
      field: 'settings.clientSecret',
      reason:
        'Genesys Cloud refused the OAuth client: check settings.clientId and settings.clientSecret, that the client uses the Client Credentials grant, and that settings.loginBaseUrl is your region.',
    }
  }
  if (error instanceof RemoteUnavailableError || error instanceof RemoteAmbiguousError) {
    return {
      status: 'failed',
      problem: 'unreachable',
      reason: 'The Genesys Cloud login service could not be reached; run Setup again later.',
    }
  }
  return {
    status: 'failed',
    problem: 'refused',
    reason:
      'Genesys Cloud refused the token request: check settings.loginBaseUrl and the OAuth client.',
  }
}
