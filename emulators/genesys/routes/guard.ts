import type { FastifyReply, FastifyRequest } from 'fastify'

import { applyFault } from '../../kit/server.ts'
import type { EmulatorContext } from '../context.ts'
import { uuid } from '../state/ids.ts'
import type { TokenState } from '../state/store.ts'
import { errorBody, sendError } from './errors.ts'

/** Applies injected faults and outages for `route`; true when the reply was handled. */
export async function failIfFaulted(
  ctx: EmulatorContext,
  route: string,
  reply: FastifyReply,
): Promise<boolean> {
  const outage = ctx.outages.current(route)
  if (outage) {
    if (outage.drop) {
      reply.hijack()
      reply.raw.destroy()
      return true
    }
    if (outage.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(outage.retryAfterSeconds))
    await sendError(reply, outage.status ?? 503)
    return true
  }
  return applyFault(ctx.faults, route, reply, (fault) => errorBody(fault.status ?? 500))
}

/**
 * The platform API's front door, in the order a client experiences it: faults/outages, bearer
 * token, per-token rate limit (headers on every answer), then the route's permission.
 * Returns the token, or undefined when the reply was already sent.
 */
export async function guardApi(
  ctx: EmulatorContext,
  route: string,
  req: FastifyRequest,
  reply: FastifyReply,
  permission?: string,
): Promise<TokenState | undefined> {
  if (await failIfFaulted(ctx, route, reply)) return undefined
  reply.header('inin-correlation-id', uuid())
  const header = req.headers.authorization
  const match = typeof header === 'string' ? /^bearer\s+(\S+)$/i.exec(header.trim()) : null
  if (!match) {
    await sendError(reply, 401, {
      message: 'No authentication bearer token specified in authorization header.',
    })
    return undefined
  }
  const token = ctx.state.tokens.get(match[1]!)
  if (!token || token.expiresAtMs <= ctx.clock.nowMs()) {
    await sendError(reply, 401)
    return undefined
  }
  const rate = ctx.limiter.hit(token.token)
  reply.header('inin-ratelimit-count', String(rate.count))
  reply.header('inin-ratelimit-allowed', String(rate.allowedPerWindow))
  reply.header('inin-ratelimit-reset', String(rate.resetSeconds))
  if (!rate.allowed) {
    reply.header('retry-after', String(rate.resetSeconds))
    await sendError(reply, 429, {
      message: `Rate limit exceeded the maximum. Retry the request in [${rate.resetSeconds}] seconds`,
    })
    return undefined
  }
  if (permission && !token.permissions.includes(permission)) {
    await sendError(reply, 403, { message: `Missing permission ${permission}` })
    return undefined
  }
  return token
}
