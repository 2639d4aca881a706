import type { FastifyInstance } from 'fastify'

import type { EmulatorClock } from '../kit/clock.ts'
import type { Fault, FaultInjector } from '../kit/faults.ts'
import { jsonBody } from '../kit/server.ts'
import type { BotFrameworkContext, BotRegistration, Refusal, SentActivity } from './context.ts'
import type { DeliveryFault } from './delivery-faults.ts'
import type { TeamsChannel, TeamsUser } from './state.ts'
import type { StreamRecord } from './streams.ts'
import {
  addMembers,
  installBot,
  type MembersInput,
  removeMembers,
  type ScopeInput,
  uninstallBot,
} from './teams-events.ts'
import {
  defaultBot,
  type UserEventInput,
  userSends,
  type UserSendsInput,
  userTyping,
} from './teams-user.ts'
import type { ChannelDelivery, DeliveryResult } from './user-actor.ts'

export interface BotFrameworkControl {
  /** v3 route faults (429/5xx/latency/drop), keyed by the route names in emulators/README.md. */
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
  /** `{url}/teams/`: the `serviceUrl` of every activity, and the base of the v3 routes. */
  readonly serviceUrl: string
  /** A Teams user writes to a bot; resolves with the bot endpoint's status. */
  userSends(input: UserSendsInput): Promise<DeliveryResult>
  userTyping(input: UserEventInput): Promise<DeliveryResult>
  /** installationUpdate `add` + conversationUpdate (bot added), personal, group chat or team. */
  installBot(input: ScopeInput): Promise<DeliveryResult[]>
  /** installationUpdate `remove` (+ conversationUpdate in groups); later bot sends there get 403. */
  uninstallBot(input: ScopeInput): Promise<DeliveryResult[]>
  /** conversationUpdate `membersAdded` in a group chat or team. */
  addMembers(input: MembersInput): Promise<DeliveryResult>
  /** conversationUpdate `membersRemoved` in a group chat or team. */
  removeMembers(input: MembersInput): Promise<DeliveryResult>
  /**
   * Resource-specific consent: the bot receives every message of the group chat or team (scope
   * `conversationId` or `teamId`), not only those that @mention it.
   */
  receiveAllMessages(input: { botAppId?: string; scopeId: string; enabled?: boolean }): void
  /** The user presses Stop on a running stream; the bot's next stream activity gets 403. */
  userStopsStream(input: { conversationId: string; streamId?: string }): StreamRecord | undefined
  /** Streams bots started, with status, sequence and the text streamed so far. */
  streams(conversationId?: string): StreamRecord[]
  /** Bot calls the connector refused (and 202s carrying an error), in arrival order. */
  refusals(conversationId?: string): Refusal[]
  addUser(user: TeamsUser): void
  addChannel(channel: TeamsChannel): void
  addBot(bot: BotRegistration): void
  /** What bots sent (send/reply/update/delete), in arrival order, optionally for one conversation. */
  sent(conversationId?: string): SentActivity[]
  /** Forgets what bots sent and what was refused (a bot and user keep their 1:1 conversation id). */
  clearSent(): void
  /** Applies to the next `times` deliveries to a bot (see delivery-faults.ts). */
  injectDelivery(fault: DeliveryFault, times?: number): void
  clearFaults(): void
  setRateLimits(enabled: boolean): void
  setMessageSizeLimit(bytes: number): void
  setDeliveryTimeout(ms: number): void
}

export function createBotFrameworkControl(
  ctx: BotFrameworkContext,
  delivery: ChannelDelivery,
): BotFrameworkControl {
  return {
    faults: ctx.faults,
    clock: ctx.clock,
    get serviceUrl() {
      return ctx.serviceUrl
    },
    userSends: (input) => userSends(ctx, delivery, input),
    userTyping: (input) => userTyping(ctx, delivery, input),
    installBot: (input) => installBot(ctx, delivery, input),
    uninstallBot: (input) => uninstallBot(ctx, delivery, input),
    addMembers: (input) => addMembers(ctx, delivery, input),
    removeMembers: (input) => removeMembers(ctx, delivery, input),
    receiveAllMessages: ({ botAppId, scopeId, enabled = true }) => {
      const key = `${defaultBot(ctx, botAppId)}|${scopeId}`
      if (enabled) ctx.state.receivesAll.add(key)
      else ctx.state.receivesAll.delete(key)
    },
    userStopsStream: ({ conversationId, streamId }) => ctx.streams.cancel(conversationId, streamId),
    streams: (conversationId) => ctx.streams.list(conversationId).map((s) => ({ ...s })),
    refusals: (conversationId) =>
      ctx.refusals.filter(
        (r) => conversationId === undefined || r.conversationId === conversationId,
      ),
    addUser: (user) => void ctx.state.addUser(user),
    addChannel: (channel) => void ctx.state.channels.set(channel.id, { ...channel }),
    addBot: (bot) => void ctx.bots.set(bot.appId, { ...bot }),
    sent: (conversationId) =>
      ctx.sent.filter((s) => conversationId === undefined || s.conversationId === conversationId),
    clearSent: () => {
      ctx.sent.length = 0
      ctx.refusals.length = 0
    },
    injectDelivery: (fault, times) => ctx.deliveryFaults.add(fault, times),
    clearFaults: () => {
      ctx.faults.clear()
      ctx.deliveryFaults.clear()
    },
    setRateLimits: (enabled) => {
      ctx.limits.enabled = enabled
    },
    setMessageSizeLimit: (bytes) => {
      ctx.messageSizeLimitBytes = bytes
    },
    setDeliveryTimeout: (ms) => {
      ctx.deliveryTimeoutMs = ms
    },
  }
}

type Body = Record<string, unknown>

/** The control verbs over HTTP under `/_emulator/` (documented in emulators/README.md). */
export function registerBotFrameworkControlRoutes(
  app: FastifyInstance,
  control: BotFrameworkControl,
): void {
  const body = <T = Body>(req: unknown) => (jsonBody(req as never) ?? {}) as T
  app.post('/_emulator/user-sends', async (req) => control.userSends(body<UserSendsInput>(req)))
  app.post('/_emulator/user-typing', async (req) => control.userTyping(body<UserEventInput>(req)))
  app.post('/_emulator/install-bot', async (req) => control.installBot(body<ScopeInput>(req)))
  app.post('/_emulator/uninstall-bot', async (req) => control.uninstallBot(body<ScopeInput>(req)))
  app.post('/_emulator/add-members', async (req) => control.addMembers(body<MembersInput>(req)))
  app.post('/_emulator/remove-members', async (req) =>
    control.removeMembers(body<MembersInput>(req)),
  )
  app.put('/_emulator/receive-all-messages', async (req) => {
    control.receiveAllMessages(body<{ botAppId?: string; scopeId: string; enabled?: boolean }>(req))
    return {}
  })
  app.post('/_emulator/stop-stream', async (req, reply) => {
    const stopped = control.userStopsStream(
      body<{ conversationId: string; streamId?: string }>(req),
    )
    return stopped ? stopped : reply.code(404).send({ error: 'no running stream' })
  })
  app.get('/_emulator/streams', async (req) => {
    const { conversationId } = req.query as { conversationId?: string }
    return control.streams(conversationId)
  })
  app.get('/_emulator/refusals', async (req) => {
    const { conversationId } = req.query as { conversationId?: string }
    return control.refusals(conversationId)
  })
  app.post('/_emulator/users', async (req, reply) => {
    control.addUser(body<TeamsUser>(req))
    return reply.code(201).send({})
  })
  app.post('/_emulator/channels', async (req, reply) => {
    control.addChannel(body<TeamsChannel>(req))
    return reply.code(201).send({})
  })
  app.post('/_emulator/bots', async (req, reply) => {
    control.addBot(body<BotRegistration>(req))
    return reply.code(201).send({})
  })
  app.get('/_emulator/sent', async (req) => {
    const { conversationId } = req.query as { conversationId?: string }
    return control.sent(conversationId)
  })
  app.delete('/_emulator/sent', async () => {
    control.clearSent()
    return {}
  })
  app.post('/_emulator/delivery-faults', async (req, reply) => {
    const b = body(req)
    control.injectDelivery(b['fault'] as DeliveryFault, Number(b['times'] ?? 1))
    return reply.code(201).send({})
  })
  app.post('/_emulator/faults', async (req, reply) => {
    control.faults.add(body<Fault>(req))
    return reply.code(201).send({})
  })
  app.delete('/_emulator/faults', async () => {
    control.clearFaults()
    return {}
  })
  app.put('/_emulator/rate-limits', async (req) => {
    control.setRateLimits(body(req)['enabled'] !== false)
    return {}
  })
  app.put('/_emulator/message-size-limit', async (req) => {
    control.setMessageSizeLimit(Number(body(req)['bytes']))
    return {}
  })
  app.post('/_emulator/clock/advance', async (req) => {
    control.clock.advance(Number(body(req)['ms']))
    return { now: control.clock.now().toISOString() }
  })
}
