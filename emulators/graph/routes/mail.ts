import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { htmlToPlainText } from '../state/html.ts'
import type { MailMessage } from '../state/mailboxes.ts'
import { assertSelfOrApp, resolveUser } from './access.ts'
import { type GraphContext, principalOf } from './context.ts'
import { badRequest, notFound } from './graph-error.ts'
import { collection, offsetPage, queryOptions, topOf } from './odata.ts'
import { requireJson } from './pipeline.ts'

type UserParams = { Params: { userId: string; folder?: string } }
type MessageParams = { Params: { userId: string; messageId: string } }

const config = (graphRoute: string) => ({ config: { graphRoute, throttle: 'outlook' as const } })

/**
 * A minimal mailbox: list, get and mark read, in the Inbox only
 * (https://learn.microsoft.com/graph/api/user-list-messages, message-get, message-update).
 */
export function registerMailRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const owner = (req: FastifyRequest<{ Params: { userId: string } }>) => {
    const principal = principalOf(req)
    const user = resolveUser(ctx, principal, req.params.userId)
    assertSelfOrApp(principal, user.id)
    return user
  }

  const list = async (req: FastifyRequest<UserParams>, reply: FastifyReply) => {
    const user = owner(req)
    if (req.params.folder !== undefined && req.params.folder.toLowerCase() !== 'inbox') {
      throw notFound(
        `The mail folder '${req.params.folder}' is not emulated; only inbox is.`,
        'ErrorItemNotFound',
      )
    }
    const options = queryOptions(req, ['$top', '$skip', '$select', '$filter', '$orderby'])
    let messages = ctx.mailboxes.list(user.id)
    const filter = options.get('$filter')
    if (filter !== undefined) {
      const match = /^isRead eq (true|false)$/i.exec(filter.trim())
      if (!match)
        throw badRequest(
          `The emulator supports only $filter=isRead eq true|false, not '${filter}'.`,
        )
      messages = messages.filter((m) => m.isRead === (match[1]!.toLowerCase() === 'true'))
    }
    const orderby = options.get('$orderby')
    if (orderby !== undefined) {
      const match = /^receivedDateTime( (asc|desc))?$/i.exec(orderby.trim())
      if (!match)
        throw badRequest(`The emulator supports only $orderby=receivedDateTime [asc|desc].`)
      if (match[2]?.toLowerCase() !== 'desc') messages.reverse()
    }
    const prefer = bodyPreference(req, reply)
    const shaped = messages.map((m) => select(preferBody(m, prefer), options.get('$select')))
    // Outlook lists 10 per page by default and up to 1000.
    const page = offsetPage(req, ctx.baseUrl(), shaped, topOf(options, 10, 1000), options)
    return collection(`${ctx.baseUrl()}/$metadata#users('${user.id}')/messages`, page)
  }
  scope.get<UserParams>('/users/:userId/messages', config('mail.messages.list'), list)
  scope.get<UserParams>(
    '/users/:userId/mailFolders/:folder/messages',
    config('mail.messages.list'),
    list,
  )

  scope.get<MessageParams>(
    '/users/:userId/messages/:messageId',
    config('mail.messages.get'),
    async (req, reply) => {
      const user = owner(req)
      const message = ctx.mailboxes.get(user.id, req.params.messageId)
      if (!message)
        throw notFound('The specified object was not found in the store.', 'ErrorItemNotFound')
      const options = queryOptions(req, ['$select'])
      return {
        '@odata.context': `${ctx.baseUrl()}/$metadata#users('${user.id}')/messages/$entity`,
        ...select(preferBody(message, bodyPreference(req, reply)), options.get('$select')),
      }
    },
  )

  scope.patch<MessageParams>(
    '/users/:userId/messages/:messageId',
    config('mail.messages.update'),
    async (req) => {
      const user = owner(req)
      const body = requireJson(req)
      const keys = Object.keys(body)
      // body, subject and recipients are updatable only on drafts; delivered mail only flags.
      if (keys.length !== 1 || typeof body.isRead !== 'boolean') {
        throw badRequest(
          'Only isRead can be updated on a received message.',
          'ErrorInvalidPropertyUpdateSentMessage',
        )
      }
      const message = ctx.mailboxes.setRead(user.id, req.params.messageId, body.isRead)
      if (!message)
        throw notFound('The specified object was not found in the store.', 'ErrorItemNotFound')
      return {
        '@odata.context': `${ctx.baseUrl()}/$metadata#users('${user.id}')/messages/$entity`,
        ...message,
      }
    },
  )
}

/** `Prefer: outlook.body-content-type="text"` turns HTML bodies into text and is echoed back. */
function bodyPreference(req: FastifyRequest, reply: FastifyReply): 'text' | 'html' | undefined {
  const match = /outlook\.body-content-type="?(text|html)"?/i.exec(String(req.headers.prefer ?? ''))
  if (!match) return undefined
  const kind = match[1]!.toLowerCase() as 'text' | 'html'
  reply.header('preference-applied', `outlook.body-content-type="${kind}"`)
  return kind
}

function preferBody(message: MailMessage, prefer: 'text' | 'html' | undefined): MailMessage {
  if (prefer !== 'text' || message.body.contentType === 'text') return message
  return {
    ...message,
    body: { contentType: 'text', content: htmlToPlainText(message.body.content) },
  }
}

function select(message: MailMessage, selectOption: string | undefined): Record<string, unknown> {
  if (!selectOption) return message as unknown as Record<string, unknown>
  const wanted = new Set([
    'id',
    '@odata.etag',
    ...selectOption.split(',').map((s) => s.trim().toLowerCase()),
  ])
  return Object.fromEntries(
    Object.entries(message).filter(([k]) => wanted.has(k.toLowerCase()) || k === '@odata.etag'),
  )
}
