import type {
  ChatMessageAttachment,
  ChatMessageMention,
  IdentityJson,
} from '../state/chat-message.ts'
import type { HostedImage, MessageDraft } from '../state/message-store.ts'
import { badRequest, forbidden } from './graph-error.ts'

const WRITABLE = new Set([
  '@odata.type',
  'body',
  'attachments',
  'mentions',
  'hostedContents',
  'importance',
  'subject',
])
// "Can only be set during migration" (https://learn.microsoft.com/graph/api/resources/chatmessage).
const MIGRATION_ONLY = new Set(['from', 'createdDateTime', 'lastModifiedDateTime'])

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Validates a chatMessage request body as `POST /chats/{id}/messages` does
 * (https://learn.microsoft.com/graph/api/chatmessage-post): body required; mentions need HTML with
 * a matching `<at id>`; attachment ids must appear as `<attachment id>` in the body; hosted
 * contents must be referenced as `../hostedContents/{temporaryId}/$value`.
 */
export function parseMessageDraft(input: Record<string, unknown>): MessageDraft {
  for (const key of Object.keys(input)) {
    if (MIGRATION_ONLY.has(key))
      throw forbidden(`Property '${key}' can only be set during migration.`)
    if (!WRITABLE.has(key)) throw badRequest(`Invalid property '${key}' for a chatMessage.`)
  }
  const body = input.body
  if (!isObject(body) || typeof body.content !== 'string') {
    throw badRequest('The body property with its content is required.')
  }
  const contentType = String(body.contentType ?? 'text').toLowerCase()
  if (contentType !== 'text' && contentType !== 'html') {
    throw badRequest(`Invalid body contentType '${String(body.contentType)}'.`)
  }
  const content = body.content
  const mentions = parseMentions(input.mentions, contentType, content)
  const attachments = parseAttachments(input.attachments, content)
  const hostedContents = parseHostedContents(input.hostedContents, content)
  const importance = input.importance ?? 'normal'
  if (importance !== 'normal' && importance !== 'high' && importance !== 'urgent') {
    throw badRequest(`Invalid importance '${String(importance)}'.`)
  }
  return {
    body: { contentType, content },
    mentions,
    attachments,
    hostedContents,
    importance,
    subject: typeof input.subject === 'string' ? input.subject : null,
  }
}

function parseMentions(raw: unknown, contentType: string, content: string): ChatMessageMention[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw badRequest('mentions must be an array.')
  if (raw.length > 0 && contentType !== 'html') {
    throw badRequest('Messages with mentions must have body contentType html.')
  }
  return raw.map((m: unknown) => {
    if (
      !isObject(m) ||
      !Number.isInteger(m.id) ||
      typeof m.mentionText !== 'string' ||
      !isObject(m.mentioned)
    ) {
      throw badRequest('Each mention needs an integer id, mentionText and mentioned.')
    }
    if (!content.includes(`<at id="${String(m.id)}">`)) {
      throw badRequest(
        `Mention id ${String(m.id)} has no <at id="${String(m.id)}"> tag in the body.`,
      )
    }
    const mentioned = m.mentioned as { user?: IdentityJson; application?: IdentityJson }
    if (!mentioned.user?.id && !mentioned.application?.id) {
      throw badRequest('A mention must name a user or an application by id.')
    }
    return { id: m.id as number, mentionText: m.mentionText, mentioned }
  })
}

function parseAttachments(raw: unknown, content: string): ChatMessageAttachment[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw badRequest('attachments must be an array.')
  return raw.map((a: unknown) => {
    if (!isObject(a) || typeof a.id !== 'string' || typeof a.contentType !== 'string') {
      throw badRequest('Each attachment needs an id and a contentType.')
    }
    if (!content.includes(`<attachment id="${a.id}"></attachment>`)) {
      throw badRequest(
        `Attachment id '${a.id}' must appear in the body as <attachment id="${a.id}"></attachment>.`,
      )
    }
    if (a.contentType === 'reference' && typeof a.contentUrl !== 'string') {
      throw badRequest('A reference attachment needs a contentUrl.')
    }
    if (
      a.contentType.startsWith('application/vnd.microsoft.card.') &&
      typeof a.content !== 'string'
    ) {
      throw badRequest('A card attachment needs its content as a JSON string.')
    }
    return {
      id: a.id,
      contentType: a.contentType,
      contentUrl: typeof a.contentUrl === 'string' ? a.contentUrl : null,
      content: typeof a.content === 'string' ? a.content : null,
      name: typeof a.name === 'string' ? a.name : null,
      thumbnailUrl: typeof a.thumbnailUrl === 'string' ? a.thumbnailUrl : null,
      teamsAppId: typeof a.teamsAppId === 'string' ? a.teamsAppId : null,
    }
  })
}

function parseHostedContents(raw: unknown, content: string): HostedImage[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw badRequest('hostedContents must be an array.')
  return raw.map((h: unknown) => {
    const temporaryId = isObject(h) ? h['@microsoft.graph.temporaryId'] : undefined
    if (
      !isObject(h) ||
      typeof temporaryId !== 'string' ||
      typeof h.contentBytes !== 'string' ||
      typeof h.contentType !== 'string'
    ) {
      throw badRequest(
        'Each hosted content needs @microsoft.graph.temporaryId, contentBytes and contentType.',
      )
    }
    if (!content.includes(`../hostedContents/${temporaryId}/$value`)) {
      throw badRequest(`Hosted content '${temporaryId}' is not referenced in the body.`)
    }
    return { temporaryId, bytes: Buffer.from(h.contentBytes, 'base64'), contentType: h.contentType }
  })
}
