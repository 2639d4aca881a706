import type { FastifyInstance } from 'fastify'

import { jsonBody } from '../../kit/server.ts'
import { checkBotActivity } from '../activity-rules.ts'
import { type BotFrameworkContext, guard, throttled } from '../context.ts'
import { connectorError } from '../errors.ts'
import { appIdOf } from '../ids.ts'
import { recordBotActivity } from './record.ts'

type Body = Record<string, unknown>
const obj = (v: unknown): Body => (typeof v === 'object' && v !== null ? (v as Body) : {})

/**
 * `POST /v3/conversations` (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages):
 * a 1:1 chat with one known user (`{bot, members:[{id}], channelData:{tenant:{id}}}` → `{id}`,
 * the same id for the same bot and user), or a new channel thread
 * (`{isGroup:true, channelData:{channel:{id}}, activity}` → `{id, activityId}`).
 * "You must supply the user ID and the tenant ID."
 */
export function registerCreateConversation(app: FastifyInstance, ctx: BotFrameworkContext): void {
  app.post('/v3/conversations', async (req, reply) => {
    const appId = await guard(ctx, 'botframework.createConversation', req, reply)
    if (!appId) return reply
    const body = jsonBody(req)
    if (typeof body !== 'object' || body === null)
      return connectorError(reply, 400, 'BadArgument', 'The request body is not valid JSON.')
    const b = body as Body
    const botId = obj(b['bot'])['id']
    if (botId !== undefined && appIdOf(String(botId)) !== appId)
      return connectorError(reply, 400, 'BadArgument', 'The bot id does not match the caller.')
    const channelData = obj(b['channelData'])
    const tenantId = (obj(channelData['tenant'])['id'] ?? b['tenantId']) as string | undefined
    if (!tenantId) return connectorError(reply, 400, 'BadArgument', 'A tenant id is required.')
    const activity = b['activity']
    if (activity !== undefined) {
      const problem = checkBotActivity(activity, ctx.messageSizeLimitBytes)
      if (problem) return connectorError(reply, problem.status, problem.code, problem.message)
    }

    const channelId = obj(channelData['channel'])['id']
    if (channelId !== undefined) {
      const channel = ctx.state.channels.get(String(channelId))
      if (!channel || channel.tenantId !== tenantId)
        return connectorError(reply, 404, 'ConversationNotFound', 'Channel not found.')
      if (activity === undefined)
        return connectorError(reply, 400, 'BadArgument', 'A new channel thread needs an activity.')
      if (await throttled(reply, ctx.limits.hit('send', appId, tenantId, channel.id))) return reply
      const activityId = ctx.ids.next(ctx.clock.nowMs())
      const conversation = ctx.state.channelConversation(
        appId,
        channel,
        `${channel.id};messageid=${activityId}`,
      )
      recordBotActivity(ctx, conversation, appId, 'send', activity as Body, activityId)
      return reply.code(201).send({ id: conversation.id, activityId })
    }

    const members = Array.isArray(b['members']) ? (b['members'] as unknown[]) : []
    if (members.length !== 1)
      return connectorError(
        reply,
        400,
        'BadArgument',
        'Exactly one member is required for a 1:1 chat.',
      )
    const user = ctx.state.findUser(String(obj(members[0])['id'] ?? ''))
    if (!user || user.tenantId !== tenantId)
      return connectorError(reply, 404, 'MemberNotFound', 'The member was not found in the tenant.')
    if (await throttled(reply, ctx.limits.hit('send', appId, tenantId, `create|${user.id}`)))
      return reply
    const conversation = ctx.state.personal(appId, user)
    if (activity === undefined) return reply.code(201).send({ id: conversation.id })
    const activityId = recordBotActivity(ctx, conversation, appId, 'send', activity as Body)
    return reply.code(201).send({ id: conversation.id, activityId })
  })
}
