import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { ChatMessage, MessageContainer } from '../state/chat-message.ts'
import { messageContext } from '../state/chat-message.ts'
import { assertCanPost, assertMember, requireChannel } from './access.ts'
import { senderOf } from './chat-messages.ts'
import { type GraphContext, principalOf } from './context.ts'
import { notFound } from './graph-error.ts'
import { serveHostedContent } from './hosted-contents.ts'
import { parseMessageDraft } from './message-draft.ts'
import { collection, keysetPage, queryOptions, topOf } from './odata.ts'
import { requireJson } from './pipeline.ts'

type ChannelParams = { Params: { teamId: string; channelId: string } }
type RootParams = { Params: { teamId: string; channelId: string; messageId: string } }
type ReplyParams = {
  Params: { teamId: string; channelId: string; messageId: string; replyId: string }
}
type Wild = {
  Params: { teamId: string; channelId: string; messageId: string; replyId?: string; '*'?: string }
}

const get = (graphRoute: string) => ({
  config: { graphRoute, throttle: 'channelMessage.get' as const },
})
const post = (graphRoute: string) => ({
  config: { graphRoute, throttle: 'channelMessage.post' as const },
})
const newestFirst = (m: ChatMessage) => `${m.createdDateTime}|${m.id}`

/** Channel messages and replies (https://learn.microsoft.com/graph/api/channel-list-messages). */
export function registerChannelMessageRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const base = '/teams/:teamId/channels/:channelId/messages'

  const readable = (req: FastifyRequest<ChannelParams>): MessageContainer => {
    const { team, channel } = requireChannel(ctx, req.params.teamId, req.params.channelId)
    assertMember(principalOf(req), team.memberIds)
    return { kind: 'channel', teamId: team.id, channelId: channel.id }
  }
  const root = (container: MessageContainer, id: string): ChatMessage => {
    const message = ctx.messages.get(container, id)
    if (!message || message.replyToId !== null) throw notFound('Message not found.')
    return message
  }
  const repliesOf = (container: MessageContainer, id: string) =>
    ctx.messages.list(container).filter((m) => m.replyToId === id)
  // Newest first, at most 50 per page (https://learn.microsoft.com/graph/api/channel-list-messages).
  const newestPage = (
    req: FastifyRequest,
    messages: ChatMessage[],
    options: Map<string, string>,
  ) => {
    const sorted = messages.sort((a, b) => newestFirst(b).localeCompare(newestFirst(a)))
    return keysetPage(req, ctx.baseUrl(), sorted, newestFirst, topOf(options, 20, 50), options)
  }

  scope.get<ChannelParams>(base, get('channels.messages.list'), async (req) => {
    const container = readable(req)
    const options = queryOptions(req, ['$top', '$expand'])
    const expand = options.get('$expand')
    if (expand !== undefined && expand.toLowerCase() !== 'replies') {
      throw notFound(`Navigation property '${expand}' not found.`)
    }
    const roots = ctx.messages.list(container).filter((m) => m.replyToId === null)
    const page = newestPage(req, roots, options)
    const items = expand
      ? page.items.map((m) => ({ ...m, replies: repliesOf(container, m.id) }))
      : page.items
    return collection(
      `${ctx.baseUrl()}/$metadata#teams('${req.params.teamId}')/channels('${encodeURIComponent(req.params.channelId)}')/messages`,
      { ...page, items },
    )
  })

  scope.get<RootParams>(`${base}/:messageId`, get('channels.messages.get'), async (req) => {
    const container = readable(req)
    return {
      '@odata.context': messageContext(ctx.baseUrl(), container),
      ...root(container, req.params.messageId),
    }
  })

  scope.get<RootParams>(`${base}/:messageId/replies`, get('channels.replies.list'), async (req) => {
    const container = readable(req)
    root(container, req.params.messageId)
    const options = queryOptions(req, ['$top'])
    const page = newestPage(req, repliesOf(container, req.params.messageId), options)
    return collection(`${ctx.baseUrl()}/$metadata#Collection(microsoft.graph.chatMessage)`, page)
  })

  scope.get<ReplyParams>(
    `${base}/:messageId/replies/:replyId`,
    get('channels.replies.get'),
    async (req) => {
      const container = readable(req)
      const reply = ctx.messages.get(container, req.params.replyId)
      if (!reply || reply.replyToId !== req.params.messageId) throw notFound('Message not found.')
      return {
        '@odata.context': `${ctx.baseUrl()}/$metadata#Collection(microsoft.graph.chatMessage)/$entity`,
        ...reply,
      }
    },
  )

  const hosted = async (
    req: FastifyRequest<Wild>,
    reply: Parameters<typeof serveHostedContent>[1],
  ) => {
    const container = readable(req)
    const messageId = req.params.replyId ?? req.params.messageId
    return serveHostedContent(ctx, reply, container, messageId, req.params['*'] ?? '')
  }
  for (const path of [`${base}/:messageId`, `${base}/:messageId/replies/:replyId`]) {
    scope.get<Wild>(`${path}/hostedContents`, get('channels.messages.hostedContents'), hosted)
    scope.get<Wild>(`${path}/hostedContents/*`, get('channels.messages.hostedContents'), hosted)
  }

  const create = async (req: FastifyRequest<ChannelParams>, replyToId?: string) => {
    const { team, channel } = requireChannel(ctx, req.params.teamId, req.params.channelId)
    const userId = assertCanPost(principalOf(req), team.memberIds)
    const container: MessageContainer = { kind: 'channel', teamId: team.id, channelId: channel.id }
    if (replyToId) root(container, replyToId)
    const draft = { ...parseMessageDraft(requireJson(req)), ...(replyToId ? { replyToId } : {}) }
    const message = ctx.messages.create(container, senderOf(ctx, userId), draft)
    return { '@odata.context': messageContext(ctx.baseUrl(), container), ...message }
  }
  scope.post<ChannelParams>(base, post('channels.messages.create'), async (req, reply) =>
    reply.code(201).send(await create(req)),
  )
  scope.post<RootParams>(
    `${base}/:messageId/replies`,
    post('channels.replies.create'),
    async (req, reply) => reply.code(201).send(await create(req, req.params.messageId)),
  )
}
