import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import { presenceDefinition, SYSTEM_PRESENCES } from '../state/presence-definitions.ts'
import type { TokenState } from '../state/store.ts'
import { isObject, Problems } from '../validate/check.ts'
import { sendError } from './errors.ts'
import { guardApi } from './guard.ts'
import { NOT_HANDLED, readJson } from './json-body.ts'

const definitionUri = (id: string) => `/api/v2/presencedefinitions/${id}`

function legacyDefinition(id: string, systemPresence: string) {
  return {
    id,
    languageLabels: { en_US: systemPresence },
    systemPresence,
    deactivated: false,
    primary: true,
    selfUri: definitionUri(id),
  }
}

function userPresence(ctx: EmulatorContext, userId: string) {
  const presence = ctx.state.presences.get(userId)!
  return {
    source: 'PURECLOUD',
    primary: presence.primary,
    presenceDefinition: {
      id: presence.presenceDefinitionId,
      systemPresence: presenceDefinition(presence.presenceDefinitionId)!.systemPresence,
      selfUri: definitionUri(presence.presenceDefinitionId),
    },
    message: presence.message,
    modifiedDate: presence.modifiedDate,
    selfUri: `/api/v2/users/${userId}/presences/purecloud`,
  }
}

/** The user must be in the caller's org and the source must be Genesys' own (`purecloud`). */
async function target(
  ctx: EmulatorContext,
  token: TokenState,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const { userId, sourceId } = req.params as { userId: string; sourceId: string }
  const agent = ctx.state.agents.get(userId)
  if (!agent || agent.orgId !== token.orgId || sourceId.toLowerCase() !== 'purecloud') {
    await sendError(reply, 404)
    return undefined
  }
  return userId
}

/**
 * PATCH "can be patched one of three ways": `primary: true`, `presenceDefinition.id`, `message`
 * (PresenceApi.md, research §6.2). An empty patch or an unknown definition is a 400.
 */
function checkPatch(body: unknown) {
  const problems = new Problems()
  if (!isObject(body)) return { problems: [{ field: 'body', problem: 'must be a JSON object' }] }
  if (body.primary !== undefined && body.primary !== true)
    problems.add('primary', 'may only be set to true')
  const message = problems.optionalString(body.message, 'message')
  let definitionId: string | undefined
  if (body.presenceDefinition !== undefined) {
    if (!isObject(body.presenceDefinition)) problems.add('presenceDefinition', 'must be an object')
    else definitionId = problems.requiredString(body.presenceDefinition.id, 'presenceDefinition.id')
    if (definitionId !== undefined && !presenceDefinition(definitionId))
      problems.add('presenceDefinition.id', `${definitionId} is not a presence definition`)
  }
  if (body.primary === undefined && body.presenceDefinition === undefined && message === undefined)
    problems.add('body', 'needs primary, presenceDefinition or message')
  return problems.empty
    ? { value: { primary: body.primary === true, definitionId, message } }
    : { problems: problems.list }
}

export function registerPresenceRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/api/v2/presencedefinitions', async (req, reply) => {
    if (!(await guardApi(ctx, 'genesys.presence.definitions', req, reply))) return
    const entities = SYSTEM_PRESENCES.map((p) => legacyDefinition(p.id, p.systemPresence))
    return {
      entities,
      pageSize: 25,
      pageNumber: 1,
      total: entities.length,
      pageCount: 1,
      selfUri: '/api/v2/presencedefinitions?pageSize=25&pageNumber=1',
    }
  })
  app.get('/api/v2/users/:userId/presences/:sourceId', async (req, reply) => {
    const token = await guardApi(ctx, 'genesys.presence.get', req, reply, 'user:presence:view')
    const userId = token && (await target(ctx, token, req, reply))
    if (userId) return userPresence(ctx, userId)
  })
  app.patch('/api/v2/users/:userId/presences/:sourceId', async (req, reply) => {
    const token = await guardApi(ctx, 'genesys.presence.patch', req, reply, 'user:presence:edit')
    const userId = token && (await target(ctx, token, req, reply))
    if (!userId) return
    const body = await readJson(ctx, req, reply)
    if (body === NOT_HANDLED) return
    const result = checkPatch(body)
    if ('problems' in result) return sendError(reply, 400, { problems: result.problems })
    const presence = ctx.state.presences.get(userId)!
    const at = ctx.clock.now().toISOString()
    const { definitionId, message, primary } = result.value
    if (definitionId !== undefined) presence.presenceDefinitionId = definitionId
    if (message !== undefined) presence.message = message
    if (primary) presence.primary = true
    presence.modifiedDate = at
    ctx.state.presenceChanges.push({
      userId,
      sourceId: 'PURECLOUD',
      ...(definitionId !== undefined && { presenceDefinitionId: definitionId }),
      ...(primary && { primary }),
      ...(message !== undefined && { message }),
      at,
    })
    return userPresence(ctx, userId)
  })
}
