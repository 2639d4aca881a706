import type { FastifyRequest } from 'fastify'

import type { ChatMessage } from '../state/chat-message.ts'
import { badRequest } from './graph-error.ts'
import { keysetPage, type Page, queryOptions, topOf } from './odata.ts'

type SortProperty = 'lastModifiedDateTime' | 'createdDateTime'

/**
 * `GET /chats/{id}/messages` query rules (https://learn.microsoft.com/graph/api/chat-list-messages):
 * `$top` at most 50; `$orderby` lastModifiedDateTime (default) or createdDateTime, descending
 * only; `$filter` on lastModifiedDateTime (`gt`, `lt`) or createdDateTime (`lt`), applied only
 * when `$orderby` names the same property, otherwise ignored.
 */
export function listChatMessages(
  req: FastifyRequest,
  baseUrl: string,
  messages: ChatMessage[],
): Page<ChatMessage> {
  const options = queryOptions(req, ['$top', '$orderby', '$filter'])
  const top = topOf(options, 20, 50)
  const property = parseOrderBy(options.get('$orderby'))
  const filter = options.get('$filter')
  let selected = messages
  if (filter !== undefined && options.has('$orderby')) {
    const predicates = parseFilter(filter, property)
    selected = messages.filter((m) => predicates.every((p) => p(m)))
  }
  const keyOf = (m: ChatMessage) => `${m[property]}|${m.id}`
  const sorted = [...selected].sort((a, b) => keyOf(b).localeCompare(keyOf(a)))
  return keysetPage(req, baseUrl, sorted, keyOf, top, options)
}

function parseOrderBy(raw: string | undefined): SortProperty {
  if (raw === undefined) return 'lastModifiedDateTime'
  const match = /^\s*(lastModifiedDateTime|createdDateTime)\s+desc\s*$/i.exec(raw)
  if (!match) {
    throw badRequest(
      `$orderby '${raw}' is not supported; use lastModifiedDateTime desc or createdDateTime desc.`,
    )
  }
  return match[1]!.toLowerCase() === 'createddatetime' ? 'createdDateTime' : 'lastModifiedDateTime'
}

function parseFilter(raw: string, property: SortProperty): Array<(m: ChatMessage) => boolean> {
  return raw.split(/\s+and\s+/i).map((clause) => {
    const match = /^\s*(\w+)\s+(gt|lt)\s+(\S+)\s*$/i.exec(clause)
    const field = match?.[1]?.toLowerCase()
    const op = match?.[2]?.toLowerCase()
    if (!match || field !== property.toLowerCase()) {
      throw badRequest(`$filter '${raw}' is not supported; filter on the $orderby property.`)
    }
    if (property === 'createdDateTime' && op !== 'lt') {
      throw badRequest('createdDateTime supports only the lt operator in $filter.')
    }
    const bound = Date.parse(match[3]!.replace(/^'|'$/g, ''))
    if (Number.isNaN(bound)) throw badRequest(`Invalid date in $filter: '${match[3]}'.`)
    return op === 'gt'
      ? (m: ChatMessage) => Date.parse(m[property]) > bound
      : (m: ChatMessage) => Date.parse(m[property]) < bound
  })
}
