import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import { uuid } from '../state/ids.ts'
import type { TokenState } from '../state/store.ts'
import { isObject, type Json, Problems, unknownKeys } from '../validate/check.ts'
import { sendError } from './errors.ts'
import { guardApi } from './guard.ts'
import { NOT_HANDLED, readJson } from './json-body.ts'

// CreateEmailRequest fields (platform API model). There is no `attachments` field (research §6.1).
const STRING_FIELDS = [
  'queueId',
  'flowId',
  'skillExpression',
  'languageId',
  'toAddress',
  'toName',
  'fromAddress',
  'fromName',
  'subject',
  'htmlBody',
  'textBody',
  'externalContactId',
  'utilizationLabel',
] as const
const KNOWN = [...STRING_FIELDS, 'provider', 'skillIds', 'priority', 'attributes', 'direction']

/**
 * `queueId` and `flowId` are "mutually exclusive"; "The Provider "PureCloud Email" is reserved for
 * native emails"; `externalContactId` is "only valid for OUTBOUND email". INBOUND needs the sender's
 * address and OUTBOUND a recipient (inferred: the conversation has nobody to show otherwise).
 */
function checkEmail(ctx: EmulatorContext, token: TokenState, body: Json) {
  const problems = new Problems()
  const provider = problems.requiredString(body.provider, 'provider')
  if (provider === 'PureCloud Email')
    problems.add('provider', 'PureCloud Email is reserved for native emails')
  for (const field of STRING_FIELDS) problems.optionalString(body[field], field)
  const direction =
    body.direction === undefined
      ? 'INBOUND'
      : problems.oneOf(body.direction, ['INBOUND', 'OUTBOUND'] as const, 'direction')
  if (body.queueId !== undefined && body.flowId !== undefined)
    problems.add('queueId', 'and flowId are mutually exclusive')
  if (body.queueId === undefined && body.flowId === undefined)
    problems.add('queueId', 'or flowId is required')
  const queue = typeof body.queueId === 'string' ? ctx.state.queues.get(body.queueId) : undefined
  if (typeof body.queueId === 'string' && (!queue || queue.orgId !== token.orgId))
    problems.add('queueId', `${body.queueId} is not a queue of this organization`)
  if (direction === 'INBOUND' && !body.fromAddress)
    problems.add('fromAddress', 'is required for INBOUND')
  if (direction === 'OUTBOUND' && !body.toAddress)
    problems.add('toAddress', 'is required for OUTBOUND')
  if (direction === 'INBOUND' && body.externalContactId !== undefined)
    problems.add('externalContactId', 'is only valid for OUTBOUND email')
  if (
    body.skillIds !== undefined &&
    (!Array.isArray(body.skillIds) || body.skillIds.some((s) => typeof s !== 'string'))
  )
    problems.add('skillIds', 'must be an array of strings')
  if (body.priority !== undefined && !Number.isInteger(body.priority))
    problems.add('priority', 'must be an integer')
  problems.stringMap(body.attributes, 'attributes')
  for (const field of unknownKeys(body, KNOWN, ''))
    problems.add(field, 'is not a CreateEmailRequest field')
  return { problems: problems.list, direction }
}

async function createEmail(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const token = await guardApi(
    ctx,
    'genesys.emails.create',
    req,
    reply,
    'conversation:email:create',
  )
  if (!token) return
  const body = await readJson(ctx, req, reply)
  if (body === NOT_HANDLED) return
  if (!isObject(body))
    return sendError(reply, 400, {
      problems: [{ field: 'body', problem: 'must be a JSON object' }],
    })
  const { problems, direction } = checkEmail(ctx, token, body)
  if (problems.length > 0) return sendError(reply, 400, { problems })
  const id = uuid()
  ctx.state.emails.push({
    conversationId: id,
    orgId: token.orgId,
    request: body,
    receivedAt: ctx.clock.now().toISOString(),
  })
  const external =
    direction === 'INBOUND'
      ? { address: body.fromAddress, name: body.fromName }
      : { address: body.toAddress, name: body.toName }
  await reply.code(200).send({
    id,
    participants: [
      {
        id: uuid(),
        purpose: direction === 'INBOUND' ? 'customer' : 'external',
        state: 'connected',
        provider: body.provider,
        ...external,
        attributes: body.attributes ?? {},
      },
      {
        id: uuid(),
        purpose: 'acd',
        state: 'alerting',
        ...(body.queueId !== undefined && { queueId: body.queueId }),
      },
    ],
    otherMediaUris: [],
    selfUri: `/api/v2/conversations/emails/${id}`,
  })
}

export function registerEmailRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/api/v2/conversations/emails', (req, reply) => createEmail(ctx, req, reply))
}
