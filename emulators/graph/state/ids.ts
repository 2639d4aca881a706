import { createHash, randomBytes, randomUUID } from 'node:crypto'

import type { EmulatorClock } from '../../kit/clock.ts'

/**
 * Teams message ids are the creation time in epoch milliseconds, and `etag` equals the id on
 * creation (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage). Two
 * messages in the same millisecond get consecutive ids so ids stay unique and ordered.
 */
export class MessageIdSource {
  #last = 0
  readonly #clock: EmulatorClock

  constructor(clock: EmulatorClock) {
    this.#clock = clock
  }

  next(): string {
    this.#last = Math.max(this.#last + 1, this.#clock.nowMs())
    return String(this.#last)
  }
}

export const newGuid = (): string => randomUUID()

/** A stable GUID derived from a string (service principal ids for app-created subscriptions). */
export function guidFrom(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** 1:1 chats: `19:{userA}_{userB}@unq.gbl.spaces`; group chats: `19:{hex}@thread.v2`. */
export function chatIdFor(chatType: string, memberIds: readonly string[]): string {
  if (chatType === 'oneOnOne' && memberIds.length === 2) {
    const [a, b] = [...memberIds].sort()
    return `19:${a}_${b}@unq.gbl.spaces`
  }
  return `19:${randomBytes(16).toString('hex')}@thread.v2`
}

export const channelIdNew = (): string => `19:${randomBytes(16).toString('hex')}@thread.tacv2`

/** Hosted content ids are opaque base64 strings that encode a Teams media reference. */
export function hostedContentIdNew(): string {
  const object = `0-wus-d${randomBytes(1)[0]! % 10}-${randomBytes(16).toString('hex')}`
  const inner = `id=x_${object},type=1,url=https://us-api.asm.skype.com/v1/objects/${object}/views/imgo`
  return Buffer.from(inner).toString('base64')
}

/** Outlook item ids are long opaque base64 strings (`AAMkAG…`). */
export const mailIdNew = (): string =>
  `AAMkAG${randomBytes(60).toString('base64').replaceAll('/', '-').replaceAll('+', '_')}=`

export const changeKeyNew = (): string => `CQAAABYAAAD${randomBytes(18).toString('base64')}`
