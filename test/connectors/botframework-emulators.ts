import {
  type BotFrameworkEmulator,
  startBotFrameworkEmulator,
} from '../../emulators/botframework/index.ts'
import type { EmulatorClock } from '../../emulators/kit/clock.ts'
import {
  type IdentityEmulator,
  startIdentityEmulator,
} from '../../emulators/microsoft-identity/index.ts'
import { botFrameworkWebhook } from '../../src/connectors/microsoft/botframework/index.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import type { JsonObject } from '../../src/core/model/json.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import {
  BOT_APP_ID,
  botSettings,
  memorySecrets,
  teamsIntegration,
  TENANT_ID,
  testDeps,
} from './botframework-support.ts'
import { startWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoint.ts'

/** A Teams user of the Bot Framework emulator. */
export const USER = {
  id: '29:1-megan',
  aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
  name: 'Megan Bowen',
  tenantId: TENANT_ID,
}

export interface BotEmulators {
  readonly idp: IdentityEmulator
  readonly bf: BotFrameworkEmulator
  /** The bridge's Bot Framework webhook, where the emulator delivers user activities. */
  readonly endpoint: WebhookEndpoint
  /** The integration's settings: its bot's keys and tokens come from the identity emulator. */
  readonly settings: JsonObject
  /** Deps on `clock` that trust the emulator's plain-HTTP connector (loopback, tests only). */
  readonly deps: ConnectorDeps
  close(): Promise<void>
}

/**
 * The identity and Bot Framework emulators over real HTTP with the bridge's webhook between
 * them. `emulatorClock` sets both emulators' time (default: the real clock).
 */
export async function startBotEmulators(input: {
  clock: Clock
  emulatorClock?: EmulatorClock
}): Promise<BotEmulators> {
  const secret = 'bot~password'
  const idp = await startIdentityEmulator({
    ...(input.emulatorClock ? { clock: input.emulatorClock } : {}),
    apps: [{ appId: BOT_APP_ID, secret, tenantId: TENANT_ID }],
  })
  const settings = {
    ...botSettings(`${idp.url}/botframework/v1/.well-known/openidconfiguration`),
    authorityHost: idp.url,
  }
  const deps = testDeps({ clock: input.clock, secrets: memorySecrets({ 'bot-password': secret }) })
  const endpoint = await startWebhookEndpoint(botFrameworkWebhook(deps), teamsIntegration(settings))
  const bf = await startBotFrameworkEmulator({
    ...(input.emulatorClock ? { clock: input.emulatorClock } : {}),
    identity: idp,
    bots: [{ appId: BOT_APP_ID, endpoint: `${endpoint.url}/messages`, name: 'Cx Bot' }],
  })
  return {
    idp,
    bf,
    endpoint,
    settings,
    deps: { ...deps, trustedHosts: [new URL(bf.serviceUrl).host] },
    async close() {
      await bf.close()
      await endpoint.close()
      await idp.close()
    },
  }
}
