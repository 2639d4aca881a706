import type { IncomingMessage } from '../../../core/events.ts'
import type { Attachment, Mention, ReplyQuote } from '../../../core/model/message.ts'
import type { Participant } from '../../../core/model/participant.ts'
import { hostedImageAttachment, referenceAttachment } from './attachments.ts'
import { plainToMarkdown, stripControl, teamsHtmlToMarkdown } from './teams-html.ts'
import { type ChatMessage, messageReference } from './wire.ts'

type IdentitySet = NonNullable<ChatMessage['from']>

/**
 * A Graph chatMessage as a core IncomingMessage; undefined for what is not a person's or bot's
 * message (system events, typing, deleted messages, unknown future types).
 * `tenantId` is the notification's tenant, used when the sender carries none.
 */
export function chatMessageToIncoming(
  message: ChatMessage,
  tenantId?: string,
): IncomingMessage | undefined {
  if (message.messageType !== 'message' || message.deletedDateTime) return undefined
  const sender = participantOf(message.from, tenantId)
  if (!sender) return undefined

  const body = message.body?.content ?? ''
  const isHtml = message.body?.contentType?.toLowerCase() === 'html'
  const parsed = isHtml
    ? teamsHtmlToMarkdown(body)
    : { markdown: plainToMarkdown(body), hostedImages: [] }

  const attachments: Attachment[] = parsed.hostedImages.map(hostedImageAttachment)
  let replyTo: ReplyQuote | undefined
  for (const att of message.attachments ?? []) {
    if (att.contentType === 'reference' && att.contentUrl) {
      attachments.push(
        referenceAttachment(att.name ?? undefined, att.contentUrl, attachments.length),
      )
    } else if (att.contentType === 'messageReference') {
      replyTo ??= quoteOf(att.content ?? undefined, att.id ?? undefined)
    }
  }
  if (!replyTo && 'quote' in parsed && parsed.quote) {
    const { text, author, messageId } = parsed.quote
    replyTo = {
      text,
      ...(author ? { author } : {}),
      ...(messageId ? { remoteMessageId: messageId } : {}),
    }
  }

  return {
    remoteMessageId: message.id,
    sender,
    text: parsed.markdown,
    attachments,
    mentions: mentionsOf(message, tenantId),
    ...(replyTo ? { replyTo } : {}),
  }
}

export function participantOf(
  from: IdentitySet | null | undefined,
  tenantId?: string,
): Participant | undefined {
  const user = from?.user
  if (user?.id) {
    const tid = user.tenantId ?? tenantId
    return {
      role: 'customer',
      displayName: stripControl(user.displayName ?? ''),
      aadObjectId: user.id,
      remoteId: user.id,
      ...(tid ? { tenantId: tid } : {}),
    }
  }
  const app = from?.application
  if (app?.id) {
    return { role: 'bot', displayName: stripControl(app.displayName ?? ''), remoteId: app.id }
  }
  return undefined
}

function mentionsOf(message: ChatMessage, tenantId?: string): Mention[] {
  return (message.mentions ?? []).map((m) => {
    const participant = participantOf(m.mentioned, tenantId)
    return { text: stripControl(m.mentionText ?? ''), ...(participant ? { participant } : {}) }
  })
}

/** A `messageReference` attachment's JSON content (reply with quote in chats). */
function quoteOf(
  content: string | undefined,
  attachmentId: string | undefined,
): ReplyQuote | undefined {
  if (!content) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(content)
  } catch {
    return undefined
  }
  const result = messageReference.safeParse(parsed)
  if (!result.success) return undefined
  const ref = result.data
  const author = ref.messageSender?.user?.displayName ?? ref.messageSender?.application?.displayName
  const remoteMessageId = ref.messageId ?? attachmentId
  return {
    text: plainToMarkdown(ref.messagePreview ?? ''),
    ...(author ? { author: stripControl(author) } : {}),
    ...(remoteMessageId ? { remoteMessageId } : {}),
  }
}
