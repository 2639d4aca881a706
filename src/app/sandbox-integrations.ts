import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'

import type { IntegrationId } from '../core/model/ids.ts'
import { defaultRoutePolicy } from '../core/model/integration.ts'
import type { JsonObject } from '../core/model/json.ts'
import type { SecretStore } from '../core/ports/secrets.ts'
import type { Store } from '../core/ports/store.ts'
import type { DemoEmulators, SandboxOptions } from './sandbox.ts'
import { DEMO } from './sandbox-seed.ts'

const TLS_DIR = new URL('../../emulators/kit/tls/', import.meta.url)

/** Writes the demo integrations, their secrets and routes (idempotent: updates on restart). */
export async function seedDemoIntegrations(
  infra: { store: Store; secrets: SecretStore },
  emulators: DemoEmulators,
  bridgeUrl: string,
  options: Pick<SandboxOptions, 'routePolicy' | 'richNotifications'> = {},
) {
  const { store, secrets } = infra
  const chatId = emulators.chatId
  await secrets.put('sandbox-graph-app-secret', DEMO.graphApp.secret)
  await secrets.put('sandbox-bot-app-password', DEMO.botApp.secret)
  await secrets.put('sandbox-client-state', DEMO.clientState)
  await secrets.put('sandbox-genesys-client-secret', DEMO.genesys.clientSecret)
  await secrets.put('sandbox-genesys-webhook-token', DEMO.genesys.webhookToken)
  await secrets.put('sandbox-notification-key', readFileSync(new URL('key.pem', TLS_DIR), 'utf8'))

  const certificate = new X509Certificate(readFileSync(new URL('cert.pem', TLS_DIR)))
  const microsoftCommon = {
    tenantId: DEMO.tenantId,
    clientId: DEMO.graphApp.appId,
    clientSecretName: 'sandbox-graph-app-secret',
    authorityHost: emulators.identity.url,
    graphBaseUrl: emulators.graph.url,
    bot: {
      appId: DEMO.botApp.appId,
      appPasswordName: 'sandbox-bot-app-password',
      openIdMetadataUrl: `${emulators.identity.url}/botframework/v1/.well-known/openidconfiguration`,
      serviceUrlHosts: [new URL(emulators.botframework.url).host],
    },
    attachmentHosts: [new URL(emulators.graph.origin).hostname],
  }
  const teams = {
    ...microsoftCommon,
    sendAs: 'service-account',
    serviceAccount: {
      userId: DEMO.serviceAccount.id,
      refreshTokenName: 'sandbox-service-account-refresh-token',
      redirectUri: `${bridgeUrl}/auth/microsoft/${DEMO.integrations.teams}/callback`,
    },
    notifications: {
      clientStateName: 'sandbox-client-state',
      chatIds: [chatId],
      includeResourceData: options.richNotifications ?? false,
      encryptionCertificate: certificate.raw.toString('base64'),
      encryptionCertificateId: 'sandbox-notification-cert',
      encryptionPrivateKeyName: 'sandbox-notification-key',
    },
  }
  const bot = {
    ...microsoftCommon,
    sendAs: 'bot',
    notifications: { clientStateName: 'sandbox-client-state' },
  }
  const genesys = {
    openMessagingIntegrationId: DEMO.genesys.integrationId,
    loginBaseUrl: emulators.genesys.url,
    apiBaseUrl: emulators.genesys.url,
    clientId: DEMO.genesys.clientId,
    clientSecretName: 'sandbox-genesys-client-secret',
    webhookSecretName: 'sandbox-genesys-webhook-token',
    attachmentHosts: [new URL(emulators.genesys.url).hostname],
  }
  await upsertIntegration(
    store,
    DEMO.integrations.teams,
    'microsoft-teams',
    'Demo Teams chats',
    teams,
  )
  await upsertIntegration(store, DEMO.integrations.bot, 'microsoft-teams', 'Demo support bot', bot)
  await upsertIntegration(
    store,
    DEMO.integrations.genesys,
    'genesys-open-messaging',
    'Demo Genesys Cloud',
    genesys,
  )
  const policy = { ...defaultRoutePolicy, ...options.routePolicy }
  for (const channel of [DEMO.integrations.teams, DEMO.integrations.bot]) {
    const id = `route-${channel}`
    const existing = await store.routes.get(id)
    if (existing) await store.routes.updatePolicy(id, policy)
    else {
      await store.routes.create({
        id,
        channelIntegrationId: channel as IntegrationId,
        backendIntegrationId: DEMO.integrations.genesys as IntegrationId,
        policy,
      })
    }
  }
}

async function upsertIntegration(
  store: Store,
  id: string,
  kind: 'microsoft-teams' | 'genesys-open-messaging',
  name: string,
  settings: object,
) {
  const integrationId = id as IntegrationId
  if (await store.integrations.get(integrationId)) {
    await store.integrations.update(integrationId, {
      name,
      settings: settings as JsonObject,
      enabled: true,
    })
  } else {
    await store.integrations.create({
      id: integrationId,
      kind,
      name,
      settings: settings as JsonObject,
    })
  }
}
