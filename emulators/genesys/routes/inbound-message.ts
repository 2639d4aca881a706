import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import { inboundReceiptBody } from '../outbound/normalized.ts'
import { messageId } from '../state/ids.ts'
import type { IntegrationState } from '../state/store.ts'
import type { InboundMessageRecord } from '../types.ts'
import { validateInboundMessage } from '../validate/inbound-message.ts'
import { sendError } from './errors.ts'
import { guardApi } from './guard.ts'
import { echoChannel, integrationFor } from './integration-lookup.ts'
import { NOT_HANDLED, readJson } from './json-body.ts'

const PATH = '/api/v2/conversations/messages/:integrationId/inbound/open/message'

/** Answer: `OpenMessageNormalizedMessage`; `conversationId` only with `prefetchConversationId=true`. */
function normalized(
  integration: IntegrationState,
  record: InboundMessageRecord,
  prefetch: boolean,
) {
  return {
    id: record.id,
    channel: echoChannel(integration, {
      ...(record.channelMessageId !== undefined && { messageId: record.channelMessageId }),
      from: record.from,
      time: record.time,
      ...(record.customAttributes && { metadata: { customAttributes: record.customAttributes } }),
    }),
    type: 'Text',
    ...(record.text !== undefined && { text: record.text }),
    ...(record.content.length > 0 && { content: record.content }),
    ...(record.metadata && { metadata: record.metadata }),
    direction: 'Inbound',
    ...(prefetch && { conversationId: record.conversationId }),
  }
}

function receiptFor(
  ctx: EmulatorContext,
  integration: IntegrationState,
  record: InboundMessageRecord,
) {
  const id = messageId()
  const body = inboundReceiptBody({
    inboundId: record.id,
    ...(record.channelMessageId !== undefined && { channelMessageId: record.channelMessageId }),
    integration,
    customer: record.from,
    conversationId: record.conversationId,
    time: ctx.clock.now().toISOString(),
  })
  ctx.webhooks.enqueue({
    messageId: id,
    integrationId: integration.id,
    conversationId: record.conversationId,
    kind: 'Receipt',
    body: JSON.stringify(body),
    state: 'pending',
    receipts: [],
  })
}

async function inboundMessage(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const token = await guardApi(
    ctx,
    'genesys.inbound.message',
    req,
    reply,
    'conversation:message:receive',
  )
  if (!token) return
  const { integrationId } = req.params as { integrationId: string }
  const integration = await integrationFor(ctx, token, integrationId, reply)
  if (!integration) return
  const prefetch = (req.query as Record<string, string | undefined>).prefetchConversationId
  if (prefetch !== undefined && prefetch !== 'true' && prefetch !== 'false')
    return sendError(reply, 400, {
      problems: [{ field: 'prefetchConversationId', problem: 'must be true or false' }],
    })
  const body = await readJson(ctx, req, reply)
  if (body === NOT_HANDLED) return
  const result = validateInboundMessage(body, ctx.limits)
  if ('problems' in result) return sendError(reply, 400, { problems: result.problems })
  const now = ctx.clock.now()
  const { ignoredFields, ...message } = result.value
  const conversation = ctx.state.joinOrStart(integration, message.from, now)
  const record: InboundMessageRecord = {
    id: messageId(),
    integrationId: integration.id,
    conversationId: conversation.id,
    ...message,
    duplicate: ctx.state.markChannelMessageId(integration.id, message.channelMessageId),
    ignoredFields,
    receivedAt: now.toISOString(),
  }
  ctx.state.received.push(record)
  if (integration.inboundReceipts) receiptFor(ctx, integration, record)
  await reply.code(200).send(normalized(integration, record, prefetch === 'true'))
}

export function registerInboundMessageRoute(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post(PATH, (req, reply) => inboundMessage(ctx, req, reply))
}
