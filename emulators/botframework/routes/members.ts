import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { type BotFrameworkContext, conversationForBot, guard, throttled } from '../context.ts'
import { connectorError } from '../errors.ts'
import type { Conversation, TeamsUser } from '../state.ts'

/** TeamsChannelAccount, as `GET …/members` returns it in Teams. */
const account = (user: TeamsUser) => {
  const [givenName, ...rest] = user.name.split(' ')
  return {
    id: user.id,
    name: user.name,
    aadObjectId: user.aadObjectId,
    givenName,
    surname: rest.join(' ') || undefined,
    email: user.userPrincipalName,
    userPrincipalName: user.userPrincipalName,
    tenantId: user.tenantId,
    userRole: 'user',
  }
}

/**
 * Roster routes (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context):
 * `GET /v3/conversations/{id}/members`, `…/members/{memberId}` (by `29:` id or Entra object id),
 * `…/pagedmembers?pageSize=&continuationToken=` → `{members, continuationToken?}`.
 */
export function registerMemberRoutes(app: FastifyInstance, ctx: BotFrameworkContext): void {
  async function prepare(
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Conversation | undefined> {
    const appId = await guard(ctx, 'botframework.getMembers', req, reply)
    if (!appId) return undefined
    const { conversationId } = req.params as { conversationId: string }
    const conversation = await conversationForBot(ctx, appId, conversationId, reply)
    if (!conversation) return undefined
    const wait = ctx.limits.hit('members', appId, conversation.tenantId, conversation.id)
    if (await throttled(reply, wait)) return undefined
    return conversation
  }

  app.get('/v3/conversations/:conversationId/members', async (req, reply) => {
    const conversation = await prepare(req, reply)
    if (!conversation) return reply
    return [...conversation.members.values()].map(account)
  })

  app.get('/v3/conversations/:conversationId/members/:memberId', async (req, reply) => {
    const conversation = await prepare(req, reply)
    if (!conversation) return reply
    const { memberId } = req.params as { memberId: string }
    const user = [...conversation.members.values()].find(
      (u) => u.id === memberId || u.aadObjectId === memberId,
    )
    if (!user)
      return connectorError(reply, 404, 'MemberNotFoundInConversation', 'Member not found.')
    return account(user)
  })

  app.get('/v3/conversations/:conversationId/pagedmembers', async (req, reply) => {
    const conversation = await prepare(req, reply)
    if (!conversation) return reply
    const q = req.query as { pageSize?: string; continuationToken?: string }
    const pageSize = Math.min(Math.max(Number(q.pageSize ?? 200) || 200, 1), 500)
    const start = Number(q.continuationToken ?? 0) || 0
    const members = [...conversation.members.values()].slice(start, start + pageSize)
    const next = start + pageSize < conversation.members.size ? String(start + pageSize) : undefined
    return { members: members.map(account), ...(next ? { continuationToken: next } : {}) }
  })
}
