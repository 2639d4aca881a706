import { z } from 'zod'

import type { HttpAuth, HttpClient } from '../../shared/http.ts'

/**
 * The customer's most recent messages a resend looks through. The resent message is the newest
 * of its Teams chat (its lane holds the rest back); other chats of the same customer may have
 * added a few since.
 */
const recentMessages = 25

/**
 * `GET /api/v2/conversations/messages/{conversationId}` (getConversationsMessage →
 * MessageConversation): participants (MessageMediaParticipant) with `purpose`, `state` and
 * `messages` (MessageDetails). Platform client SDK models; loose, as Genesys adds fields.
 */
const messageConversation = z.looseObject({
  participants: z
    .array(
      z.looseObject({
        purpose: z.string().optional(),
        state: z.string().optional(),
        messages: z
          .array(z.looseObject({ messageId: z.string(), messageTime: z.string().optional() }))
          .optional(),
      }),
    )
    .optional(),
})

/**
 * `POST .../messages/bulk` (postConversationsMessageMessagesBulk, "Get messages in batch") answers
 * a TextMessageListing of MessageData; `providerMessageId` is "The unique identifier of the
 * message from provider": for Open Messaging, the `channel.messageId` the integration sent.
 */
const messageListing = z.looseObject({
  entities: z
    .array(z.looseObject({ id: z.string(), providerMessageId: z.string().optional() }))
    .optional(),
})

export interface Landed {
  /** Genesys message id by `channel.messageId`, for the ids asked about that are there. */
  readonly found: ReadonlyMap<string, string>
  /** False when the customer left the conversation: a new message would open another one. */
  readonly open: boolean
}

export interface LookupDeps {
  readonly http: HttpClient
  readonly auth: HttpAuth
  readonly rateKey: string
  readonly apiBase: string
}

/**
 * Looks for messages the bridge may have sent to a conversation before a crash cut the answer:
 * the customer's recent message ids, then their MessageData by batch, matched on
 * `providerMessageId`. Two calls through the integration's rate limit; runs only on resends.
 * Undefined when the conversation is not there (404).
 */
export async function findLanded(
  conversationId: string,
  providerIds: readonly string[],
  deps: LookupDeps,
  signal?: AbortSignal,
): Promise<Landed | undefined> {
  const url = `${deps.apiBase}/api/v2/conversations/messages/${encodeURIComponent(conversationId)}`
  const common = {
    auth: deps.auth,
    rateKey: deps.rateKey,
    idempotent: true,
    ...(signal && { signal }),
  }
  const got = await deps.http.request({ method: 'GET', url, acceptStatuses: [404], ...common })
  if (got.status === 404) return undefined
  const conversation = messageConversation.parse(got.json())
  const customers = (conversation.participants ?? []).filter((p) => p.purpose === 'customer')
  const open = customers.some((p) => p.state !== 'disconnected' && p.state !== 'terminated')
  const ids = customers
    .flatMap((p) => p.messages ?? [])
    .sort((a, b) => (a.messageTime ?? '').localeCompare(b.messageTime ?? ''))
    .slice(-recentMessages)
    .map((m) => m.messageId)
  const found = new Map<string, string>()
  if (ids.length === 0) return { found, open }
  const listed = await deps.http.request({
    method: 'POST',
    url: `${url}/messages/bulk`,
    json: ids,
    ...common,
  })
  const wanted = new Set(providerIds)
  for (const message of messageListing.parse(listed.json()).entities ?? []) {
    if (message.providerMessageId !== undefined && wanted.has(message.providerMessageId)) {
      found.set(message.providerMessageId, message.id)
    }
  }
  return { found, open }
}
