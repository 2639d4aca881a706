import { randomBytes } from 'node:crypto'

const MAX_COUNTER = 0xfff

let lastMs = 0
let counter = 0

/**
 * A UUIDv7 (RFC 9562 §5.7) whose 12-bit `rand_a` is a counter (method 1 of §6.2), so ids made
 * by this process sort in the order they were made, also within one millisecond and if the wall
 * clock steps back. Keysets that break time ties by id (pg-boss's `key_strict_fifo`, the store's
 * pages) thus keep rows of one millisecond in the order they were made.
 */
export function uuidV7(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs
    counter = 0
  } else if (counter < MAX_COUNTER) {
    counter += 1
  } else {
    // Counter spent within one millisecond: borrow the next one, as §6.2 allows.
    lastMs += 1
    counter = 0
  }
  const bytes = randomBytes(16)
  bytes.writeUIntBE(lastMs, 0, 6)
  bytes[6] = 0x70 | (counter >> 8)
  bytes[7] = counter & 0xff
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
