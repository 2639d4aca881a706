import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { jsonBody } from '../../kit/server.ts'
import { checkBotActivity } from '../activity-rules.ts'
import { type BotFrameworkContext, conversationForBot, guard, throttled } from '../context.ts'
import { connectorError } from '../errors.ts'
import type { Conversation } from '../state.ts'
import { recordBotActivity } from './record.ts'
import { handleStreamActivity, STREAM_MESSAGES, streamInfo } from './streaming.ts'

interface Params {
  conversationId: string
  activityId?: string
}

/**
 * Send, reply, update and delete (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
 * `POST /v3/conversations/{id}/activities` and `…/activities/{activityId}` → 201 `{id}`;
 * `PUT …/activities/{activityId}` → 200 `{id}`; `DELETE …/activities/{activityId}` → 200.
 * Teams has no nested replies in chats: a reply is stored as a send with `replyToId`.
 */
export function registerActivityRoutes(app: FastifyInstance, ctx: BotFrameworkContext): void {
  /** Auth, conversation, body rules and throttling shared by the routes that carry a body. */
  async function prepare(route: string, req: FastifyRequest, reply: FastifyReply) {
    const appId = await guard(ctx, route, req, reply)
    if (!appId) return undefined
    const { conversationId } = req.params as Params
    const conversation = await conversationForBot(ctx, appId, conversationId, reply)
    if (!conversation) return undefined
    const body = jsonBody(req)
    const problem = checkBotActivity(body, ctx.messageSizeLimitBytes)
    if (problem) {
      // A stream over the size limit is refused as a stream (streaming-ux "Response codes").
      const stream =
        problem.code === 'MessageSizeTooBig' && streamInfo(body as Record<string, unknown>)
      if (stream)
        await connectorError(reply, 403, 'ContentStreamNotAllowed', STREAM_MESSAGES.tooLarge)
      else await connectorError(reply, problem.status, problem.code, problem.message)
      return undefined
    }
    const wait = ctx.limits.hit('send', appId, conversation.tenantId, conversation.id)
    if (await throttled(reply, wait)) return undefined
    return { appId, conversation, body: body as Record<string, unknown> }
  }

  app.post('/v3/conversations/:conversationId/activities', async (req, reply) => {
    const ok = await prepare('botframework.sendActivity', req, reply)
    if (!ok) return reply
    const stream = streamInfo(ok.body)
    if (stream) return handleStreamActivity(ctx, ok.conversation, ok.appId, ok.body, stream, reply)
    const id = recordBotActivity(ctx, ok.conversation, ok.appId, 'send', ok.body)
    return reply.code(201).send({ id })
  })

  app.post('/v3/conversations/:conversationId/activities/:activityId', async (req, reply) => {
    const ok = await prepare('botframework.replyActivity', req, reply)
    if (!ok) return reply
    const { activityId } = req.params as Params
    const body = { ...ok.body, replyToId: activityId }
    const id = recordBotActivity(ctx, ok.conversation, ok.appId, 'reply', body)
    return reply.code(201).send({ id })
  })

  app.put('/v3/conversations/:conversationId/activities/:activityId', async (req, reply) => {
    const ok = await prepare('botframework.updateActivity', req, reply)
    if (!ok) return reply
    const { activityId } = req.params as Params
    if (!(await ownActivity(ok.conversation, ok.appId, activityId!, reply))) return reply
    recordBotActivity(ctx, ok.conversation, ok.appId, 'update', ok.body, activityId)
    return reply.code(200).send({ id: activityId })
  })

  app.delete('/v3/conversations/:conversationId/activities/:activityId', async (req, reply) => {
    const appId = await guard(ctx, 'botframework.deleteActivity', req, reply)
    if (!appId) return reply
    const { conversationId, activityId } = req.params as Params
    const conversation = await conversationForBot(ctx, appId, conversationId, reply)
    if (!conversation) return reply
    if (!(await ownActivity(conversation, appId, activityId!, reply))) return reply
    const wait = ctx.limits.hit('send', appId, conversation.tenantId, conversation.id)
    if (await throttled(reply, wait)) return reply
    conversation.activities.get(activityId!)!.deleted = true
    recordBotActivity(ctx, conversation, appId, 'delete', { type: 'messageDelete' }, activityId)
    return reply.code(200).send()
  })
}

/** Bots may change only their own, not deleted, messages. */
async function ownActivity(
  conversation: Conversation,
  appId: string,
  activityId: string,
  reply: FastifyReply,
): Promise<boolean> {
  const stored = conversation.activities.get(activityId)
  if (!stored || stored.deleted) {
    await connectorError(reply, 404, 'ActivityNotFound', 'The activity was not found.')
    return false
  }
  if (stored.by !== appId) {
    await connectorError(reply, 403, 'Forbidden', 'A bot can only change its own activities.')
    return false
  }
  return true
}
