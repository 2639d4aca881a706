import type { EmulatorClock } from '../../kit/clock.ts'
import type { ChangeFeed } from './changes.ts'
import { htmlToPlainText } from './html.ts'
import { changeKeyNew, mailIdNew, newGuid } from './ids.ts'

export interface EmailAddress {
  name: string
  address: string
}

/** The Outlook message resource (https://learn.microsoft.com/graph/api/resources/message). */
export interface MailMessage {
  '@odata.etag': string
  id: string
  createdDateTime: string
  lastModifiedDateTime: string
  changeKey: string
  categories: string[]
  receivedDateTime: string
  sentDateTime: string
  hasAttachments: boolean
  internetMessageId: string
  subject: string
  bodyPreview: string
  importance: 'low' | 'normal' | 'high'
  parentFolderId: string
  conversationId: string
  isDeliveryReceiptRequested: boolean
  isReadReceiptRequested: boolean
  isRead: boolean
  isDraft: boolean
  webLink: string
  inferenceClassification: 'focused' | 'other'
  body: { contentType: 'html' | 'text'; content: string }
  sender: { emailAddress: EmailAddress }
  from: { emailAddress: EmailAddress }
  toRecipients: Array<{ emailAddress: EmailAddress }>
  ccRecipients: Array<{ emailAddress: EmailAddress }>
  bccRecipients: Array<{ emailAddress: EmailAddress }>
  replyTo: Array<{ emailAddress: EmailAddress }>
  internetMessageHeaders?: Array<{ name: string; value: string }>
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete' }
}

export interface IncomingMail {
  toUserId: string
  from: EmailAddress
  subject: string
  html?: string
  text?: string
  cc?: EmailAddress[]
  conversationId?: string
  internetMessageHeaders?: Array<{ name: string; value: string }>
}

interface Mailbox {
  readonly inboxId: string
  readonly messages: Map<string, MailMessage>
}

/** Mailboxes of directory users; only the Inbox folder is emulated. */
export class Mailboxes {
  readonly #boxes = new Map<string, Mailbox>()
  readonly #clock: EmulatorClock
  readonly #changes: ChangeFeed

  constructor(clock: EmulatorClock, changes: ChangeFeed) {
    this.#clock = clock
    this.#changes = changes
  }

  deliver(mail: IncomingMail, recipient: EmailAddress): MailMessage {
    const box = this.#box(mail.toUserId)
    const now = this.#clock.now().toISOString()
    const id = mailIdNew()
    const changeKey = changeKeyNew()
    const content = mail.html ?? mail.text ?? ''
    const message: MailMessage = {
      '@odata.etag': `W/"${changeKey}"`,
      id,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey,
      categories: [],
      receivedDateTime: now,
      sentDateTime: now,
      hasAttachments: false,
      internetMessageId: `<${newGuid()}@emulator.outlook.com>`,
      subject: mail.subject,
      bodyPreview: (mail.html ? htmlToPlainText(mail.html) : content).slice(0, 255),
      importance: 'normal',
      parentFolderId: box.inboxId,
      conversationId: mail.conversationId ?? `AAQkAG${newGuid().replaceAll('-', '')}=`,
      isDeliveryReceiptRequested: false,
      isReadReceiptRequested: false,
      isRead: false,
      isDraft: false,
      webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
      inferenceClassification: 'focused',
      body: { contentType: mail.html !== undefined ? 'html' : 'text', content },
      sender: { emailAddress: mail.from },
      from: { emailAddress: mail.from },
      toRecipients: [{ emailAddress: recipient }],
      ccRecipients: (mail.cc ?? []).map((emailAddress) => ({ emailAddress })),
      bccRecipients: [],
      replyTo: [],
      ...(mail.internetMessageHeaders
        ? { internetMessageHeaders: mail.internetMessageHeaders }
        : {}),
      flag: { flagStatus: 'notFlagged' },
    }
    box.messages.set(id, message)
    this.#emit('created', mail.toUserId, message)
    return structuredClone(message)
  }

  /** Marks read or unread; any change is an `updated` notification without a $filter. */
  setRead(userId: string, id: string, isRead: boolean): MailMessage | undefined {
    const message = this.#box(userId).messages.get(id)
    if (!message) return undefined
    const changeKey = changeKeyNew()
    Object.assign(message, {
      isRead,
      changeKey,
      '@odata.etag': `W/"${changeKey}"`,
      lastModifiedDateTime: this.#clock.now().toISOString(),
    })
    this.#emit('updated', userId, message)
    return structuredClone(message)
  }

  get(userId: string, id: string): MailMessage | undefined {
    const message = this.#box(userId).messages.get(id)
    return message ? structuredClone(message) : undefined
  }

  /** Newest first, as Outlook lists by default. */
  list(userId: string): MailMessage[] {
    return [...this.#box(userId).messages.values()]
      .map((m) => structuredClone(m))
      .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime))
  }

  inboxId(userId: string): string {
    return this.#box(userId).inboxId
  }

  #emit(changeType: 'created' | 'updated', userId: string, message: MailMessage): void {
    this.#changes.emit({ resource: 'mailMessage', changeType, userId, folder: 'inbox', message })
  }

  #box(userId: string): Mailbox {
    let box = this.#boxes.get(userId)
    if (!box) {
      box = { inboxId: `AAMkAG${newGuid().replaceAll('-', '')}AAA=`, messages: new Map() }
      this.#boxes.set(userId, box)
    }
    return box
  }
}
