import type { FastifyInstance } from 'fastify'

import { EmulatorClock } from '../kit/clock.ts'
import { FaultInjector } from '../kit/faults.ts'
import { createEmulatorApp, listen } from '../kit/server.ts'
import type { BotFrameworkContext, BotRegistration } from './context.ts'
import {
  type BotFrameworkControl,
  createBotFrameworkControl,
  registerBotFrameworkControlRoutes,
} from './control.ts'
import { DeliveryFaults } from './delivery-faults.ts'
import { MessageIdSource } from './ids.ts'
import { TeamsRateLimits } from './limits.ts'
import { registerActivityRoutes } from './routes/activities.ts'
import { registerCreateConversation } from './routes/create-conversation.ts'
import { registerMemberRoutes } from './routes/members.ts'
import { TeamsState } from './state.ts'
import { TeamsStreams } from './streams.ts'
import { ChannelDelivery, DEFAULT_DELIVERY_TIMEOUT_MS } from './user-actor.ts'
import { UserFiles } from './user-files.ts'

export type { BotRegistration, Refusal, SentActivity } from './context.ts'
export type { BotFrameworkControl } from './control.ts'
export type { DeliveryFault } from './delivery-faults.ts'
export type { ConversationType, TeamsChannel, TeamsUser } from './state.ts'
export type { StreamRecord, StreamStatus } from './streams.ts'
export type { MembersInput, ScopeInput } from './teams-events.ts'
export type { UserEventInput, UserSendsInput } from './teams-user.ts'
export type { Mention } from './user-activities.ts'
export type { DeliveryResult } from './user-actor.ts'
export type { UserFileInput } from './user-files.ts'

/** "The bot message size limit is 100 KB" (Teams, format-your-bot-messages). */
const MESSAGE_SIZE_LIMIT_BYTES = 100 * 1024

export interface BotFrameworkEmulator {
  /** `http://127.0.0.1:port` */
  readonly url: string
  /** `{url}/teams/`: what activities carry as `serviceUrl`; the v3 routes live under it. */
  readonly serviceUrl: string
  readonly control: BotFrameworkControl
  close(): Promise<void>
}

export interface BotFrameworkEmulatorOptions {
  port?: number
  clock?: EmulatorClock
  /** The identity emulator (or anything with the same two methods). */
  identity: BotFrameworkContext['identity']
  bots: BotRegistration[]
  /** Called with every activity a bot sends, updates or deletes (mirror hook for the sandbox). */
  onBotActivity?: (conversationId: string, activity: unknown) => void
}

/** Starts the Teams Bot Framework connector emulator (plain HTTP, like a reverse-proxied smba). */
export async function startBotFrameworkEmulator(
  opts: BotFrameworkEmulatorOptions,
): Promise<BotFrameworkEmulator> {
  const clock = opts.clock ?? new EmulatorClock()
  const ctx: BotFrameworkContext = {
    state: new TeamsState(),
    clock,
    faults: new FaultInjector(),
    deliveryFaults: new DeliveryFaults(),
    limits: new TeamsRateLimits(clock),
    identity: opts.identity,
    bots: new Map(opts.bots.map((b) => [b.appId, { ...b }])),
    ids: new MessageIdSource(),
    sent: [],
    refusals: [],
    streams: new TeamsStreams(),
    files: new UserFiles(),
    onBotActivity: opts.onBotActivity,
    serviceUrl: '',
    origin: '',
    messageSizeLimitBytes: MESSAGE_SIZE_LIMIT_BYTES,
    deliveryTimeoutMs: DEFAULT_DELIVERY_TIMEOUT_MS,
  }
  const delivery = new ChannelDelivery(ctx)
  const control = createBotFrameworkControl(ctx, delivery)

  const app = createEmulatorApp()
  app.addHook('onSend', async (_req, reply) => {
    reply.header('x-correlating-operationid', Math.random().toString(36).slice(2))
  })
  await app.register(
    async (teams) => {
      recordRefusals(teams, ctx)
      registerCreateConversation(teams, ctx)
      registerActivityRoutes(teams, ctx)
      registerMemberRoutes(teams, ctx)
    },
    { prefix: '/teams' },
  )
  ctx.files.register(app, ctx.faults)
  registerBotFrameworkControlRoutes(app, control)
  const listening = await listen(app, opts.port ?? 0)
  ctx.origin = listening.url
  ctx.serviceUrl = `${listening.url}/teams/`
  return { url: listening.url, serviceUrl: ctx.serviceUrl, control, close: () => listening.close() }
}

/** Keeps every refused v3 call (and every 202 with an error body) for `control.refusals()`. */
function recordRefusals(app: FastifyInstance, ctx: BotFrameworkContext): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (reply.statusCode < 400 && reply.statusCode !== 202) return payload
    let error: { code?: unknown; message?: unknown } | undefined
    try {
      const parsed: unknown = typeof payload === 'string' ? JSON.parse(payload) : undefined
      error = (parsed as { error?: typeof error } | undefined)?.error
    } catch {
      error = undefined
    }
    if (reply.statusCode === 202 && !error) return payload
    const conversationId = (req.params as { conversationId?: string } | undefined)?.conversationId
    const retryAfter = reply.getHeader('retry-after')
    ctx.refusals.push({
      method: req.method,
      path: req.url,
      ...(conversationId ? { conversationId } : {}),
      status: reply.statusCode,
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(typeof error?.message === 'string' ? { message: error.message } : {}),
      ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}),
      receivedAt: ctx.clock.now().toISOString(),
    })
    return payload
  })
}
