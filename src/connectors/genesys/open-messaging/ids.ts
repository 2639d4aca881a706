import { createHash } from 'node:crypto'

/**
 * `channel.messageId` is "Unique provider ID of the message". Its length limit is not
 * documented, so long idempotency keys are replaced by their SHA-256 (hex): the same key always
 * gives the same id, so a retried send carries the id of the first attempt.
 */
const maxPlainIdLength = 100

/** The provider message id of part `index` (0-based) of `count` parts of one bridge message. */
export function providerMessageId(idempotencyKey: string, index: number, count: number): string {
  const base =
    idempotencyKey.length <= maxPlainIdLength
      ? idempotencyKey
      : createHash('sha256').update(idempotencyKey).digest('hex')
  return count === 1 ? base : `${base}#${index + 1}`
}

/** Webhook retries repeat the same `id` (validate.html: up to 5 retries of one message). */
export const outboundDedupeKey = (genesysMessageId: string) => `genesys:${genesysMessageId}`

/**
 * Marks the `channel.messageId` of a message sent before the bridge knew the customer's Genesys
 * conversation (its first message there). Genesys echoes `channel.messageId` in the Published
 * receipt, so the webhook edge can tell from the payload alone which receipts carry evidence a
 * resend needs (the conversation the message landed in), without reading the store.
 */
const firstMark = '~first'

export const markedFirst = (messageId: string) => `${messageId}${firstMark}`
export const isMarkedFirst = (messageId: string | undefined) =>
  messageId !== undefined && messageId.endsWith(firstMark)
