import { z } from 'zod'

import { RemoteUnavailableError } from '../../../core/errors.ts'
import type { Participant } from '../../../core/model/participant.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type { OutgoingMessage, SendContext, Sent } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { botConnectionOf } from './bot-connection.ts'
import { createBotConnector } from './connector.ts'
import type { ConversationReference } from './conversation-reference.ts'
import { messageActivities, typingActivity } from './to-activity.ts'

export const appRateKey = (appId: string) => `botframework:${appId}`
export const conversationRateKey = (conversationId: string) => `botframework-conv:${conversationId}`

/**
 * Budgets for the limiter (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 * 30 requests/s per app per tenant; per bot and conversation 7/1 s, 8/2 s, 60/30 s and
 * 1800/h. One token bucket cannot hold all four: a burst of 7 refilled at 0.5/s keeps every one.
 */
export const BOT_RATE_BUDGETS = {
  botframework: { limit: 30, intervalMs: 1_000 },
  'botframework-conv': { limit: 7, intervalMs: 14_000 },
} as const

/** Part ids already sent per idempotency key, so a retry resumes instead of repeating. */
export const SENT_NAMESPACE = 'botframework-sent'

const resourceResponse = z.object({ id: z.string().min(1) }).loose()

export interface BotSender {
  send(to: RemoteAddress, message: OutgoingMessage, ctx: SendContext): Promise<Sent>
  sendTyping(to: RemoteAddress, ctx: SendContext): Promise<void>
}

/**
 * Proactive sends as the bot to a stored conversation reference:
 * `POST {serviceUrl}v3/conversations/{id}/activities` with a Bot Connector token.
 *
 * The Connector does not deduplicate: the activity `id` we could send is ignored and a replayed
 * POST posts twice (microsoft/BotFramework-DirectLineJS#105: "our platform do not dedupe").
 * So sends are not idempotent for the HttpClient (a timeout after sending surfaces as
 * RemoteAmbiguousError, never as a silent retry), and each delivered part is recorded under the
 * idempotency key so a job retry after a partial or unrecorded success sends only what is left.
 */
export function createBotSender(settings: MicrosoftTeamsSettings, deps: ConnectorDeps): BotSender {
  const connector = createBotConnector(botConnectionOf(settings), deps)
  const { appId, auth } = connector
  const target = (to: RemoteAddress) => connector.target(to)

  const post = async (
    url: string,
    ref: ConversationReference,
    activity: unknown,
    ctx: SendContext,
    idempotent: boolean,
  ) => {
    const convKey = conversationRateKey(ref.conversation.id)
    await deps.limiter.acquire(convKey, ctx.signal)
    try {
      const response = await deps.http.request({
        method: 'POST',
        url,
        json: activity,
        auth,
        rateKey: appRateKey(appId),
        idempotent,
        ...(idempotent ? { maxRetries: 0 } : {}),
        timeoutMs: 15_000,
        maxResponseBytes: 64 * 1024,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      })
      const parsed = resourceResponse.safeParse(safeJson(response.text()))
      return parsed.success ? parsed.data.id : undefined
    } catch (error) {
      // Teams throttles per conversation too: hold this conversation, not only the app key.
      if (error instanceof RemoteUnavailableError && error.status === 429) {
        await deps.limiter.pause(convKey, error.retryAfterMs ?? 1_000)
      }
      throw error
    }
  }

  return {
    async send(to, message, ctx) {
      const { ref, url } = target(to)
      const activities = messageActivities(ref, message.content)
      const done = (await deps.state.get<string[]>(SENT_NAMESPACE, ctx.idempotencyKey)) ?? []
      const ids = [...done]
      for (let index = ids.length; index < activities.length; index++) {
        const id = await post(url, ref, activities[index], ctx, false)
        ids.push(id ?? `${ctx.idempotencyKey}#${index}`)
        await deps.state.put(SENT_NAMESPACE, ctx.idempotencyKey, ids)
      }
      if (done.length > 0) ctx.log.info({ resumedAt: done.length }, 'bot send resumed')
      return { remoteMessageId: ids[0]! }
    },

    async sendTyping(to, ctx) {
      const { ref, url } = target(to)
      // A typing indicator is harmless twice and worthless late: no in-process retries.
      await post(url, ref, typingActivity(ref), ctx, true)
    },
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** True when the participant is this integration's bot (`28:{appId}` in Teams, the app id in Graph). */
export function isBotEcho(settings: MicrosoftTeamsSettings, sender: Participant): boolean {
  const appId = settings.bot?.appId.toLowerCase()
  const id = sender.remoteId?.toLowerCase()
  if (!appId || !id) return false
  return id === appId || id === `28:${appId}`
}
