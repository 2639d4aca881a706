import {
  type GenesysEmulator,
  type GenesysSeed,
  startGenesysEmulator,
} from '../../emulators/genesys/index.ts'
import { genesysRateBudget } from '../../src/connectors/genesys/open-messaging/client.ts'
import {
  genesysOutboundWebhook,
  type OutboundWebhookDeps,
} from '../../src/connectors/genesys/open-messaging/webhook.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import { integrationId } from '../../src/core/model/ids.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { Participant } from '../../src/core/model/participant.ts'
import type { RemoteAddress } from '../../src/core/model/remote-address.ts'
import type { OutgoingMessage, WebhookRoute } from '../../src/core/ports/connector.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { memorySecrets, testDeps } from './botframework-support.ts'
import { startWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoint.ts'

export const OM_INTEGRATION_ID = '1f7a1c52-7b0c-4a3c-9d9b-6a2a0c1e5f10'
export const WEBHOOK_TOKEN = 'genesys-webhook-token-0123456789'
export const CLIENT_ID = 'bridge-client'
export const CLIENT_SECRET = 'bridge-client-secret'

/** A Teams customer as the Teams connector reports one. */
export const teamsCustomer: Participant = {
  role: 'customer',
  displayName: 'Megan Bowen',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
  upn: 'megan@contoso.com',
}

export const teamsChat: RemoteAddress = {
  kind: 'microsoft-teams',
  integrationId: integrationId('int-teams-1'),
  key: 'a:1',
  data: null,
}

export const customerMessage = (text: string): OutgoingMessage => ({
  content: { text, attachments: [], mentions: [] },
  sender: teamsCustomer,
  occurredAt: '2026-05-01T10:00:00.000Z',
})

export function genesysSeed(webhookUrl: string, extra: Partial<GenesysSeed> = {}): GenesysSeed {
  return {
    orgs: [{ id: 'org-a' }],
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, orgId: 'org-a' }],
    integrations: [
      {
        id: OM_INTEGRATION_ID,
        orgId: 'org-a',
        name: 'Teams bridge',
        outboundNotificationWebhookUrl: webhookUrl,
        webhookToken: WEBHOOK_TOKEN,
      },
    ],
    agents: [{ id: 'agent-1', orgId: 'org-a', name: 'Ana' }],
    queues: [],
    ...extra,
  }
}

/** The bridge's integration record pointing at the emulator for both login and API hosts. */
export function genesysIntegration(
  url: string,
  settings: Record<string, unknown> = {},
): Integration {
  const at = new Date('2026-01-01T00:00:00Z')
  return {
    id: integrationId('int-genesys-1'),
    kind: 'genesys-open-messaging',
    name: 'Genesys',
    enabled: true,
    createdAt: at,
    updatedAt: at,
    settings: {
      openMessagingIntegrationId: OM_INTEGRATION_ID,
      loginBaseUrl: url,
      apiBaseUrl: url,
      clientId: CLIENT_ID,
      clientSecretName: 'genesys-client-secret',
      webhookSecretName: 'genesys-webhook-secret',
      attachmentHosts: ['127.0.0.1'],
      ...settings,
    } as Integration['settings'],
  }
}

/** Secrets in memory that count re-reads (the 401 path re-reads the client secret). */
export function countingSecrets(initial: Record<string, string>) {
  const inner = memorySecrets(initial)
  const counts = { reloads: 0 }
  return {
    ...inner,
    counts,
    reload: async (name: string) => {
      counts.reloads += 1
      return inner.reload(name)
    },
  }
}

/** Connector deps on the real shared HttpClient, with the Genesys rate budget. */
export function genesysDeps(
  secrets: ReturnType<typeof countingSecrets>,
  trustedHosts: string[] = [],
): ConnectorDeps {
  return testDeps({
    clock: systemClock,
    secrets,
    budgets: { genesys: genesysRateBudget },
    trustedHosts,
  })
}

/** The bridge's outbound webhook endpoint, at the path Genesys is configured with. */
export async function startBridgeWebhook(
  route: WebhookRoute,
  integration: Integration,
): Promise<WebhookEndpoint> {
  const endpoint = await startWebhookEndpoint(route, integration)
  const path = `/webhooks/genesys-open-messaging/${integration.id}/outbound`
  return { ...endpoint, url: `${endpoint.url}${path}` }
}

export async function startGenesys(webhookUrl: string): Promise<GenesysEmulator> {
  return startGenesysEmulator({
    port: 0,
    seed: genesysSeed(webhookUrl),
    webhook: { retryDelayMs: 20, timeoutMs: 2000 },
  })
}

/**
 * The Genesys emulator with the bridge's outbound webhook as its integration's notification URL:
 * what agents send reaches `bridge.envelopes` over real HTTP.
 */
export async function startGenesysWithWebhook(
  deps: OutboundWebhookDeps,
  settings: Record<string, unknown> = {},
) {
  const genesys = await startGenesys('http://127.0.0.1:9/unused')
  const integration = genesysIntegration(genesys.url, settings)
  const bridge = await startBridgeWebhook(genesysOutboundWebhook(deps), integration)
  genesys.control.updateIntegration(OM_INTEGRATION_ID, {
    outboundNotificationWebhookUrl: bridge.url,
  })
  return { genesys, integration, bridge }
}
