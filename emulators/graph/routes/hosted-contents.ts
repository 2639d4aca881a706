import type { FastifyReply } from 'fastify'

import type { MessageContainer } from '../state/chat-message.ts'
import type { GraphContext } from './context.ts'
import { notFound } from './graph-error.ts'

/**
 * `…/hostedContents`, `…/hostedContents/{id}` and `…/hostedContents/{id}/$value`
 * (https://learn.microsoft.com/graph/api/chatmessagehostedcontent-get). The JSON forms always
 * carry `contentBytes: null` and `contentType: null`; `$value` returns the bytes.
 * `rest` is what follows `hostedContents/` (ids are too long for a route parameter).
 */
export async function serveHostedContent(
  ctx: GraphContext,
  reply: FastifyReply,
  container: MessageContainer,
  messageId: string,
  rest: string,
): Promise<unknown> {
  if (!ctx.messages.get(container, messageId)) throw notFound('Message not found.')
  const contents = ctx.messages.hostedContents(container, messageId)
  if (rest === '') {
    return {
      '@odata.context': `${ctx.baseUrl()}/$metadata#Collection(microsoft.graph.chatMessageHostedContent)`,
      '@odata.count': contents.length,
      value: contents.map((c) => ({ id: c.id, contentBytes: null, contentType: null })),
    }
  }
  const [id = '', value] = decodeURIComponent(rest).split('/')
  const content = contents.find((c) => c.id === id)
  if (!content || (value !== undefined && value !== '$value'))
    throw notFound('Hosted content not found.')
  if (value === '$value') return reply.type(content.contentType).send(content.bytes)
  return { id: content.id, contentBytes: null, contentType: null }
}
