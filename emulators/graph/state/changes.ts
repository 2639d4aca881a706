import type { ChatMessage, MessageContainer } from './chat-message.ts'
import type { MailMessage } from './mailboxes.ts'
import type { PresenceJson } from './presence.ts'

export type ChangeType = 'created' | 'updated' | 'deleted'

/** A change to a resource that subscriptions may be watching. */
export type ResourceChange =
  | {
      readonly resource: 'chatMessage'
      readonly changeType: ChangeType
      readonly container: MessageContainer
      readonly message: ChatMessage
    }
  | {
      readonly resource: 'mailMessage'
      readonly changeType: ChangeType
      readonly userId: string
      readonly folder: string
      readonly message: MailMessage
    }
  | {
      readonly resource: 'presence'
      readonly changeType: 'updated'
      readonly userId: string
      readonly presence: PresenceJson
    }

export class ChangeFeed {
  readonly #listeners: Array<(change: ResourceChange) => void> = []

  listen(listener: (change: ResourceChange) => void): void {
    this.#listeners.push(listener)
  }

  emit(change: ResourceChange): void {
    for (const listener of this.#listeners) listener(change)
  }
}
