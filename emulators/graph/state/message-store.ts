import type { EmulatorClock } from '../../kit/clock.ts'
import type { ChangeFeed } from './changes.ts'
import {
  type ChatMessage,
  type ChatMessageAttachment,
  type ChatMessageMention,
  containerKey,
  identitySet,
  type ItemBody,
  type MessageContainer,
  messageRestPath,
  type MessageSender,
} from './chat-message.ts'
import { hostedContentIdNew, type MessageIdSource } from './ids.ts'

export interface HostedImage {
  /** Matches `src="../hostedContents/{temporaryId}/$value"` in the body, as in the POST API. */
  temporaryId: string
  bytes: Buffer
  contentType: string
}

/** A validated message before the service assigns ids and timestamps. */
export interface MessageDraft {
  body: ItemBody
  attachments: ChatMessageAttachment[]
  mentions: ChatMessageMention[]
  hostedContents: HostedImage[]
  /** Channel replies only; chats have no threads. */
  replyToId?: string
  importance?: ChatMessage['importance']
  subject?: string | null
}

export interface StoredHostedContent {
  readonly id: string
  readonly bytes: Buffer
  readonly contentType: string
}

interface StoredMessage {
  message: ChatMessage
  hosted: Map<string, StoredHostedContent>
}

/** Messages per chat or channel, in creation order, with their hosted contents. */
export class MessageStore {
  readonly #byContainer = new Map<string, Map<string, StoredMessage>>()
  readonly #clock: EmulatorClock
  readonly #ids: MessageIdSource
  readonly #changes: ChangeFeed
  readonly #baseUrl: () => string

  constructor(deps: {
    clock: EmulatorClock
    ids: MessageIdSource
    changes: ChangeFeed
    baseUrl: () => string
  }) {
    this.#clock = deps.clock
    this.#ids = deps.ids
    this.#changes = deps.changes
    this.#baseUrl = deps.baseUrl
  }

  create(container: MessageContainer, sender: MessageSender, draft: MessageDraft): ChatMessage {
    const id = this.#ids.next()
    const now = this.#clock.now().toISOString()
    const replyToId = draft.replyToId ?? null
    const hosted = new Map<string, StoredHostedContent>()
    let content = draft.body.content
    for (const image of draft.hostedContents) {
      const hostedId = hostedContentIdNew()
      hosted.set(hostedId, { id: hostedId, bytes: image.bytes, contentType: image.contentType })
      const url = `${this.#baseUrl()}${messageRestPath(container, id, replyToId)}/hostedContents/${hostedId}/$value`
      content = content.replaceAll(`../hostedContents/${image.temporaryId}/$value`, url)
    }
    const message: ChatMessage = {
      id,
      replyToId,
      etag: id,
      messageType: 'message',
      createdDateTime: now,
      lastModifiedDateTime: now,
      lastEditedDateTime: null,
      deletedDateTime: null,
      subject: draft.subject ?? null,
      summary: null,
      chatId: container.kind === 'chat' ? container.chatId : null,
      importance: draft.importance ?? 'normal',
      locale: 'en-us',
      webUrl: container.kind === 'chat' ? null : channelWebUrl(container, id, replyToId),
      channelIdentity:
        container.kind === 'channel'
          ? { teamId: container.teamId, channelId: container.channelId }
          : null,
      policyViolation: null,
      eventDetail: null,
      from: identitySet(sender),
      body: { contentType: draft.body.contentType, content },
      attachments: draft.attachments,
      mentions: draft.mentions,
      reactions: [],
      messageHistory: [],
    }
    this.#messages(container).set(id, { message, hosted })
    this.#changes.emit({ resource: 'chatMessage', changeType: 'created', container, message })
    return structuredClone(message)
  }

  /** An edit by the sender: new body, new etag and lastModifiedDateTime, `updated` notification. */
  edit(container: MessageContainer, messageId: string, body: ItemBody): ChatMessage | undefined {
    const stored = this.#messages(container).get(messageId)
    if (!stored || stored.message.deletedDateTime) return undefined
    const now = this.#clock.now()
    Object.assign(stored.message, {
      body,
      etag: String(Math.max(now.getTime(), Number(stored.message.etag) + 1)),
      lastModifiedDateTime: now.toISOString(),
      lastEditedDateTime: now.toISOString(),
    })
    const message = stored.message
    this.#changes.emit({ resource: 'chatMessage', changeType: 'updated', container, message })
    return structuredClone(message)
  }

  /** A soft delete: the message stays with `deletedDateTime` set and an empty body. */
  softDelete(container: MessageContainer, messageId: string): ChatMessage | undefined {
    const stored = this.#messages(container).get(messageId)
    if (!stored || stored.message.deletedDateTime) return undefined
    const now = this.#clock.now()
    Object.assign(stored.message, {
      body: { contentType: 'html', content: '' },
      attachments: [],
      mentions: [],
      etag: String(Math.max(now.getTime(), Number(stored.message.etag) + 1)),
      lastModifiedDateTime: now.toISOString(),
      deletedDateTime: now.toISOString(),
    })
    const message = stored.message
    this.#changes.emit({ resource: 'chatMessage', changeType: 'deleted', container, message })
    return structuredClone(message)
  }

  get(container: MessageContainer, messageId: string): ChatMessage | undefined {
    const stored = this.#messages(container).get(messageId)
    return stored ? structuredClone(stored.message) : undefined
  }

  /** All messages of the container in creation order (channel replies included). */
  list(container: MessageContainer): ChatMessage[] {
    return [...this.#messages(container).values()].map((s) => structuredClone(s.message))
  }

  hostedContents(container: MessageContainer, messageId: string): StoredHostedContent[] {
    return [...(this.#messages(container).get(messageId)?.hosted.values() ?? [])]
  }

  #messages(container: MessageContainer): Map<string, StoredMessage> {
    const key = containerKey(container)
    let messages = this.#byContainer.get(key)
    if (!messages) {
      messages = new Map()
      this.#byContainer.set(key, messages)
    }
    return messages
  }
}

function channelWebUrl(
  container: { teamId: string; channelId: string },
  id: string,
  replyToId: string | null,
): string {
  const parent = replyToId ?? id
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(container.channelId)}/${id}?groupId=${container.teamId}&createdTime=${id}&parentMessageId=${parent}`
}
