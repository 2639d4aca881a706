import type { DirectoryUser } from './directory.ts'

/** Where a message lives: a 1:1/group/meeting chat, or a channel of a team. */
export type MessageContainer =
  | { readonly kind: 'chat'; readonly chatId: string }
  | { readonly kind: 'channel'; readonly teamId: string; readonly channelId: string }

export interface ItemBody {
  contentType: 'html' | 'text'
  content: string
}

/** https://learn.microsoft.com/graph/api/resources/chatmessageattachment */
export interface ChatMessageAttachment {
  id: string
  contentType: string
  contentUrl: string | null
  content: string | null
  name: string | null
  thumbnailUrl: string | null
  teamsAppId: string | null
}

export interface IdentityJson {
  '@odata.type'?: string
  id: string
  displayName: string | null
  userIdentityType?: string
  applicationIdentityType?: string
  tenantId?: string
}

export interface IdentitySetJson {
  application: IdentityJson | null
  device: null
  user: IdentityJson | null
}

/** https://learn.microsoft.com/graph/api/resources/chatmessagemention */
export interface ChatMessageMention {
  id: number
  mentionText: string
  mentioned: { user?: IdentityJson; application?: IdentityJson }
}

/**
 * The chatMessage resource with every property the v1.0 GET returns
 * (https://learn.microsoft.com/graph/api/resources/chatmessage).
 */
export interface ChatMessage {
  id: string
  replyToId: string | null
  etag: string
  messageType: 'message' | 'chatEvent' | 'typing' | 'unknownFutureValue' | 'systemEventMessage'
  createdDateTime: string
  lastModifiedDateTime: string
  lastEditedDateTime: string | null
  deletedDateTime: string | null
  subject: string | null
  summary: string | null
  chatId: string | null
  importance: 'normal' | 'high' | 'urgent'
  locale: 'en-us'
  webUrl: string | null
  channelIdentity: { teamId: string; channelId: string } | null
  policyViolation: null
  eventDetail: null
  from: IdentitySetJson
  body: ItemBody
  attachments: ChatMessageAttachment[]
  mentions: ChatMessageMention[]
  reactions: unknown[]
  messageHistory: unknown[]
}

export type MessageSender =
  | { readonly kind: 'user'; readonly user: DirectoryUser; readonly tenantId: string }
  | { readonly kind: 'application'; readonly appId: string; readonly displayName: string }

export function identitySet(sender: MessageSender): IdentitySetJson {
  if (sender.kind === 'user') {
    return {
      application: null,
      device: null,
      user: {
        '@odata.type': '#microsoft.graph.teamworkUserIdentity',
        id: sender.user.id,
        displayName: sender.user.displayName,
        userIdentityType: 'aadUser',
        tenantId: sender.tenantId,
      },
    }
  }
  return {
    application: {
      '@odata.type': '#microsoft.graph.teamworkApplicationIdentity',
      id: sender.appId,
      displayName: sender.displayName,
      applicationIdentityType: 'bot',
    },
    device: null,
    user: null,
  }
}

export function containerKey(container: MessageContainer): string {
  return container.kind === 'chat'
    ? `chat:${container.chatId}`
    : `channel:${container.teamId}:${container.channelId}`
}

/**
 * The OData path Graph puts in `resource` and `resourceData.@odata.id` of a notification, e.g.
 * `chats('19:…')/messages('1612289765949')` or `teams('…')/channels('…')/messages('…')/replies('…')`.
 */
export function messageODataPath(container: MessageContainer, message: ChatMessage): string {
  if (container.kind === 'chat') return `chats('${container.chatId}')/messages('${message.id}')`
  const channel = `teams('${container.teamId}')/channels('${container.channelId}')`
  return message.replyToId
    ? `${channel}/messages('${message.replyToId}')/replies('${message.id}')`
    : `${channel}/messages('${message.id}')`
}

/** The REST path (below /v1.0) of a message, used in hosted-content image URLs. */
export function messageRestPath(
  container: MessageContainer,
  messageId: string,
  replyToId: string | null,
): string {
  if (container.kind === 'chat') return `/chats/${container.chatId}/messages/${messageId}`
  const channel = `/teams/${container.teamId}/channels/${container.channelId}`
  return replyToId
    ? `${channel}/messages/${replyToId}/replies/${messageId}`
    : `${channel}/messages/${messageId}`
}

/** The `@odata.context` of a single message response. */
export function messageContext(baseUrl: string, container: MessageContainer): string {
  if (container.kind === 'chat') {
    return `${baseUrl}/$metadata#chats('${encodeURIComponent(container.chatId)}')/messages/$entity`
  }
  return `${baseUrl}/$metadata#teams('${container.teamId}')/channels('${encodeURIComponent(container.channelId)}')/messages/$entity`
}
