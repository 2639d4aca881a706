import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { Availability } from '../types.ts'
import { assertSelfOrApp, resolveUser } from './access.ts'
import { type GraphContext, principalOf } from './context.ts'
import { badRequest, notFound } from './graph-error.ts'
import { requireJson } from './pipeline.ts'

const config = (graphRoute: string) => ({ config: { graphRoute, throttle: 'presence' as const } })

// "Maximum of 650 user IDs are supported per API request"
// (https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid).
const MAX_BULK_IDS = 650

// Combinations setPresence accepts (https://learn.microsoft.com/graph/api/presence-setpresence).
const SETTABLE = new Set([
  'Available/Available',
  'Busy/InACall',
  'Busy/InAConferenceCall',
  'Away/Away',
  'DoNotDisturb/Presenting',
])

const MIN_SESSION_MS = 5 * 60_000
const MAX_SESSION_MS = 4 * 60 * 60_000

export function registerPresenceRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const presenceOf = (userId: string) => ({
    '@odata.context': `${ctx.baseUrl()}/$metadata#users('${userId}')/presence/$entity`,
    ...ctx.presence.get(userId),
  })

  scope.get<{ Params: { userId: string } }>(
    '/users/:userId/presence',
    config('presence.get'),
    async (req) => presenceOf(resolveUser(ctx, principalOf(req), req.params.userId).id),
  )
  scope.get('/me/presence', config('presence.get'), async (req) =>
    presenceOf(resolveUser(ctx, principalOf(req), 'me').id),
  )
  scope.get<{ Params: { userId: string } }>(
    '/communications/presences/:userId',
    config('presence.get'),
    async (req) => presenceOf(resolveUser(ctx, principalOf(req), req.params.userId).id),
  )

  scope.post('/communications/getPresencesByUserId', config('presence.bulk'), async (req) => {
    const ids = requireJson(req).ids
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      throw badRequest('ids must be a non-empty array of user ids.')
    }
    if (ids.length > MAX_BULK_IDS) {
      throw badRequest(`A maximum of ${MAX_BULK_IDS} user ids is supported per request.`)
    }
    return {
      '@odata.context': `${ctx.baseUrl()}/$metadata#Collection(microsoft.graph.presence)`,
      value: ids.map((id: string) =>
        ctx.directory.find(id)
          ? ctx.presence.get(id)
          : {
              id,
              availability: 'PresenceUnknown',
              activity: 'PresenceUnknown',
              statusMessage: null,
            },
      ),
    }
  })

  // setPresence / clearPresence: the app's own session on a user it may act for.
  const sessionRequest = (req: FastifyRequest<{ Params: { userId: string } }>) => {
    const principal = principalOf(req)
    const user = resolveUser(ctx, principal, req.params.userId)
    assertSelfOrApp(principal, user.id)
    const body = requireJson(req)
    return { user, body, sessionId: requireSession(body.sessionId, principal.appId) }
  }

  scope.post<{ Params: { userId: string } }>(
    '/users/:userId/presence/setPresence',
    config('presence.set'),
    async (req, reply) => {
      const { user, body, sessionId } = sessionRequest(req)
      const combo = `${String(body.availability)}/${String(body.activity)}`
      if (!SETTABLE.has(combo))
        throw badRequest(`The availability/activity '${combo}' cannot be set.`)
      const duration = parseDuration(body.expirationDuration)
      ctx.presence.setSession(user.id, sessionId, {
        availability: body.availability as Availability,
        activity: String(body.activity),
        expiresAtMs: ctx.clock.nowMs() + duration,
      })
      return reply.code(200).send()
    },
  )

  scope.post<{ Params: { userId: string } }>(
    '/users/:userId/presence/clearPresence',
    config('presence.clear'),
    async (req, reply) => {
      const { user, sessionId } = sessionRequest(req)
      if (!ctx.presence.clearSession(user.id, sessionId))
        throw notFound('The presence session does not exist.')
      return reply.code(200).send()
    },
  )
}

/** "Provide the ID of the application as sessionId." */
function requireSession(sessionId: unknown, appId: string): string {
  if (sessionId !== appId) throw badRequest('sessionId must be the calling application id.')
  return sessionId
}

/** ISO-8601 duration from PT5M to PT4H; 5 minutes when absent. */
function parseDuration(raw: unknown): number {
  if (raw === undefined) return MIN_SESSION_MS
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(String(raw))
  const ms = match
    ? ((Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60 + Number(match[3] ?? 0)) * 1000
    : NaN
  if (!(ms >= MIN_SESSION_MS && ms <= MAX_SESSION_MS)) {
    throw badRequest('expirationDuration must be between PT5M and PT4H.')
  }
  return ms
}
