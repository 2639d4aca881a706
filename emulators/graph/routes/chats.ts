import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { Chat } from '../state/conversations.ts'
import { assertMember, assertSelfOrApp, requireChat, resolveUser } from './access.ts'
import { type GraphContext, isDelegated, principalOf } from './context.ts'
import { forbidden } from './graph-error.ts'

export function chatJson(ctx: GraphContext, chat: Chat): Record<string, unknown> {
  return {
    id: chat.id,
    topic: chat.topic,
    createdDateTime: chat.createdDateTime,
    lastUpdatedDateTime: chat.lastUpdatedDateTime,
    chatType: chat.chatType,
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${ctx.tenantId}`,
    tenantId: ctx.tenantId,
    onlineMeetingInfo: null,
    viewpoint: null,
    isHiddenForAllMembers: false,
  }
}

/** aadUserConversationMember (https://learn.microsoft.com/graph/api/resources/aaduserconversationmember). */
function memberJson(ctx: GraphContext, chat: Chat, userId: string): Record<string, unknown> {
  const user = ctx.directory.find(userId)
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: Buffer.from(`1##0##${chat.id}##${userId}`).toString('base64'),
    roles: ['owner'],
    displayName: user?.displayName ?? null,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId,
    email: user?.mail ?? null,
    tenantId: ctx.tenantId,
  }
}

const readConfig = (graphRoute: string) => ({
  config: { graphRoute, throttle: 'teams.get' as const },
})

export function registerChatRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const readable = (req: FastifyRequest<{ Params: { chatId: string } }>) => {
    const chat = requireChat(ctx, req.params.chatId)
    assertMember(principalOf(req), chat.memberIds)
    return chat
  }

  scope.get<{ Params: { chatId: string } }>(
    '/chats/:chatId',
    readConfig('chats.get'),
    async (req) => {
      const chat = readable(req)
      return {
        '@odata.context': `${ctx.baseUrl()}/$metadata#chats/$entity`,
        ...chatJson(ctx, chat),
      }
    },
  )

  scope.get<{ Params: { chatId: string } }>(
    '/chats/:chatId/members',
    readConfig('chats.members.list'),
    async (req) => {
      const chat = readable(req)
      return {
        '@odata.context': `${ctx.baseUrl()}/$metadata#chats('${encodeURIComponent(chat.id)}')/members`,
        '@odata.count': chat.memberIds.length,
        value: chat.memberIds.map((id) => memberJson(ctx, chat, id)),
      }
    },
  )

  // GET /chats lists the signed-in user's chats; application tokens use /users/{id}/chats.
  scope.get('/chats', readConfig('chats.list'), async (req) => {
    const principal = principalOf(req)
    if (!isDelegated(principal)) {
      throw forbidden('Requested API is not supported in application-only context.')
    }
    return chatList(ctx, principal.userId)
  })

  scope.get<{ Params: { userId: string } }>(
    '/users/:userId/chats',
    readConfig('users.chats.list'),
    async (req) => {
      const principal = principalOf(req)
      const user = resolveUser(ctx, principal, req.params.userId)
      assertSelfOrApp(principal, user.id)
      return chatList(ctx, user.id)
    },
  )
  scope.get('/me/chats', readConfig('users.chats.list'), async (req) => {
    const principal = principalOf(req)
    return chatList(ctx, resolveUser(ctx, principal, 'me').id)
  })
}

function chatList(ctx: GraphContext, userId: string): Record<string, unknown> {
  return {
    '@odata.context': `${ctx.baseUrl()}/$metadata#chats`,
    '@odata.count': ctx.conversations.chatsOf(userId).length,
    value: ctx.conversations.chatsOf(userId).map((chat) => chatJson(ctx, chat)),
  }
}
