import type { Channel, Chat, Team } from '../state/conversations.ts'
import type { DirectoryUser } from '../state/directory.ts'
import type { GraphPrincipal } from '../types.ts'
import { type GraphContext, isDelegated } from './context.ts'
import { badRequest, forbidden, GraphHttpError, notFound } from './graph-error.ts'

// The error Graph returns when an app-only token posts an ordinary chat or channel message
// (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/1914): application
// permissions only allow posting during migration.
export const APP_ONLY_POST_MESSAGE =
  'Message POST is allowed in application-only context only for import purposes. Refer to https://docs.microsoft.com/microsoftteams/platform/graph-api/import-messages/import-external-messages-to-teams for more details.'

export function requireChat(ctx: GraphContext, chatId: string): Chat {
  const chat = ctx.conversations.chats.get(chatId)
  if (!chat) throw notFound(`Chat '${chatId}' was not found.`)
  return chat
}

export function requireChannel(
  ctx: GraphContext,
  teamId: string,
  channelId: string,
): { team: Team; channel: Channel } {
  const team = ctx.conversations.teams.get(teamId)
  if (!team) throw notFound(`Team '${teamId}' was not found.`)
  const channel = team.channels.get(channelId)
  if (!channel) throw notFound(`Channel '${channelId}' was not found.`)
  return { team, channel }
}

/** Delegated callers see only the chats and teams they belong to; apps see the tenant. */
export function assertMember(principal: GraphPrincipal, memberIds: readonly string[]): void {
  if (isDelegated(principal) && !memberIds.includes(principal.userId)) {
    throw forbidden('The signed-in user is not a member of this conversation.')
  }
}

/** Posting ordinary messages needs a delegated token of a member (ChatMessage.Send / ChannelMessage.Send). */
export function assertCanPost(principal: GraphPrincipal, memberIds: readonly string[]): string {
  if (!isDelegated(principal)) throw new GraphHttpError(403, 'Unauthorized', APP_ONLY_POST_MESSAGE)
  assertMember(principal, memberIds)
  return principal.userId
}

/** Resolves `me`, an object id or a UPN in a path. */
export function resolveUser(
  ctx: GraphContext,
  principal: GraphPrincipal,
  idOrUpn: string,
): DirectoryUser {
  if (idOrUpn === 'me') {
    if (!isDelegated(principal)) {
      throw badRequest('/me request is only valid with delegated authentication flow.')
    }
    idOrUpn = principal.userId
  }
  const user = ctx.directory.find(idOrUpn)
  if (!user) {
    throw notFound(
      `Resource '${idOrUpn}' does not exist or one of its queried reference-property objects are not present.`,
      'Request_ResourceNotFound',
    )
  }
  return user
}

/** Delegated callers may only read their own mailbox, presence sessions and chats list. */
export function assertSelfOrApp(principal: GraphPrincipal, userId: string): void {
  if (isDelegated(principal) && principal.userId !== userId) {
    throw forbidden('Access is denied. Check credentials and try again.', 'ErrorAccessDenied')
  }
}
