import type { ChatMessage, ChatMessageAttachment, ChatMessageMention } from './chat-message.ts'
import type { DirectoryUser } from './directory.ts'
import { htmlToPlainText } from './html.ts'

// Quoted previews are cut like Teams does; the exact length is not documented.
const PREVIEW_CHARS = 200

/**
 * A reply-with-quote in a chat is a `messageReference` attachment whose `content` is a JSON
 * string, and the body starts with `<attachment id="{quotedId}"></attachment>`
 * (https://learn.microsoft.com/graph/api/chatmessage-replywithquote).
 */
export function quoteAttachment(quoted: ChatMessage): ChatMessageAttachment {
  const sender = quoted.from.user
    ? {
        application: null,
        device: null,
        user: {
          userIdentityType: 'aadUser',
          tenantId: quoted.from.user.tenantId,
          id: quoted.from.user.id,
          displayName: quoted.from.user.displayName,
        },
      }
    : { application: quoted.from.application, device: null, user: null }
  const preview =
    quoted.body.contentType === 'html' ? htmlToPlainText(quoted.body.content) : quoted.body.content
  return {
    id: quoted.id,
    contentType: 'messageReference',
    contentUrl: null,
    content: JSON.stringify({
      messageId: quoted.id,
      messagePreview: preview.slice(0, PREVIEW_CHARS),
      messageSender: sender,
    }),
    name: null,
    thumbnailUrl: null,
    teamsAppId: null,
  }
}

export const attachmentTag = (id: string): string => `<attachment id="${id}"></attachment>`

export function userMention(
  id: number,
  mentionText: string,
  user: DirectoryUser,
): ChatMessageMention {
  return {
    id,
    mentionText,
    mentioned: {
      user: { displayName: user.displayName, id: user.id, userIdentityType: 'aadUser' },
    },
  }
}

export function appMention(
  id: number,
  mentionText: string,
  app: { id: string; displayName: string },
): ChatMessageMention {
  return {
    id,
    mentionText,
    mentioned: {
      application: { displayName: app.displayName, id: app.id, applicationIdentityType: 'bot' },
    },
  }
}

/** The text inside `<at id="n">…</at>`, or undefined when the body has no such tag. */
export function mentionTagText(html: string, id: number): string | undefined {
  const match = new RegExp(`<at id="${id}">([\\s\\S]*?)</at>`).exec(html)
  return match ? htmlToPlainText(match[1]!) : undefined
}
