import { startBotFrameworkEmulator } from '../../emulators/botframework/index.ts'
import { startGenesysEmulator, type WebhookTiming } from '../../emulators/genesys/index.ts'
import { type GraphEmulatorOptions, startGraphEmulator } from '../../emulators/graph/index.ts'
import { startIdentityEmulator } from '../../emulators/microsoft-identity/index.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import type { RoutePolicy } from '../core/model/integration.ts'
import type { Logger } from '../core/ports/logger.ts'
import { resolvePort, startBridge } from './bridge.ts'
import type { Config } from './config.ts'
import { seedDemoAiBot } from './sandbox-ai-bot.ts'
import { seedDemoIntegrations } from './sandbox-integrations.ts'
import { DEMO } from './sandbox-seed.ts'

const TLS_DIR = new URL('../../emulators/kit/tls/', import.meta.url)

export interface SandboxOptions {
  readonly config: Config
  readonly log: Logger
  /** Emulator ports (0 = any); the defaults keep stored integrations valid across restarts. */
  readonly emulatorPorts?: {
    identity?: number
    graph?: number
    botframework?: number
    genesys?: number
  }
  readonly routePolicy?: Partial<RoutePolicy>
  /** Rich (encrypted) Graph notifications instead of basic ones. */
  readonly richNotifications?: boolean
}

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>

/**
 * The bridge and every emulator in one process: Microsoft identity, Graph, the Bot Framework
 * connector and Genesys Cloud, seeded with a demo tenant, customer and agent.
 */
export async function startSandbox(options: SandboxOptions) {
  const { log } = options
  const port = await resolvePort(options.config.http.host, options.config.http.port)
  const config = { ...options.config, http: { ...options.config.http, port } }
  const bridgeUrl = config.http.publicUrl ?? `http://${config.http.host}:${port}`
  const emulators = await startDemoEmulators(bridgeUrl, options.emulatorPorts)
  const bridge = await startBridge({
    config: {
      ...config,
      tls: { ...config.tls, extraCaFile: config.tls.extraCaFile ?? EMULATOR_CA_FILE },
      trustedHosts: [...config.trustedHosts, ...emulators.trustedHosts],
    },
    log,
    roles: { http: true, worker: true },
  })
  await seedDemoIntegrations(bridge.infra, emulators, bridge.url, options)
  await seedDemoAiBot(bridge.infra, emulators)
  for (const id of Object.values(DEMO.integrations)) bridge.invalidate(id as IntegrationId)
  emulators.identity.control.signIn(DEMO.serviceAccount.id)
  await bridge.loginServiceAccount(DEMO.integrations.teams as IntegrationId)
  await bridge.keepSubscriptionsNow()
  await bridge.infra.queue.idle()

  return {
    bridge,
    ...emulators,
    demo: { ...DEMO, chatId: emulators.chatId },
    /**
     * Registers the demo AI bot with the Bot Framework emulator (the console does; tests that
     * talk to one bot only leave it out, as the emulator then needs no bot named per message).
     */
    addDemoAiBot() {
      emulators.botframework.control.addBot({
        appId: DEMO.aiBotApp.appId,
        endpoint: `${bridge.url}/webhooks/microsoft-teams-bot/${DEMO.integrations.aiBot}/messages`,
        name: 'Contoso Assistant',
      })
    },
    async close() {
      await bridge.close()
      await emulators.close()
    },
  }
}

export const EMULATOR_CA_FILE = new URL('cert.pem', TLS_DIR).pathname

export interface DemoEmulatorOptions {
  /** Genesys outbound webhook timing (defaults: 5 s between 5 retries, 10 s timeout). */
  readonly genesysWebhook?: Partial<WebhookTiming>
  /** Graph notification delivery timing (defaults: 3 s timeout, retries from 15 s). */
  readonly graphDelivery?: GraphEmulatorOptions['delivery']
  /** Seed of the Graph emulator's percentage faults (replayable runs). */
  readonly seed?: number
}

/** Every emulator, seeded with the demo tenant, customer and agent, pointed at `bridgeUrl`. */
export async function startDemoEmulators(
  bridgeUrl: string,
  ports: SandboxOptions['emulatorPorts'] = {},
  options: DemoEmulatorOptions = {},
) {
  const teamsWebhook = (id: string, path: string) =>
    `${bridgeUrl}/webhooks/microsoft-teams/${id}${path}`
  const identity = await startIdentityEmulator({
    port: ports.identity ?? 0,
    apps: [
      {
        appId: DEMO.graphApp.appId,
        secret: DEMO.graphApp.secret,
        tenantId: DEMO.tenantId,
        redirectUris: [`${bridgeUrl}/auth/microsoft/${DEMO.integrations.teams}/callback`],
      },
      { appId: DEMO.botApp.appId, secret: DEMO.botApp.secret, tenantId: DEMO.tenantId },
      { appId: DEMO.aiBotApp.appId, secret: DEMO.aiBotApp.secret, tenantId: DEMO.tenantId },
    ],
    users: [
      {
        id: DEMO.customer.id,
        tenantId: DEMO.tenantId,
        upn: DEMO.customer.upn,
        displayName: DEMO.customer.displayName,
      },
      {
        id: DEMO.serviceAccount.id,
        tenantId: DEMO.tenantId,
        upn: DEMO.serviceAccount.upn,
        displayName: DEMO.serviceAccount.displayName,
      },
    ],
  })
  const graph = await startGraphEmulator({
    port: ports.graph ?? 0,
    identity,
    tenantId: DEMO.tenantId,
    ...(options.graphDelivery && { delivery: options.graphDelivery }),
    ...(options.seed !== undefined && { seed: options.seed }),
    users: [
      { id: DEMO.customer.id, displayName: DEMO.customer.displayName, upn: DEMO.customer.upn },
      {
        id: DEMO.serviceAccount.id,
        displayName: DEMO.serviceAccount.displayName,
        upn: DEMO.serviceAccount.upn,
      },
    ],
  })
  const demoChatId = graph.control.addChat({
    chatType: 'oneOnOne',
    memberIds: [DEMO.customer.id, DEMO.serviceAccount.id],
  }).id
  const botframework = await startBotFrameworkEmulator({
    port: ports.botframework ?? 0,
    identity,
    bots: [
      {
        appId: DEMO.botApp.appId,
        endpoint: teamsWebhook(DEMO.integrations.bot, '/messages'),
        name: 'Contoso Support',
      },
    ],
  })
  const genesys = await startGenesysEmulator({
    port: ports.genesys ?? 0,
    ...(options.genesysWebhook && { webhook: options.genesysWebhook }),
    seed: {
      orgs: [{ id: DEMO.genesys.orgId, name: 'Demo org' }],
      clients: [
        {
          clientId: DEMO.genesys.clientId,
          clientSecret: DEMO.genesys.clientSecret,
          orgId: DEMO.genesys.orgId,
        },
      ],
      integrations: [
        {
          id: DEMO.genesys.integrationId,
          orgId: DEMO.genesys.orgId,
          name: 'cx-bridge sandbox',
          outboundNotificationWebhookUrl: `${bridgeUrl}/webhooks/genesys-open-messaging/${DEMO.integrations.genesys}/outbound`,
          webhookToken: DEMO.genesys.webhookToken,
          outboundMediaAllow: ['image/jpeg', 'image/png', 'image/gif', 'application/pdf'],
        },
      ],
      agents: [
        { id: DEMO.genesys.agent.id, orgId: DEMO.genesys.orgId, name: DEMO.genesys.agent.name },
      ],
    },
  })

  const trustedHosts = [identity.url, graph.origin, botframework.url, genesys.url].map(
    (u) => new URL(u).host,
  )
  return {
    identity,
    graph,
    botframework,
    genesys,
    chatId: demoChatId,
    trustedHosts,
    async close() {
      await Promise.allSettled([
        identity.close(),
        graph.close(),
        botframework.close(),
        genesys.close(),
      ])
    },
  }
}

export type DemoEmulators = Awaited<ReturnType<typeof startDemoEmulators>>

export { seedDemoIntegrations } from './sandbox-integrations.ts'
