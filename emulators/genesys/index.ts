import { EmulatorClock } from '../kit/clock.ts'
import { FaultInjector } from '../kit/faults.ts'
import { createEmulatorApp, listen } from '../kit/server.ts'
import type { EmulatorContext, Limits } from './context.ts'
import { createControl } from './control.ts'
import { WebhookSender, type WebhookTiming } from './outbound/webhook-sender.ts'
import { registerControlRoutes } from './routes/control.ts'
import { registerDownloadRoutes } from './routes/downloads.ts'
import { registerEmailRoutes } from './routes/emails.ts'
import { sendError } from './routes/errors.ts'
import { registerInboundEventReceiptRoutes } from './routes/inbound-event-receipt.ts'
import { registerInboundMessageRoute } from './routes/inbound-message.ts'
import { registerMessageConversationRoutes } from './routes/message-conversation.ts'
import { registerOauthRoutes } from './routes/oauth.ts'
import { registerPresenceRoutes } from './routes/presence.ts'
import { OutageBook } from './state/outages.ts'
import { TokenRateLimiter } from './state/rate-limit.ts'
import { applySeed, DEMO_SEED } from './state/seed.ts'
import { GenesysState } from './state/store.ts'
import type { GenesysControl, GenesysSeed } from './types.ts'

export type { Limits } from './context.ts'
export { hubSignature } from './outbound/sign.ts'
export type { WebhookTiming } from './outbound/webhook-sender.ts'
export { ALL_PERMISSIONS, DEMO_SEED } from './state/seed.ts'
export type * from './types.ts'

export interface GenesysEmulator {
  /** Base URL serving both the login (`/oauth/token`) and the API (`/api/v2/...`) paths. */
  readonly url: string
  readonly control: GenesysControl
  close(): Promise<void>
}

export interface GenesysEmulatorOptions {
  readonly port?: number
  readonly clock?: EmulatorClock
  /** Default: DEMO_SEED. Pass `{}` for an empty emulator. */
  readonly seed?: GenesysSeed
  /** Defaults are Genesys' own: 10 s timeout, 5 retries, 5 s apart. Tests shorten the delay. */
  readonly webhook?: Partial<WebhookTiming>
  readonly limits?: Partial<Limits>
}

export async function startGenesysEmulator(
  options: GenesysEmulatorOptions = {},
): Promise<GenesysEmulator> {
  const clock = options.clock ?? new EmulatorClock()
  const state = new GenesysState()
  applySeed(state, options.seed ?? DEMO_SEED)
  let baseUrl = ''
  const ctx: EmulatorContext = {
    state,
    clock,
    faults: new FaultInjector(),
    outages: new OutageBook(clock),
    limiter: new TokenRateLimiter(clock),
    webhooks: new WebhookSender(state, clock, {
      timeoutMs: 10_000,
      retryDelayMs: 5_000,
      maxRetries: 5,
      reorderHoldMs: 2_000,
      ...options.webhook,
    }),
    limits: {
      textMaxLength: 4000,
      customAttributesMaxBytes: 2048,
      requestBytesMax: 512_000,
      bulkMessageIdsMax: 100,
      ...options.limits,
    },
    baseUrl: () => baseUrl,
  }
  const control = createControl(ctx)
  const app = createEmulatorApp()
  registerOauthRoutes(app, ctx)
  registerInboundMessageRoute(app, ctx)
  registerInboundEventReceiptRoutes(app, ctx)
  registerMessageConversationRoutes(app, ctx)
  registerPresenceRoutes(app, ctx)
  registerEmailRoutes(app, ctx)
  registerDownloadRoutes(app, ctx)
  registerControlRoutes(app, control)
  app.setNotFoundHandler((_req, reply) => sendError(reply, 404))
  const listening = await listen(app, options.port ?? 0)
  baseUrl = listening.url
  return {
    url: listening.url,
    control,
    async close() {
      ctx.webhooks.close()
      await listening.close()
    },
  }
}
