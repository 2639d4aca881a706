import type {
  ChatMessage,
  ChatMessageAttachment,
  ChatMessageMention,
} from '../state/chat-message.ts'
import type { Directory, DirectoryUser } from '../state/directory.ts'
import type { Drive } from '../state/drive.ts'
import { escapeHtml } from '../state/html.ts'
import {
  appMention,
  attachmentTag,
  mentionTagText,
  quoteAttachment,
  userMention,
} from '../state/message-parts.ts'
import type { HostedImage, MessageDraft } from '../state/message-store.ts'

/** Bytes as a Buffer, or base64 text (the HTTP control API sends base64). */
export type Bytes = Buffer | string

export interface ComposeInput {
  html?: string
  text?: string
  /** Files the user shares: stored in their OneDrive, sent as `reference` attachments. */
  attachments?: Array<{ name: string; bytes?: Bytes; contentType?: string }>
  /** Pasted images; `temporaryId` matches `../hostedContents/{id}/$value` in `html`, else appended. */
  hostedImages?: Array<{ bytes: Bytes; contentType?: string; temporaryId?: string }>
  /** `<at id="n">` tags in `html` are used when present, else prepended. */
  mentions?: Array<
    { userId: string; text?: string } | { appId: string; displayName: string; text?: string }
  >
  importance?: ChatMessage['importance']
}

const toBuffer = (bytes: Bytes | undefined): Buffer =>
  bytes === undefined
    ? Buffer.alloc(0)
    : Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes, 'base64')

/**
 * Builds what a Teams client would send for a user: HTML whenever the message has more than
 * plain text, with the tags Graph expects for mentions, files, images and quotes.
 */
export function composeDraft(
  input: ComposeInput,
  deps: {
    sender: DirectoryUser
    directory: Directory
    drive: Drive
    now: Date
    quoted?: ChatMessage
  },
): MessageDraft {
  if ((input.html === undefined) === (input.text === undefined)) {
    throw new Error('give exactly one of html or text')
  }
  const rich = Boolean(
    input.attachments?.length ||
    input.hostedImages?.length ||
    input.mentions?.length ||
    deps.quoted,
  )
  if (!rich && input.text !== undefined) {
    return { ...empty(input), body: { contentType: 'text', content: input.text } }
  }
  let content = input.html ?? `<p>${escapeHtml(input.text!)}</p>`
  const mentions: ChatMessageMention[] = (input.mentions ?? []).map((m, id) => {
    const name = 'userId' in m ? requireUser(deps.directory, m.userId).displayName : m.displayName
    const inTag = mentionTagText(content, id)
    if (inTag === undefined)
      content = `<at id="${id}">${escapeHtml(m.text ?? name)}</at> ${content}`
    const mentionText = inTag ?? m.text ?? name
    return 'userId' in m
      ? userMention(id, mentionText, requireUser(deps.directory, m.userId))
      : appMention(id, mentionText, { id: m.appId, displayName: m.displayName })
  })
  const hostedContents: HostedImage[] = (input.hostedImages ?? []).map((image, i) => {
    const temporaryId = image.temporaryId ?? String(i + 1)
    const src = `../hostedContents/${temporaryId}/$value`
    if (!content.includes(src)) content += `<p><img src="${src}" alt="image"></p>`
    return {
      temporaryId,
      bytes: toBuffer(image.bytes),
      contentType: image.contentType ?? 'image/png',
    }
  })
  const attachments: ChatMessageAttachment[] = (input.attachments ?? []).map((file) => {
    const stored = deps.drive.upload({
      ownerUpn: deps.sender.userPrincipalName,
      name: file.name,
      bytes: toBuffer(file.bytes),
      mimeType: file.contentType ?? 'application/octet-stream',
      now: deps.now,
    })
    const id = stored.eTagGuid.toLowerCase()
    content += attachmentTag(id)
    return {
      id,
      contentType: 'reference',
      contentUrl: stored.webUrl,
      content: null,
      name: file.name,
      thumbnailUrl: null,
      teamsAppId: null,
    }
  })
  if (deps.quoted) {
    content = `${attachmentTag(deps.quoted.id)}${content}`
    attachments.unshift(quoteAttachment(deps.quoted))
  }
  return {
    ...empty(input),
    body: { contentType: 'html', content },
    mentions,
    hostedContents,
    attachments,
  }
}

const empty = (input: ComposeInput): MessageDraft => ({
  body: { contentType: 'text', content: '' },
  attachments: [],
  mentions: [],
  hostedContents: [],
  importance: input.importance ?? 'normal',
})

function requireUser(directory: Directory, id: string): DirectoryUser {
  const user = directory.find(id)
  if (!user) throw new Error(`unknown user ${id}`)
  return user
}
