import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import { messageId } from '../state/ids.ts'
import type { InboundReceiptRecord } from '../types.ts'
import { validateInboundEvent } from '../validate/inbound-event.ts'
import { validateInboundReceipt } from '../validate/inbound-receipt.ts'
import { sendError } from './errors.ts'
import { guardApi } from './guard.ts'
import { echoChannel, integrationFor } from './integration-lookup.ts'
import { NOT_HANDLED, readJson } from './json-body.ts'

const BASE = '/api/v2/conversations/messages/:integrationId/inbound/open'

/** Shared front half: guard, integration, JSON body. Undefined when already answered. */
async function accept(
  ctx: EmulatorContext,
  route: string,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const token = await guardApi(ctx, route, req, reply, 'conversation:message:receive')
  if (!token) return undefined
  const { integrationId } = req.params as { integrationId: string }
  const integration = await integrationFor(ctx, token, integrationId, reply)
  if (!integration) return undefined
  const body = await readJson(ctx, req, reply)
  return body === NOT_HANDLED ? undefined : { integration, body }
}

/** Customer typing. Answer: `OpenEventNormalizedMessage`. It never opens a conversation. */
async function inboundEvent(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const accepted = await accept(ctx, 'genesys.inbound.event', req, reply)
  if (!accepted) return
  const result = validateInboundEvent(accepted.body)
  if ('problems' in result) return sendError(reply, 400, { problems: result.problems })
  const { integration } = accepted
  const open = ctx.state.openConversation(integration.id, result.value.from.id)
  const id = messageId()
  ctx.state.events.push({
    id,
    integrationId: integration.id,
    ...(open && { conversationId: open.id }),
    ...result.value,
    receivedAt: ctx.clock.now().toISOString(),
  })
  await reply.code(200).send({
    id,
    channel: echoChannel(integration, { from: result.value.from, time: result.value.time }),
    type: 'Event',
    events: result.value.events,
  })
}

/**
 * Delivery receipt for an agent message. Answer: `OpenReceiptNormalizedMessage`. An unknown `id`
 * still gets 200, with a Failed receipt ("If the returned receipt has a Failed status, the return
 * error contains the reason(s)", gildas/go-gcloudcx SendInboundReceipt).
 */
async function inboundReceipt(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const accepted = await accept(ctx, 'genesys.inbound.receipt', req, reply)
  if (!accepted) return
  const result = validateInboundReceipt(accepted.body)
  if ('problems' in result) return sendError(reply, 400, { problems: result.problems })
  const { integration } = accepted
  const receipt = result.value
  const target = ctx.state.outbound.get(receipt.id)
  const matched = target?.integrationId === integration.id && target.kind === 'Text'
  const record: InboundReceiptRecord = {
    ...receipt,
    integrationId: integration.id,
    matched,
    receivedAt: ctx.clock.now().toISOString(),
  }
  ctx.state.receipts.push(record)
  if (matched) target.receipts.push(record)
  const reasons = matched
    ? receipt.reasons
    : [{ code: 'UnknownMessage', message: `Message ${receipt.id} not found` }]
  await reply.code(200).send({
    id: receipt.id,
    channel: {
      ...echoChannel(integration, { messageId: receipt.id, time: receipt.time }),
      to: { id: receipt.toId },
      from: { id: integration.id, idType: 'Opaque' },
    },
    type: 'Receipt',
    status: matched ? receipt.status : 'Failed',
    ...(reasons.length > 0 && { reasons }),
    ...(receipt.isFinalReceipt !== undefined && { isFinalReceipt: receipt.isFinalReceipt }),
    direction: 'Outbound',
  })
}

export function registerInboundEventReceiptRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
): void {
  app.post(`${BASE}/event`, (req, reply) => inboundEvent(ctx, req, reply))
  app.post(`${BASE}/receipt`, (req, reply) => inboundReceipt(ctx, req, reply))
}
