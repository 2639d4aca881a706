import { createHash } from 'node:crypto'

import type { IntegrationId } from '../../../core/model/ids.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'

/** Where a Graph chat message lives. */
export interface ChatMessageRef {
  readonly chatId: string
  readonly messageId: string
}

// Teams resources come in OData key form, `chats('19:..@thread.v2')/messages('1612289765949')`,
// and Outlook-style path form, `chats/19:..@thread.v2/messages/1612289765949`; casing varies.
// (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage)
const keyForm = /^\/?chats\('([^']+)'\)\/messages\('([^']+)'\)$/i
const pathForm = /^\/?chats\/([^/]+)\/messages\/([^/]+)$/i

/** Parses a notification `resource` of a chat message; undefined for any other resource. */
export function parseChatMessageResource(resource: string): ChatMessageRef | undefined {
  const match = keyForm.exec(resource) ?? pathForm.exec(resource)
  if (!match?.[1] || !match[2]) return undefined
  try {
    return { chatId: decoded(match[1]), messageId: decoded(match[2]) }
  } catch {
    return undefined
  }
}

/** Percent-decoding, skipped for the usual id that has nothing to decode (one per webhook). */
const decoded = (part: string) => (part.includes('%') ? decodeURIComponent(part) : part)

/** The resource path (relative to the Graph base URL) of one chat message. */
export const chatMessagePath = (ref: ChatMessageRef) =>
  `/chats/${encodeURIComponent(ref.chatId)}/messages/${encodeURIComponent(ref.messageId)}`

/** Subscription resource for one chat's messages. */
export const chatMessagesResource = (chatId: string) => `/chats/${chatId}/messages`

/** The metered tenant-wide resource (https://learn.microsoft.com/graph/teams-licenses). */
export const tenantWideResource = '/chats/getAllMessages'

/** Graph budget per app and tenant (Graph throttles per app per tenant). */
export const graphRateKey = (clientId: string, tenantId: string) => `graph:${clientId}:${tenantId}`

export function chatAddress(integrationId: IntegrationId, chatId: string): RemoteAddress {
  return {
    kind: 'microsoft-teams',
    integrationId,
    key: chatId,
    data: { transport: 'graph', chatId },
  }
}

/** The chat id of an address this connector made (or a Bot Framework group chat's id). */
export function chatIdOf(address: RemoteAddress): string {
  const data = address.data
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const chatId = (data as { chatId?: unknown }).chatId
    if (typeof chatId === 'string' && chatId) return chatId
  }
  return address.key
}

/**
 * One key per message creation, whoever reports it: a rich or basic notification from any
 * subscription (per-chat and tenant-wide may both fire) or a catch-up listing. The subscription
 * id is left out on purpose, or the same message seen through two routes would be stored twice.
 */
export const createdKey = (ref: ChatMessageRef) => `graph:${ref.chatId}:${ref.messageId}:created`

/**
 * Updates and deletions are keyed by the version Graph reports (etag, else lastModified);
 * basic notifications carry neither, so a digest of the notification itself stands in:
 * Graph's retries of one notification repeat it byte for byte.
 */
export function changeKey(ref: ChatMessageRef, changeType: string, version: string): string {
  return `graph:${ref.chatId}:${ref.messageId}:${changeType}:${version}`
}

export const digest = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22)
