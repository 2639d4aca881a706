import { createHash } from 'node:crypto'

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import type { TokenState } from '../state/store.ts'
import type { ConversationRecord, InboundMessageRecord, OutboundMessageRecord } from '../types.ts'
import { sendError } from './errors.ts'
import { guardApi } from './guard.ts'
import { NOT_HANDLED, readJson } from './json-body.ts'

/**
 * Reading a message conversation back, as an integration does to see what reached it:
 * `GET /api/v2/conversations/messages/{conversationId}` (getConversationsMessage → MessageConversation
 * {id, participants: MessageMediaParticipant[] with `purpose`, `state` and `messages: MessageDetails[]`})
 * and `POST /api/v2/conversations/messages/{conversationId}/messages/bulk`
 * (postConversationsMessageMessagesBulk, "Get messages in batch": a JSON array of message ids in,
 * a TextMessageListing of MessageData out). Sources: platform-client-sdk-javascript
 * `ConversationsApi.js`/`index.d.ts` (operation, body, return type), SDK model docs `MessageData`
 * ("providerMessageId: The unique identifier of the message from provider"), `MessageConversation`
 * and `MessageMediaParticipant` (platform-client-sdk-go). Public samples read the customer's ids
 * with `participants[purpose == customer].messages[].messageId` and pass them to the bulk call.
 */
const CONVERSATION_PATH = '/api/v2/conversations/messages/:conversationId'
const BULK_PATH = '/api/v2/conversations/messages/:conversationId/messages/bulk'

/**
 * The permission is not named in the SDK docs for these reads; the emulator asks for
 * `conversation:message:view` so a client whose role lacks it sees the 403 it would get. [UNVERIFIED]
 */
export const MESSAGE_VIEW_PERMISSION = 'conversation:message:view'

/** Stable UUID-shaped participant ids, one per conversation and purpose. */
function participantId(conversationId: string, purpose: string): string {
  const hex = createHash('sha256').update(`${conversationId}\n${purpose}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** The conversation in the path, if it is the caller's org's (another org's is a 404 too). */
async function conversationFor(
  ctx: EmulatorContext,
  token: TokenState,
  conversationId: string,
  reply: FastifyReply,
): Promise<ConversationRecord | undefined> {
  const conversation = ctx.state.conversation(conversationId)
  if (conversation && conversation.orgId === token.orgId) return conversation
  await sendError(reply, 404, { message: `Conversation ${conversationId} not found` })
  return undefined
}

const customerMessages = (ctx: EmulatorContext, conversation: ConversationRecord) =>
  ctx.state.received.filter((r) => r.conversationId === conversation.id)

const agentMessages = (ctx: EmulatorContext, conversation: ConversationRecord) =>
  [...ctx.state.outbound.values()].filter(
    (o) => o.conversationId === conversation.id && o.kind === 'Text',
  )

const outboundTime = (record: OutboundMessageRecord): string =>
  (JSON.parse(record.body) as { channel: { time: string } }).channel.time

const outboundStatus = (record: OutboundMessageRecord) =>
  record.state === 'pending' ? 'queued' : record.state === 'failed' ? 'failed' : 'delivered'

function messageConversation(ctx: EmulatorContext, conversation: ConversationRecord) {
  const messageUri = (id: string) =>
    `/api/v2/conversations/messages/${conversation.id}/messages/${id}`
  const customer = {
    id: participantId(conversation.id, 'customer'),
    name: conversation.customer.nickname ?? conversation.customer.id,
    address: conversation.customer.id,
    startTime: conversation.startedAt,
    ...(conversation.endedAt && { endTime: conversation.endedAt }),
    purpose: 'customer',
    state: conversation.state,
    direction: 'inbound',
    type: 'open',
    messages: customerMessages(ctx, conversation).map((r) => ({
      messageId: r.id,
      messageURI: messageUri(r.id),
      messageStatus: 'received',
      messageSegmentCount: 1,
      messageTime: r.receivedAt,
      messageMetadata: { type: 'Text' },
    })),
  }
  const replies = agentMessages(ctx, conversation)
  const agent =
    replies.length === 0
      ? []
      : [
          {
            id: participantId(conversation.id, 'agent'),
            name: 'Agent',
            startTime: conversation.startedAt,
            ...(conversation.endedAt && { endTime: conversation.endedAt }),
            purpose: 'agent',
            state: conversation.state,
            direction: 'inbound',
            type: 'open',
            messages: replies.map((o) => ({
              messageId: o.messageId,
              messageURI: messageUri(o.messageId),
              messageStatus: outboundStatus(o),
              messageSegmentCount: 1,
              messageTime: outboundTime(o),
              messageMetadata: { type: 'Text' },
            })),
          },
        ]
  return {
    id: conversation.id,
    participants: [customer, ...agent],
    selfUri: `/api/v2/conversations/messages/${conversation.id}`,
  }
}

function inboundData(
  conversation: ConversationRecord,
  record: InboundMessageRecord,
  normalized: boolean,
) {
  return {
    id: record.id,
    // For Open Messaging, the provider's id is the `channel.messageId` the integration supplied.
    ...(record.channelMessageId !== undefined && { providerMessageId: record.channelMessageId }),
    timestamp: record.receivedAt,
    fromAddress: record.from.id,
    toAddress: record.integrationId,
    direction: 'inbound',
    messengerType: 'open',
    // textBody is deprecated and left out with useNormalizedMessage=true.
    ...(!normalized && { textBody: record.text ?? '' }),
    status: 'received',
    ...(normalized && {
      normalizedMessage: {
        id: record.id,
        channel: { messageId: record.channelMessageId, from: record.from, time: record.time },
        type: 'Text',
        ...(record.text !== undefined && { text: record.text }),
        direction: 'Inbound',
      },
    }),
    conversationId: conversation.id,
    selfUri: `/api/v2/conversations/messages/${conversation.id}/messages/${record.id}`,
  }
}

function outboundData(
  conversation: ConversationRecord,
  record: OutboundMessageRecord,
  normalized: boolean,
) {
  const body = JSON.parse(record.body) as { text?: string; channel: { time: string } }
  return {
    id: record.messageId,
    timestamp: body.channel.time,
    fromAddress: record.integrationId,
    toAddress: conversation.customer.id,
    direction: 'outbound',
    messengerType: 'open',
    ...(!normalized && { textBody: body.text ?? '' }),
    status: outboundStatus(record),
    ...(normalized && { normalizedMessage: body }),
    conversationId: conversation.id,
    selfUri: `/api/v2/conversations/messages/${conversation.id}/messages/${record.messageId}`,
  }
}

function normalizedQuery(req: FastifyRequest, reply: FastifyReply): boolean | undefined {
  const value = (req.query as Record<string, string | undefined>).useNormalizedMessage
  if (value === undefined || value === 'false') return false
  if (value === 'true') return true
  void sendError(reply, 400, {
    problems: [{ field: 'useNormalizedMessage', problem: 'must be true or false' }],
  })
  return undefined
}

async function getConversation(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const token = await guardApi(ctx, 'genesys.conversation.get', req, reply, MESSAGE_VIEW_PERMISSION)
  if (!token) return
  const { conversationId } = req.params as { conversationId: string }
  const conversation = await conversationFor(ctx, token, conversationId, reply)
  if (!conversation) return
  await reply.code(200).send(messageConversation(ctx, conversation))
}

async function bulkMessages(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  const token = await guardApi(
    ctx,
    'genesys.conversation.messages.bulk',
    req,
    reply,
    MESSAGE_VIEW_PERMISSION,
  )
  if (!token) return
  const normalized = normalizedQuery(req, reply)
  if (normalized === undefined) return
  const { conversationId } = req.params as { conversationId: string }
  const conversation = await conversationFor(ctx, token, conversationId, reply)
  if (!conversation) return
  const body = await readJson(ctx, req, reply)
  if (body === NOT_HANDLED) return
  if (!Array.isArray(body) || !body.every((id) => typeof id === 'string' && id !== ''))
    return sendError(reply, 400, {
      problems: [{ field: 'body', problem: 'must be an array of message ids' }],
    })
  if (body.length > ctx.limits.bulkMessageIdsMax)
    return sendError(reply, 400, {
      problems: [
        { field: 'body', problem: `must hold at most ${ctx.limits.bulkMessageIdsMax} message ids` },
      ],
    })
  const inbound = new Map(customerMessages(ctx, conversation).map((r) => [r.id, r]))
  const outbound = new Map(agentMessages(ctx, conversation).map((o) => [o.messageId, o]))
  // Ids of other conversations, or none at all, are left out of the listing.
  const entities = (body as string[]).flatMap((id) => {
    const record = inbound.get(id)
    if (record) return [inboundData(conversation, record, normalized)]
    const reply = outbound.get(id)
    return reply ? [outboundData(conversation, reply, normalized)] : []
  })
  const selfUri = `/api/v2/conversations/messages/${conversation.id}/messages/bulk`
  await reply.code(200).send({
    entities,
    pageSize: entities.length,
    pageNumber: 1,
    total: entities.length,
    pageCount: 1,
    firstUri: selfUri,
    lastUri: selfUri,
    selfUri,
  })
}

export function registerMessageConversationRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
): void {
  app.get(CONVERSATION_PATH, (req, reply) => getConversation(ctx, req, reply))
  app.post(BULK_PATH, (req, reply) => bulkMessages(ctx, req, reply))
}
