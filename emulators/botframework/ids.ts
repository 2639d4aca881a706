import { createHash, randomBytes } from 'node:crypto'

/** Bots appear in Teams as `28:{appId}` (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages). */
export const botAccountId = (appId: string): string => `28:${appId}`

/** The app id in a bot account id (`28:{appId}` or the bare app id). */
export const appIdOf = (accountId: string): string => accountId.replace(/^28:/, '')

/** A personal (1:1) conversation id: Teams returns the same `a:…` id for the same bot and user. */
export const personalConversationId = (appId: string, userId: string): string =>
  `a:${createHash('sha256').update(`${appId}|${userId}`).digest('base64url')}`

export const newGroupChatId = (): string => `19:${randomBytes(16).toString('hex')}@thread.v2`

/** Teams message ids are the epoch milliseconds of the message, unique per conversation. */
export class MessageIdSource {
  #last = 0
  next(nowMs: number): string {
    this.#last = Math.max(nowMs, this.#last + 1)
    return String(this.#last)
  }
}
