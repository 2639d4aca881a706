import type { FastifyInstance, FastifyRequest } from 'fastify'

import { applyFault, jsonBody } from '../../kit/server.ts'
import { type ThrottleClass, tooManyRequestsBody } from '../throttling.ts'
import { type GraphContext, principalOf, setPrincipal } from './context.ts'
import {
  badRequest,
  clientRequestIdOf,
  graphErrorBody,
  GraphHttpError,
  requestIdOf,
  sendGraphError,
} from './graph-error.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route name used by faults and throttle faults (listed in emulators/README.md). */
    graphRoute?: string
    throttle?: ThrottleClass
  }
}

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com'

// What Graph sends with a 401, so clients can discover the authority.
const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'

const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
}

/**
 * Hooks every /v1.0 route runs, in Graph's order: injected faults, then the bearer token, then
 * throttling. Also sets `request-id` / `client-request-id` and renders errors Graph's way.
 */
export function registerPipeline(scope: FastifyInstance, ctx: GraphContext): void {
  scope.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', requestIdOf(req))
    reply.header('client-request-id', clientRequestIdOf(req))
    const route = req.routeOptions.config.graphRoute ?? 'unknown'
    const faulted = await applyFault(ctx.faults, route, reply, (fault) =>
      graphErrorBody(
        req,
        STATUS_CODES[fault.status ?? 500] ?? 'UnknownError',
        'Injected fault.',
        ctx.clock.now(),
      ),
    )
    if (faulted) return reply
    await authenticate(req, ctx)
    throttle(req, ctx, route)
    return undefined
  })

  scope.setErrorHandler(async (error, req, reply) => {
    const graphError =
      error instanceof GraphHttpError
        ? error
        : new GraphHttpError(
            (error as { statusCode?: number }).statusCode ?? 500,
            STATUS_CODES[(error as { statusCode?: number }).statusCode ?? 500] ?? 'UnknownError',
            error instanceof Error ? error.message : 'Internal error.',
          )
    await sendGraphError(req, reply, graphError, ctx.clock.now())
  })

  scope.setNotFoundHandler(async (req, reply) => {
    const segment = req.url.split('?')[0]!.split('/').filter(Boolean).pop() ?? ''
    await sendGraphError(
      req,
      reply,
      badRequest(`Resource not found for the segment '${decodeURIComponent(segment)}'.`),
      ctx.clock.now(),
    )
  })
}

async function authenticate(req: FastifyRequest, ctx: GraphContext): Promise<void> {
  const header = req.headers.authorization ?? ''
  const unauthorized = (message: string) =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', message, {
      'www-authenticate': WWW_AUTHENTICATE,
    })
  if (!header) throw unauthorized('Access token is empty.')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) throw unauthorized('Access token validation failure.')
  let principal
  try {
    principal = await ctx.identity.verifyAccessToken(match[1]!, GRAPH_AUDIENCE)
  } catch (err) {
    const reason = err instanceof Error && err.message ? ` ${err.message}` : ''
    throw unauthorized(`Access token validation failure.${reason}`)
  }
  if (principal.tenantId !== ctx.tenantId) {
    throw unauthorized('Access token validation failure. Invalid tenant.')
  }
  setPrincipal(req, principal)
}

function throttle(req: FastifyRequest, ctx: GraphContext, route: string): void {
  const cls = req.routeOptions.config.throttle ?? 'other'
  const principal = principalOf(req)
  const params = req.params as Record<string, string | undefined>
  const wait = ctx.throttler.check(
    cls,
    {
      appId: principal.appId,
      tenantId: principal.tenantId,
      ...(params.userId ? { mailbox: params.userId.toLowerCase() } : {}),
      ...(params.teamId ? { teamId: params.teamId } : {}),
    },
    route,
  )
  if (wait > 0) {
    throw new GraphHttpError(
      429,
      'TooManyRequests',
      'Please retry again later.',
      { 'retry-after': String(wait) },
      tooManyRequestsBody(ctx.clock.now(), requestIdOf(req)),
    )
  }
}

/** The request body as JSON, or Graph's 400 when it is not JSON. */
export function requireJson(req: FastifyRequest): Record<string, unknown> {
  const body = jsonBody(req)
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    )
  }
  return body as Record<string, unknown>
}
