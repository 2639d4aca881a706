import { InvalidInputError } from '../../../core/errors.ts'
import type { Attachment, MessageContent } from '../../../core/model/message.ts'
import { sanitizeText, splitText } from '../../../core/policies/text.ts'
import type { ConversationReference } from './conversation-reference.ts'

/**
 * Teams refuses bot messages over 100 KB with 413 MessageSizeTooBig, counting text "encoded as
 * UTF-16", and advises staying within 80 KB
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
 * 80 KB of UTF-16 is 40 960 code units; 40 000 leaves room for the envelope and attachments.
 */
export const MAX_TEXT_UNITS = 40_000

type Json = Record<string, unknown>

/** The addressing every outbound activity carries (from = the bot, recipient = the user). */
function addressing(ref: ConversationReference): Json {
  return {
    from: ref.bot,
    recipient: ref.user,
    conversation: { id: ref.conversation.id },
    ...(ref.tenantId ? { channelData: { tenant: { id: ref.tenantId } } } : {}),
  }
}

/**
 * Images travel as image attachments (Teams shows https `contentUrl`s inline); other files as a
 * hero card whose button opens the signed URL, since bots cannot post arbitrary files into
 * group chats and channels.
 */
function attachmentOf(attachment: Attachment): Json {
  if (attachment.kind === 'image') {
    return { contentType: attachment.mediaType, contentUrl: attachment.url, name: attachment.name }
  }
  return {
    contentType: 'application/vnd.microsoft.card.hero',
    content: {
      title: attachment.name,
      ...(attachment.sizeBytes !== undefined ? { subtitle: sizeLabel(attachment.sizeBytes) } : {}),
      buttons: [{ type: 'openUrl', title: 'Download', value: attachment.url }],
    },
  }
}

function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

function quoteOf(content: MessageContent): string {
  if (!content.replyTo) return ''
  const who = content.replyTo.author ? `${content.replyTo.author}: ` : ''
  const lines = `${who}${content.replyTo.text}`.split('\n').map((line) => `> ${line}`)
  return `${lines.join('\n')}\n\n`
}

/**
 * The message activities for one outgoing message, in order: markdown text split under the
 * size limit, attachments on the last activity. Never empty; a message with neither text nor
 * attachments is refused (Teams answers 400 to it).
 */
export function messageActivities(ref: ConversationReference, content: MessageContent): Json[] {
  const text = safeMarkdown(sanitizeText(quoteOf(content) + content.text))
  const parts = text.trim() ? splitText(text, MAX_TEXT_UNITS) : []
  const attachments = content.attachments.map(attachmentOf)
  const base = { type: 'message', ...addressing(ref) }
  if (parts.length === 0) {
    if (attachments.length === 0) throw new InvalidInputError('message has no text or attachments')
    return [{ ...base, attachments }]
  }
  return parts.map((part, index) => ({
    ...base,
    textFormat: 'markdown',
    text: part,
    ...(index === parts.length - 1 && attachments.length ? { attachments } : {}),
  }))
}

export function typingActivity(ref: ConversationReference): Json {
  return { type: 'typing', ...addressing(ref) }
}

/**
 * Teams renders a subset of HTML inside markdown messages, so markup from the other side must
 * arrive as text: `<` and `&` are escaped (no tag can open; `>` stays for quotes), and links may only be http(s) or
 * mailto (a `javascript:` link becomes plain text).
 */
export function safeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\[([^\]]*)\]\(\s*(?!https?:|mailto:)(?:[^()]|\([^()]*\))*\)/gi, '$1')
}
