import {
  familyOf,
  parseResource,
  type SubscriptionTarget,
} from '../notifications/resource-targets.ts'
import type { GraphPrincipal } from '../types.ts'
import { assertMember, requireChannel, requireChat } from './access.ts'
import { type GraphContext, isDelegated } from './context.ts'
import { badRequest, forbidden, GraphHttpError } from './graph-error.ts'

// Quotas from https://learn.microsoft.com/graph/teams-changenotifications-chatmessage and the
// Outlook and presence pages.
const PER_USER_CHAT_SUBSCRIPTIONS = 10
const PER_ORG_TEAMS_SUBSCRIPTIONS = 10_000
const PER_MAILBOX_SUBSCRIPTIONS = 1000

/** Parses `resource`, checks the caller may subscribe to it, and applies the quotas. */
export function resolveTarget(
  ctx: GraphContext,
  principal: GraphPrincipal,
  resource: unknown,
): SubscriptionTarget {
  if (typeof resource !== 'string' || resource === '')
    throw badRequest('resource is a required property.')
  const parsed = parseResource(resource, (idOrMe) => {
    if (idOrMe === 'me') {
      if (!isDelegated(principal))
        throw badRequest('/me request is only valid with delegated authentication flow.')
      return principal.userId
    }
    return ctx.directory.find(idOrMe)?.id
  })
  if (!parsed.ok) throw badRequest(parsed.message)
  const target = parsed.target
  checkAccess(ctx, principal, target)
  checkQuota(ctx, principal, target)
  return target
}

function checkAccess(
  ctx: GraphContext,
  principal: GraphPrincipal,
  target: SubscriptionTarget,
): void {
  const delegated = isDelegated(principal)
  switch (target.kind) {
    case 'chat':
      return assertMember(principal, requireChat(ctx, target.chatId).memberIds)
    case 'channel':
      return assertMember(
        principal,
        requireChannel(ctx, target.teamId, target.channelId).team.memberIds,
      )
    case 'allChats':
    case 'allChannels':
      // Tenant-wide message subscriptions need application permissions (Chat.Read.All, ChannelMessage.Read.All).
      if (delegated) throw forbidden('This resource supports only application permissions.')
      return
    case 'userChats':
    case 'mail':
      if (delegated && principal.userId !== target.userId) {
        throw forbidden('A delegated subscription can only watch the signed-in user.')
      }
      return
    case 'presence':
      // Presence subscriptions: delegated Presence.Read.All only
      // (https://learn.microsoft.com/graph/changenotifications-for-presence).
      if (!delegated)
        throw forbidden('Presence subscriptions are not supported with application permissions.')
      for (const id of target.userIds) {
        if (!ctx.directory.find(id))
          throw badRequest(`User '${id}' in the presence filter was not found.`)
      }
  }
}

function checkQuota(
  ctx: GraphContext,
  principal: GraphPrincipal,
  target: SubscriptionTarget,
): void {
  const existing = ctx.subscriptions.list()
  const sameApp = existing.filter((s) => s.applicationId === principal.appId)
  const sameTarget = (other: SubscriptionTarget) => JSON.stringify(other) === JSON.stringify(target)
  if (target.kind === 'chat' || target.kind === 'channel' || target.kind === 'presence') {
    // One per app and chat/channel; presence: one per user and app.
    const clash = sameApp.find(
      (s) => sameTarget(s.target) && (target.kind !== 'presence' || s.userId === principal.userId),
    )
    if (clash) {
      // Graph surfaces the Teams backend's conflict this way
      // (https://github.com/microsoftgraph/aspnetcore-webhooks-sample/issues/92).
      throw new GraphHttpError(
        409,
        'ExtensionError',
        'Operation: Create; Exception: [Status Code: Conflict; Reason: A subscription already exists. It must be deleted before another can be made.]',
      )
    }
  }
  if (target.kind === 'userChats') {
    const forUser = existing.filter(
      (s) => s.target.kind === 'userChats' && s.target.userId === target.userId,
    )
    if (forUser.length >= PER_USER_CHAT_SUBSCRIPTIONS) throw quota('per user')
  }
  if (familyOf(target) === 'teamsMessage') {
    const teams = existing.filter((s) => familyOf(s.target) === 'teamsMessage')
    if (teams.length >= PER_ORG_TEAMS_SUBSCRIPTIONS) throw quota('per organization')
  }
  if (target.kind === 'mail') {
    const box = existing.filter(
      (s) => s.target.kind === 'mail' && s.target.userId === target.userId,
    )
    if (box.length >= PER_MAILBOX_SUBSCRIPTIONS) throw quota('per mailbox')
  }
}

const quota = (scope: string) =>
  new GraphHttpError(403, 'ExtensionError', `Subscription quota ${scope} has been reached.`)
