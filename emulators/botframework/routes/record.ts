import type { BotFrameworkContext, SentActivity } from '../context.ts'
import { botAccountId } from '../ids.ts'
import type { Conversation } from '../state.ts'

/**
 * Stores what a bot sent the way the service keeps it (its own id, `from` = the bot, the
 * conversation, a timestamp), records it for `control.sent()` and calls the mirror hook.
 * Returns the activity id.
 */
export function recordBotActivity(
  ctx: BotFrameworkContext,
  conversation: Conversation,
  appId: string,
  operation: SentActivity['operation'],
  body: Record<string, unknown>,
  id = ctx.ids.next(ctx.clock.nowMs()),
): string {
  const now = ctx.clock.now().toISOString()
  const activity: Record<string, unknown> = {
    ...body,
    id,
    timestamp: now,
    channelId: 'msteams',
    serviceUrl: ctx.serviceUrl,
    from: { id: botAccountId(appId), name: ctx.bots.get(appId)?.name ?? 'Bot' },
    conversation: {
      id: conversation.id,
      conversationType: conversation.type,
      tenantId: conversation.tenantId,
    },
  }
  if (operation !== 'delete') {
    const existing = conversation.activities.get(id)
    if (existing && (operation === 'update' || operation === 'stream')) existing.activity = activity
    else conversation.activities.set(id, { id, by: appId, activity, deleted: false })
  }
  ctx.sent.push({
    conversationId: conversation.id,
    botAppId: appId,
    activityId: id,
    operation,
    activity,
    receivedAt: now,
  })
  ctx.onBotActivity?.(conversation.id, activity)
  return id
}
