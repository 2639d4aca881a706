import type { FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorClock } from '../kit/clock.ts'
import type { FaultInjector } from '../kit/faults.ts'
import { applyFault } from '../kit/server.ts'
import { authenticateBot, type TokenVerifier } from './connector-auth.ts'
import type { DeliveryFaults } from './delivery-faults.ts'
import { connectorError, unauthorized } from './errors.ts'
import type { MessageIdSource } from './ids.ts'
import type { TeamsRateLimits } from './limits.ts'
import type { Conversation, TeamsState } from './state.ts'
import type { TeamsStreams } from './streams.ts'
import type { UserFiles } from './user-files.ts'

/** What the Teams connector recorded a bot doing, in arrival order. */
export interface SentActivity {
  readonly conversationId: string
  readonly botAppId: string
  readonly activityId: string
  /** `stream`: a later chunk or the final message of a Teams stream (same `activityId`). */
  readonly operation: 'send' | 'reply' | 'update' | 'delete' | 'stream'
  /** The activity as stored (with `id`, `from`, `conversation`, `timestamp` filled in). */
  readonly activity: Record<string, unknown>
  readonly receivedAt: string
}

/** A bot call the connector refused (4xx/5xx, or a 202 that carries an error), for tests. */
export interface Refusal {
  readonly method: string
  readonly path: string
  readonly conversationId?: string
  readonly status: number
  readonly code?: string
  readonly message?: string
  readonly retryAfter?: string
  readonly receivedAt: string
}

export interface BotRegistration {
  readonly appId: string
  readonly endpoint: string
  readonly name?: string
}

export interface BotFrameworkContext {
  readonly state: TeamsState
  readonly clock: EmulatorClock
  readonly faults: FaultInjector
  readonly deliveryFaults: DeliveryFaults
  readonly limits: TeamsRateLimits
  readonly identity: TokenVerifier & {
    signJwt(
      claims: Record<string, unknown>,
      opts?: { expiresInSeconds?: number; keySet?: 'entra' | 'botframework' },
    ): Promise<string>
  }
  readonly bots: Map<string, BotRegistration>
  readonly ids: MessageIdSource
  readonly sent: SentActivity[]
  readonly refusals: Refusal[]
  readonly streams: TeamsStreams
  readonly files: UserFiles
  readonly onBotActivity: ((conversationId: string, activity: unknown) => void) | undefined
  /** `{url}/teams/`, the `serviceUrl` in every activity. */
  serviceUrl: string
  /** `http://127.0.0.1:port` */
  origin: string
  messageSizeLimitBytes: number
  deliveryTimeoutMs: number
}

/**
 * Common start of every v3 route: injected fault, then bot authentication (401). Returns the
 * calling bot's app id, or undefined when the reply has been sent.
 */
export async function guard(
  ctx: BotFrameworkContext,
  route: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<string | undefined> {
  if (await applyFault(ctx.faults, route, reply, faultBody)) return undefined
  const appId = await authenticateBot(req, ctx.identity, (id) => ctx.bots.has(id))
  if (!appId) {
    await unauthorized(reply)
    return undefined
  }
  return appId
}

const faultBody = (fault: { status?: number }) =>
  fault.status === 429
    ? { error: { code: 'TooManyRequests', message: 'API calls quota exceeded.' } }
    : { error: { code: 'ServiceError', message: 'The service encountered an error.' } }

/** The conversation the bot may act in, or the 404/403 Teams answers. */
export async function conversationForBot(
  ctx: BotFrameworkContext,
  appId: string,
  conversationId: string,
  reply: FastifyReply,
): Promise<Conversation | undefined> {
  const conversation = ctx.state.conversations.get(conversationId)
  if (!conversation) {
    await connectorError(reply, 404, 'ConversationNotFound', 'Conversation not found.')
    return undefined
  }
  if (!conversation.bots.has(appId)) {
    await connectorError(
      reply,
      403,
      'BotNotInConversationRoster',
      'The bot is not part of the conversation roster.',
    )
    return undefined
  }
  return conversation
}

/** Answers 429 with Retry-After when the call is over a Teams limit; true when it did. */
export async function throttled(reply: FastifyReply, waitSeconds: number): Promise<boolean> {
  if (waitSeconds <= 0) return false
  await connectorError(
    reply.header('retry-after', String(waitSeconds)),
    429,
    'TooManyRequests',
    'API calls quota exceeded.',
  )
  return true
}
