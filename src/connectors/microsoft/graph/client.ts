import { z } from 'zod'

import { RemoteRejectedError } from '../../../core/errors.ts'
import type { HttpClient, HttpRequest, HttpResponse } from '../../shared/http.ts'
import { httpAuth, type TokenProvider } from '../identity/index.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { chatMessagePath, type ChatMessageRef, graphRateKey } from './ids.ts'
import { graphBase } from './settings-of.ts'
import type { GraphMessageBody } from './to-graph.ts'
import {
  type ChatMessage,
  chatMessage,
  chatMessagePage,
  type GraphSubscription,
  subscription,
  subscriptionPage,
} from './wire.ts'

export interface GraphTokens {
  /** Client-credentials tokens: reads and subscriptions. */
  readonly app: TokenProvider
  /** The service account's delegated tokens: sending (app tokens cannot post chat messages). */
  readonly delegated?: TokenProvider
}

export interface NewSubscription {
  readonly resource: string
  readonly changeType: string
  readonly notificationUrl: string
  readonly lifecycleNotificationUrl: string
  readonly expirationDateTime: string
  readonly clientState: string
  readonly includeResourceData?: boolean
  readonly encryptionCertificate?: string
  readonly encryptionCertificateId?: string
}

/** `$top` may not exceed 50 (https://learn.microsoft.com/graph/api/chat-list-messages). */
const PAGE_SIZE = 50
const TIMEOUT_MS = 15_000

/**
 * Typed calls to Graph v1.0 for one integration. Throttling (429 + Retry-After), retries of
 * idempotent calls and error classification belong to the HttpClient; all calls share the
 * `graph:{clientId}:{tenantId}` budget, Graph's unit of throttling.
 */
export function createGraphClient(
  settings: MicrosoftTeamsSettings,
  http: HttpClient,
  tokens: GraphTokens,
) {
  const base = graphBase(settings)
  const rateKey = graphRateKey(settings.clientId, settings.tenantId)
  const appAuth = httpAuth(tokens.app)
  const call = (req: Omit<HttpRequest, 'rateKey'>): Promise<HttpResponse> =>
    http.request({ timeoutMs: TIMEOUT_MS, auth: appAuth, ...req, rateKey })

  /** Items of a collection, following `@odata.nextLink` (only on Graph's own origin). */
  async function* pages<T>(
    first: string,
    schema: z.ZodType<{ value: T[]; '@odata.nextLink'?: string | null }>,
    signal?: AbortSignal,
  ): AsyncGenerator<T> {
    let url: string | undefined = first
    while (url) {
      const res = await call({
        method: 'GET',
        url: sameOrigin(url, base),
        idempotent: true,
        signal,
      })
      const page = read(schema, res)
      yield* page.value
      url = page['@odata.nextLink'] ?? undefined
    }
  }

  return {
    /** One chat message; undefined when it no longer exists. */
    async getMessage(ref: ChatMessageRef, signal?: AbortSignal): Promise<ChatMessage | undefined> {
      const res = await orNotFound(
        call({ method: 'GET', url: `${base}${chatMessagePath(ref)}`, idempotent: true, signal }),
      )
      return res && read(chatMessage, res)
    },

    /**
     * Messages of a chat modified after `since`, newest first, following `@odata.nextLink`.
     * Only `lastModifiedDateTime` supports `gt`, and only with `$orderby` on the same property.
     */
    async *messagesModifiedSince(chatId: string, since: Date, signal?: AbortSignal) {
      const query = new URLSearchParams({
        $top: String(PAGE_SIZE),
        $orderby: 'lastModifiedDateTime desc',
        $filter: `lastModifiedDateTime gt ${since.toISOString()}`,
      })
      const first = `${base}/chats/${encodeURIComponent(chatId)}/messages?${query.toString()}`
      for await (const item of pages(first, chatMessagePage, signal)) {
        // One malformed item must not hide the rest of the chat.
        const parsed = chatMessage.safeParse(item)
        if (parsed.success) yield parsed.data
      }
    },

    /** Posts as the service account (delegated); not idempotent, Graph has no dedupe key. */
    async sendMessage(chatId: string, body: GraphMessageBody, signal?: AbortSignal) {
      if (!tokens.delegated) throw new RemoteRejectedError('no service account signed in')
      const res = await http.request({
        method: 'POST',
        url: `${base}/chats/${encodeURIComponent(chatId)}/messages`,
        json: body,
        auth: httpAuth(tokens.delegated),
        rateKey,
        timeoutMs: TIMEOUT_MS,
        idempotent: false,
        signal,
      })
      // Lenient: the message is posted; failing now would make a retry post it twice.
      const sent = z.object({ id: z.string() }).safeParse(res.json())
      return { id: sent.success ? sent.data.id : '' }
    },

    async createSubscription(input: NewSubscription, signal?: AbortSignal) {
      // Graph validates both URLs before answering, so allow for two handshakes.
      const res = await call({
        method: 'POST',
        url: `${base}/subscriptions`,
        json: input,
        timeoutMs: 30_000,
        signal,
      })
      return read(subscription, res)
    },

    /** The app's live subscriptions (to adopt one whose creation we could not confirm). */
    async listSubscriptions(signal?: AbortSignal): Promise<GraphSubscription[]> {
      const all: GraphSubscription[] = []
      for await (const item of pages(`${base}/subscriptions`, subscriptionPage, signal))
        all.push(item)
      return all
    },

    /** PATCH renews (and reauthorizes); undefined when Graph no longer knows the subscription. */
    async renewSubscription(id: string, expirationDateTime: string, signal?: AbortSignal) {
      const res = await orNotFound(
        call({
          method: 'PATCH',
          url: `${base}/subscriptions/${encodeURIComponent(id)}`,
          json: { expirationDateTime },
          idempotent: true,
          signal,
        }),
      )
      return res && read(subscription, res)
    },

    async deleteSubscription(id: string, signal?: AbortSignal): Promise<void> {
      await orNotFound(
        call({
          method: 'DELETE',
          url: `${base}/subscriptions/${encodeURIComponent(id)}`,
          idempotent: true,
          signal,
        }),
      )
    },
  }
}

export type GraphClient = ReturnType<typeof createGraphClient>
export type { GraphSubscription }

async function orNotFound(response: Promise<HttpResponse>): Promise<HttpResponse | undefined> {
  try {
    return await response
  } catch (error) {
    if (error instanceof RemoteRejectedError && error.status === 404) return undefined
    throw error
  }
}

function read<T>(schema: z.ZodType<T>, res: HttpResponse): T {
  let body: unknown
  try {
    body = res.json()
  } catch {
    body = undefined
  }
  const result = schema.safeParse(body)
  if (!result.success) throw new RemoteRejectedError('Graph answered with an unexpected body')
  return result.data
}

/** nextLinks are followed only on Graph's own origin (our token must not go elsewhere). */
function sameOrigin(url: string, base: string): string {
  if (new URL(url).origin !== new URL(base).origin) {
    throw new RemoteRejectedError('Graph nextLink points to another origin')
  }
  return url
}
