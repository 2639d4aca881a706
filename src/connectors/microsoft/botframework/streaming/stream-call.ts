import { z } from 'zod'

import { RemoteUnavailableError } from '../../../../core/errors.ts'
import type { ConnectorDeps } from '../../../shared/deps.ts'
import { appRateKey, conversationRateKey } from '../client.ts'
import type { BotConnector } from '../connector.ts'

/**
 * What Teams answered one stream activity, from the streaming-ux page's "Response codes"
 * (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux#response-codes). The 403
 * `ContentStreamNotAllowed` answers differ only in their message, so the message is read to
 * tell them apart (and never logged or stored).
 */
export type StreamAnswer =
  | { readonly kind: 'accepted'; readonly id?: string }
  /** 202 `ContentStreamSequenceOrderPreConditionFailed`: dropped, a later update carries the text. */
  | { readonly kind: 'dropped' }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number }
  | { readonly kind: 'refused'; readonly reason: StreamRefusal }

export type StreamRefusal =
  /** The user pressed Stop. */
  | 'cancelled'
  /** Over two minutes: the stream is over. */
  | 'timedOut'
  /** A final was already accepted. */
  | 'completed'
  /** Streamed text did not start with what was streamed before. */
  | 'notPrefix'
  | 'tooLarge'
  /** Streaming is not allowed for this user, bot or conversation. */
  | 'notAllowed'
  /** Another 403 `ContentStreamNotAllowed` or a 400: the payload or the state is wrong. */
  | 'other'

const errorBody = z
  .object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }) })
  .loose()
const idBody = z.object({ id: z.string().min(1) }).loose()

function refusalOf(message: string): StreamRefusal {
  const m = message.toLowerCase()
  if (m.includes('cancel')) return 'cancelled'
  if (m.includes('exceeded streaming time')) return 'timedOut'
  if (m.includes('already completed')) return 'completed'
  if (m.includes('previously streamed content')) return 'notPrefix'
  if (m.includes('size too large')) return 'tooLarge'
  if (m.includes('not allowed')) return 'notAllowed'
  return 'other'
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/**
 * Sends one stream activity (POST) or replaces the streamed message (PUT), inside the
 * conversation's and the app's rate budgets. No in-process retries: the caller decides, since a
 * late interim update is worthless and a final may be sent again safely. A 429 holds the
 * conversation for its Retry-After, not the whole app (Teams limits a stream to one request a
 * second). 5xx, timeouts and auth failures are thrown as classified by the HttpClient.
 */
export async function streamCall(
  deps: ConnectorDeps,
  connector: BotConnector,
  input: {
    readonly method: 'POST' | 'PUT'
    readonly url: string
    readonly conversationId: string
    readonly activity: unknown
    readonly signal?: AbortSignal
  },
): Promise<StreamAnswer> {
  const convKey = conversationRateKey(input.conversationId)
  await deps.limiter.acquire(convKey, input.signal)
  await deps.limiter.acquire(appRateKey(connector.appId), input.signal)
  let response
  try {
    response = await deps.http.request({
      method: input.method,
      url: input.url,
      json: input.activity,
      auth: connector.auth,
      idempotent: input.method === 'PUT',
      maxRetries: 0,
      timeoutMs: 15_000,
      maxResponseBytes: 64 * 1024,
      acceptStatuses: [400, 403],
      ...(input.signal ? { signal: input.signal } : {}),
    })
  } catch (error) {
    if (error instanceof RemoteUnavailableError && error.status === 429) {
      const retryAfterMs = error.retryAfterMs ?? 1_000
      await deps.limiter.pause(convKey, retryAfterMs)
      return { kind: 'throttled', retryAfterMs }
    }
    throw error
  }
  const body = parse(response.text())
  const error = errorBody.safeParse(body)
  if (response.status >= 400) {
    const message = error.success ? (error.data.error.message ?? '') : ''
    return { kind: 'refused', reason: response.status === 403 ? refusalOf(message) : 'other' }
  }
  if (error.success) return { kind: 'dropped' }
  const id = idBody.safeParse(body)
  return { kind: 'accepted', ...(id.success ? { id: id.data.id } : {}) }
}
