import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { MessageContainer } from '../state/chat-message.ts'
import { messageContext } from '../state/chat-message.ts'
import { escapeHtml } from '../state/html.ts'
import { attachmentTag, quoteAttachment } from '../state/message-parts.ts'
import type { MessageDraft } from '../state/message-store.ts'
import { assertCanPost, assertMember, requireChat, resolveUser } from './access.ts'
import { type GraphContext, principalOf } from './context.ts'
import { badRequest, forbidden, notFound } from './graph-error.ts'
import { serveHostedContent } from './hosted-contents.ts'
import { parseMessageDraft } from './message-draft.ts'
import { listChatMessages } from './message-listing.ts'
import { collection } from './odata.ts'
import { requireJson } from './pipeline.ts'

type ChatParams = { Params: { chatId: string; userId?: string } }
type MessageParams = { Params: { chatId: string; messageId: string } }

const get = (graphRoute: string) => ({
  config: { graphRoute, throttle: 'chatMessage.get' as const },
})
const post = (graphRoute: string) => ({
  config: { graphRoute, throttle: 'chatMessage.post' as const },
})

// Reply-with-quote takes up to 10 messages (https://learn.microsoft.com/graph/api/chatmessage-replywithquote).
const MAX_QUOTED = 10

export function registerChatMessageRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const readableChat = (
    req: FastifyRequest<ChatParams>,
    owner = req.params.userId,
  ): MessageContainer => {
    const principal = principalOf(req)
    if (owner) resolveUser(ctx, principal, owner)
    const chat = requireChat(ctx, req.params.chatId)
    assertMember(principal, chat.memberIds)
    return { kind: 'chat', chatId: chat.id }
  }

  const list = async (req: FastifyRequest<ChatParams>, owner?: string) => {
    const container = readableChat(req, owner)
    const page = listChatMessages(req, ctx.baseUrl(), ctx.messages.list(container))
    return collection(
      `${ctx.baseUrl()}/$metadata#chats('${encodeURIComponent(req.params.chatId)}')/messages`,
      page,
    )
  }
  scope.get<ChatParams>('/chats/:chatId/messages', get('chats.messages.list'), (req) => list(req))
  scope.get<ChatParams>(
    '/users/:userId/chats/:chatId/messages',
    get('chats.messages.list'),
    (req) => list(req),
  )
  scope.get<ChatParams>('/me/chats/:chatId/messages', get('chats.messages.list'), (req) =>
    list(req, 'me'),
  )

  scope.get<MessageParams>(
    '/chats/:chatId/messages/:messageId',
    get('chats.messages.get'),
    async (req) => {
      const container = readableChat(req)
      const message = ctx.messages.get(container, req.params.messageId)
      if (!message) throw notFound('Message not found.')
      return { '@odata.context': messageContext(ctx.baseUrl(), container), ...message }
    },
  )

  scope.get<MessageParams & { Params: { '*'?: string } }>(
    '/chats/:chatId/messages/:messageId/hostedContents',
    get('chats.messages.hostedContents'),
    async (req, reply) =>
      serveHostedContent(ctx, reply, readableChat(req), req.params.messageId, ''),
  )
  scope.get<{ Params: { chatId: string; messageId: string; '*': string } }>(
    '/chats/:chatId/messages/:messageId/hostedContents/*',
    get('chats.messages.hostedContents'),
    async (req, reply) =>
      serveHostedContent(ctx, reply, readableChat(req), req.params.messageId, req.params['*']),
  )

  /** Posts as the signed-in member; `draftOf` builds the message from the request body. */
  const postToChat = async (
    req: FastifyRequest<ChatParams>,
    reply: FastifyReply,
    draftOf: (body: Record<string, unknown>, container: MessageContainer) => MessageDraft,
  ) => {
    const chat = requireChat(ctx, req.params.chatId)
    const userId = assertCanPost(principalOf(req), chat.memberIds)
    const container: MessageContainer = { kind: 'chat', chatId: chat.id }
    const draft = draftOf(requireJson(req), container)
    const message = ctx.messages.create(container, senderOf(ctx, userId), draft)
    return reply
      .code(201)
      .send({ '@odata.context': messageContext(ctx.baseUrl(), container), ...message })
  }

  scope.post<ChatParams>('/chats/:chatId/messages', post('chats.messages.create'), (req, reply) =>
    postToChat(req, reply, (body) => parseMessageDraft(body)),
  )

  scope.post<ChatParams>(
    '/chats/:chatId/messages/replyWithQuote',
    post('chats.messages.replyWithQuote'),
    (req, reply) => postToChat(req, reply, (body, container) => quoteDraft(ctx, body, container)),
  )
}

/** replyWithQuote: the reply body preceded by one messageReference per quoted message. */
function quoteDraft(
  ctx: GraphContext,
  body: Record<string, unknown>,
  container: MessageContainer,
): MessageDraft {
  const ids = body.messageIds
  if (
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > MAX_QUOTED ||
    !ids.every((i) => typeof i === 'string')
  ) {
    throw badRequest(`messageIds must list 1 to ${MAX_QUOTED} message ids.`)
  }
  const quoted = ids.map((id: string) => {
    const found = ctx.messages.get(container, id)
    if (!found) throw notFound(`Message '${id}' was not found in this chat.`)
    return found
  })
  const replyMessage = body.replyMessage
  if (typeof replyMessage !== 'object' || replyMessage === null) {
    throw badRequest('replyMessage is required.')
  }
  const draft = parseMessageDraft(replyMessage as Record<string, unknown>)
  const text =
    draft.body.contentType === 'html' ? draft.body.content : escapeHtml(draft.body.content)
  const tags = quoted.map((q) => attachmentTag(q.id)).join('')
  draft.body = { contentType: 'html', content: `${tags}${text}` }
  draft.attachments = [...quoted.map(quoteAttachment), ...draft.attachments]
  return draft
}

export function senderOf(ctx: GraphContext, userId: string) {
  const user = ctx.directory.find(userId)
  if (!user) throw forbidden('The signed-in user is not in this tenant.')
  return { kind: 'user' as const, user, tenantId: ctx.tenantId }
}
