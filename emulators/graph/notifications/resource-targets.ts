import type { ResourceChange } from '../state/changes.ts'
import type { Conversations } from '../state/conversations.ts'

export type PaymentModel = 'A' | 'B' | null

/** What a subscription's `resource` points at, after `me` and UPNs are resolved. */
export type SubscriptionTarget =
  | { readonly kind: 'chat'; readonly chatId: string }
  | { readonly kind: 'allChats'; readonly model: PaymentModel }
  | { readonly kind: 'userChats'; readonly userId: string; readonly model: PaymentModel }
  | { readonly kind: 'channel'; readonly teamId: string; readonly channelId: string }
  | { readonly kind: 'allChannels'; readonly model: PaymentModel }
  | { readonly kind: 'mail'; readonly userId: string; readonly select: string[] | null }
  | { readonly kind: 'presence'; readonly userIds: string[] }

export type ResourceFamily = 'teamsMessage' | 'outlookMessage' | 'presence'

export const familyOf = (target: SubscriptionTarget): ResourceFamily =>
  target.kind === 'mail'
    ? 'outlookMessage'
    : target.kind === 'presence'
      ? 'presence'
      : 'teamsMessage'

/**
 * Tenant-wide chat and channel message subscriptions are metered: without `model=A|B` an app gets
 * the evaluation quota (https://learn.microsoft.com/graph/teams-licenses).
 */
export const isMetered = (target: SubscriptionTarget): boolean =>
  target.kind === 'allChats' || target.kind === 'userChats' || target.kind === 'allChannels'

export type ParseResult = { ok: true; target: SubscriptionTarget } | { ok: false; message: string }

const key = (segment: string): string => {
  const odata = /^\w+\('(.+)'\)$/.exec(segment)
  return decodeURIComponent(odata ? odata[1]! : segment)
}

/**
 * Parses the resource paths Graph documents for chatMessage, Outlook message and presence
 * subscriptions (https://learn.microsoft.com/graph/api/subscription-post-subscriptions).
 * `resolveUser` maps `me`, an id or a UPN to a user id.
 */
export function parseResource(
  resource: string,
  resolveUser: (idOrMe: string) => string | undefined,
): ParseResult {
  if (/^https?:\/\//i.test(resource)) {
    return { ok: false, message: 'The resource must not include the base URL.' }
  }
  const [pathPart = '', query = ''] = resource.replace(/^\//, '').split('?', 2)
  const params = new URLSearchParams(query)
  const model = params.get('model')
  if (model !== null && model !== 'A' && model !== 'B') {
    return { ok: false, message: `Invalid payment model '${model}'; use model=A or model=B.` }
  }
  const owned = /^(?:(me)|users\/([^/]+))\/(.+)$/i.exec(pathPart)
  if (owned) {
    const userId = resolveUser(owned[1] ? 'me' : key(owned[2]!))
    if (!userId) return { ok: false, message: 'The user in the resource was not found.' }
    return parseOwned(owned[3]!, userId, model, params) ?? unsupported(resource)
  }
  const parts = pathPart.split('/')
  if (/^communications\/presences(\/[^/]+)?$/i.test(pathPart)) return parsePresence(parts, params)
  const shape = parts
    .map((p, i) => (i % 2 === 1 && !/^getallmessages$/i.test(p) ? '{id}' : p.toLowerCase()))
    .join('/')
  switch (shape) {
    case 'chats/getallmessages':
      return { ok: true, target: { kind: 'allChats', model } }
    case 'chats/{id}/messages':
      return { ok: true, target: { kind: 'chat', chatId: key(parts[1]!) } }
    case 'teams/getallmessages':
      return { ok: true, target: { kind: 'allChannels', model } }
    case 'teams/{id}/channels/{id}/messages':
      return {
        ok: true,
        target: { kind: 'channel', teamId: key(parts[1]!), channelId: key(parts[3]!) },
      }
    default:
      return unsupported(resource)
  }
}

const unsupported = (resource: string): ParseResult => ({
  ok: false,
  message: `Resource '${resource}' is not supported for change notifications.`,
})

/** Paths below `me/` or `users/{id}/`: chats/getAllMessages and the mailbox. */
function parseOwned(
  rest: string,
  userId: string,
  model: PaymentModel,
  params: URLSearchParams,
): ParseResult | undefined {
  if (/^chats\/getallmessages$/i.test(rest)) {
    return { ok: true, target: { kind: 'userChats', userId, model } }
  }
  if (/^(messages|mailfolders(\('inbox'\)|\/inbox)\/messages)$/i.test(rest)) {
    const select = params.get('$select')
    return { ok: true, target: { kind: 'mail', userId, select: select ? select.split(',') : null } }
  }
  return undefined
}

/** `communications/presences/{id}` or `communications/presences?$filter=id in ('a','b')` (max 650). */
function parsePresence(parts: string[], params: URLSearchParams): ParseResult {
  if (parts.length === 3)
    return { ok: true, target: { kind: 'presence', userIds: [key(parts[2]!)] } }
  const filter = /^id in \((.*)\)$/i.exec(params.get('$filter') ?? '')
  if (parts.length !== 2 || !filter) {
    return {
      ok: false,
      message:
        "Presence subscriptions need communications/presences/{id} or $filter=id in ('{id}',…).",
    }
  }
  const userIds = filter[1]!
    .split(',')
    .map((id) => id.trim().replace(/^'|'$/g, ''))
    .filter(Boolean)
  // https://learn.microsoft.com/graph/changenotifications-for-presence
  if (userIds.length === 0 || userIds.length > 650) {
    return { ok: false, message: 'A presence subscription covers 1 to 650 user ids.' }
  }
  return { ok: true, target: { kind: 'presence', userIds } }
}

/** Does this change concern the subscription's target? */
export function targetMatches(
  target: SubscriptionTarget,
  change: ResourceChange,
  conversations: Conversations,
): boolean {
  if (change.resource === 'chatMessage') {
    const c = change.container
    if (c.kind === 'chat') {
      if (target.kind === 'chat') return target.chatId === c.chatId
      if (target.kind === 'allChats') return true
      if (target.kind === 'userChats') {
        return conversations.chats.get(c.chatId)?.memberIds.includes(target.userId) ?? false
      }
      return false
    }
    if (target.kind === 'channel')
      return target.teamId === c.teamId && target.channelId === c.channelId
    return target.kind === 'allChannels'
  }
  if (change.resource === 'mailMessage')
    return target.kind === 'mail' && target.userId === change.userId
  return target.kind === 'presence' && target.userIds.includes(change.userId)
}
